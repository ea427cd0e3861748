package dev.baton.healthchecker.probe;

import java.util.concurrent.CompletionStage;

/**
 * Probes one kind of target. Implementations never throw and never complete exceptionally: every
 * failure, including their own timeout, is a {@link ProbeOutcome#down} with a reason. A probe of a
 * {@linkplain CheckType#blocking() blocking} type is called on a worker thread; the others must not block.
 */
public interface Probe {

    CheckType type();

    CompletionStage<ProbeOutcome> probe(CheckDefinition check);
}
