package dev.baton.common.ssh;

import java.time.Duration;

/** What a remote command did. {@code exitCode} is -1 when the command was killed by a signal. */
public record ExecResult(int exitCode, String stdout, String stderr, Duration elapsed) {

    public boolean succeeded() {
        return exitCode == 0;
    }
}
