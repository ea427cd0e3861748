package dev.baton.common.wire;

/** The shape of names Baton uses for sites, observers, checks and channels. */
public final class Names {
    public static final String PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
    public static final String MESSAGE = "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit";

    private Names() {
    }

    public static boolean isValid(String name) {
        return name != null && name.matches(PATTERN);
    }
}
