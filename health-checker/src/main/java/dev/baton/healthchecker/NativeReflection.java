package dev.baton.healthchecker;

import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import dev.baton.healthchecker.api.CheckView;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The one place this module registers types for reflection (JSON in a native image): the documents it serves and pushes. */
@RegisterForReflection(targets = {VerdictReport.class, SiteVerdict.class, CheckResult.class, CheckView.class})
final class NativeReflection {
    private NativeReflection() {
    }
}
