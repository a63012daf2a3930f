package io.boxoffice.cli.render;

/**
 * ANSI terminal styles, or none: every renderer takes an {@code Ansi} so the same code draws for a colour
 * terminal, for {@code NO_COLOR}/pipes, and for tests.
 */
public final class Ansi {

    public static final Ansi ON = new Ansi(true);
    public static final Ansi OFF = new Ansi(false);

    static final String RESET = "\u001b[0m";

    private final boolean enabled;

    private Ansi(boolean enabled) {
        this.enabled = enabled;
    }

    public static Ansi of(boolean enabled) {
        return enabled ? ON : OFF;
    }

    public boolean enabled() {
        return enabled;
    }

    public String green(String text) {
        return style("32", text);
    }

    public String boldGreen(String text) {
        return style("1;32", text);
    }

    public String yellow(String text) {
        return style("33", text);
    }

    public String red(String text) {
        return style("31", text);
    }

    public String boldRed(String text) {
        return style("1;31", text);
    }

    public String grey(String text) {
        return style("90", text);
    }

    public String cyan(String text) {
        return style("36", text);
    }

    public String boldCyan(String text) {
        return style("1;36", text);
    }

    public String bold(String text) {
        return style("1", text);
    }

    /** Black on a bright yellow background: the seats being picked. */
    public String highlight(String text) {
        return style("30;103", text);
    }

    public String style(String code, String text) {
        return enabled ? "\u001b[" + code + "m" + text + RESET : text;
    }

    /** {@code text} without any ANSI escape sequence. */
    public static String strip(String text) {
        return text.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
    }
}
