package io.boxoffice.cli.menu;

import io.boxoffice.cli.render.Ansi;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;

/**
 * The menu's terminal: line input, output, and, on a real terminal, a status line above the prompt that
 * can be rewritten in place (the hold countdown). Output methods may be called from a second thread (the
 * countdown) while another thread waits in {@link #readLine}.
 */
public interface Terminal {

    /** Prints {@code prompt} and reads one line; {@code null} at the end of input. */
    String readLine(String prompt);

    /** Like {@link #readLine}, without echo on a real terminal. */
    String readSecret(String prompt);

    void print(String text);

    default void println(String text) {
        print(text + "\n");
    }

    Ansi ansi();

    /** Whether {@link #rewriteLineAbovePrompt} works (a real terminal). */
    boolean canRewrite();

    /** Replaces the line just above the prompt line, keeping the cursor where the user types. */
    void rewriteLineAbovePrompt(String text);

    /** Whether the JVM's standard streams are connected to a terminal (JDK 22+ also returns a console when not). */
    static boolean stdinIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** A terminal over plain streams: pipes, scripts and tests. Never rewrites lines. */
    final class Streams implements Terminal {
        private final BufferedReader in;
        private final PrintWriter out;
        private final Ansi ansi;

        public Streams(BufferedReader in, PrintWriter out, Ansi ansi) {
            this.in = in;
            this.out = out;
            this.ansi = ansi;
        }

        @Override
        public String readLine(String prompt) {
            synchronized (out) {
                out.print(prompt);
                out.flush();
            }
            try {
                return in.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read input: " + e.getMessage(), e);
            }
        }

        @Override
        public String readSecret(String prompt) {
            return readLine(prompt);
        }

        @Override
        public void print(String text) {
            synchronized (out) {
                out.print(text);
                out.flush();
            }
        }

        @Override
        public Ansi ansi() {
            return ansi;
        }

        @Override
        public boolean canRewrite() {
            return false;
        }

        @Override
        public void rewriteLineAbovePrompt(String text) {
            throw new UnsupportedOperationException("plain streams cannot rewrite lines");
        }
    }

    /** The process's console: echo-free passwords and in-place status lines (ANSI save/restore cursor). */
    final class ConsoleTerminal implements Terminal {
        private final Console console;
        private final Ansi ansi;

        public ConsoleTerminal(Console console, Ansi ansi) {
            this.console = console;
            this.ansi = ansi;
        }

        @Override
        public String readLine(String prompt) {
            return console.readLine("%s", prompt);
        }

        @Override
        public String readSecret(String prompt) {
            char[] secret = console.readPassword("%s", prompt);
            return secret == null ? null : new String(secret);
        }

        @Override
        public void print(String text) {
            PrintWriter writer = console.writer();
            synchronized (writer) {
                writer.print(text);
                writer.flush();
            }
        }

        @Override
        public Ansi ansi() {
            return ansi;
        }

        @Override
        public boolean canRewrite() {
            return true;
        }

        @Override
        public void rewriteLineAbovePrompt(String text) {
            // ESC 7 saves the cursor, ESC [1A moves up, ESC [2K clears the line, ESC 8 restores the cursor.
            print("\u001b7\u001b[1A\r\u001b[2K" + text + "\u001b8");
        }
    }
}
