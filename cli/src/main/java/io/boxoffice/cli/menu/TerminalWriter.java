package io.boxoffice.cli.menu;

import java.io.PrintWriter;
import java.io.Writer;

/** A {@link PrintWriter} that writes through to a {@link Terminal}, so streamed answers appear as they come. */
final class TerminalWriter {

    private final PrintWriter writer;

    TerminalWriter(Terminal terminal) {
        this.writer = new PrintWriter(new Writer() {
            @Override
            public void write(char[] buffer, int offset, int length) {
                terminal.print(new String(buffer, offset, length));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, true);
    }

    PrintWriter writer() {
        return writer;
    }
}
