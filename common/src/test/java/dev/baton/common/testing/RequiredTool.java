package dev.baton.common.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * A test that needs a tool from outside the build (knotd, curl, Chromium, the service jars): on a developer's
 * machine without it the test is skipped and says why; under {@code CI=true} it fails naming the tool, so CI can
 * never go green with real-part tests skipped ({@code .ci/run} installs what they need).
 */
public final class RequiredTool {

    private RequiredTool() {
    }

    /** Skips (outside CI) or fails (CI) unless {@code present}; {@code what} names the tool and how to get it. */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (underCi()) {
            throw new AssertionError("CI=true and " + what + " is missing: this test must run in CI (bash .ci/run installs it)");
        }
        Assumptions.abort(what + " is missing: skipping (under CI=true this fails)");
    }

    static boolean underCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
    }
}
