package dev.baton.common.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Answers an {@code exec} request on an {@link EmbeddedSshServer}. Implementations may block
 * (to emulate a hung command); the server interrupts them when the client goes away.
 */
@FunctionalInterface
public interface CommandHandler {

    Reply handle(Request request) throws IOException, InterruptedException;

    /**
     * @param command the command line with any leading {@code export K='v';} removed
     * @param env     the variables those exports set (e.g. {@code BATON_EPOCH})
     * @param root    the site's root directory (also the SFTP root)
     */
    record Request(String command, Map<String, String> env, Path root) {
    }

    record Reply(int exitCode, String stdout, String stderr) {
        public static Reply ok(String stdout) {
            return new Reply(0, stdout, "");
        }

        public static Reply fail(int exitCode, String stderr) {
            return new Reply(exitCode, "", stderr);
        }
    }

    /** Refuses everything, like a shell with no such command. */
    CommandHandler NONE = request -> Reply.fail(127, "sh: " + request.command() + ": not found\n");
}
