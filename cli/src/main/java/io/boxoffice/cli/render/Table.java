package io.boxoffice.cli.render;

import java.util.ArrayList;
import java.util.List;

/** A plain text table with a header row and columns as wide as their widest cell (ANSI-aware). */
public final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(cell == null ? "" : String.valueOf(cell));
        }
        rows.add(row);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public String render(Ansi ansi) {
        int[] widths = new int[header.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = visibleLength(header.get(column));
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], visibleLength(row.get(column)));
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, widths, ansi, true);
        for (List<String> row : rows) {
            appendRow(out, row, widths, ansi, false);
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> cells, int[] widths, Ansi ansi, boolean header) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            String cell = cells.get(column);
            String text = header ? ansi.bold(cell) : cell;
            line.append(text);
            if (column < cells.size() - 1) {
                line.append(" ".repeat(widths[column] - visibleLength(cell) + 2));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    static int visibleLength(String text) {
        return Ansi.strip(text).codePointCount(0, Ansi.strip(text).length());
    }
}
