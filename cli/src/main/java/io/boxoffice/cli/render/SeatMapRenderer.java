package io.boxoffice.cli.render;

import io.boxoffice.proto.v1.CategoryAvailability;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draws a show's seat map as a grid: the screen on top, seat numbers as column headings, one line per row
 * with its letter on both sides and its category on the right, then a legend and the categories with prices
 * and free seats. Each state has its own glyph as well as its own colour, so the map reads the same on a
 * monochrome terminal, in a log, and in a test.
 */
public final class SeatMapRenderer {

    /** Width of one seat cell. Two-digit seat numbers need three columns to stay apart. */
    static final int CELL_WIDTH = 3;

    private SeatMapRenderer() {
    }

    /** The glyph of a seat: selected and own seats first, then the state. */
    static char glyph(Seat seat, boolean selected) {
        if (selected) {
            return '@';
        }
        if (seat.getMine()) {
            return '*';
        }
        return switch (seat.getState()) {
            case SEAT_STATE_FREE -> 'o';
            case SEAT_STATE_HELD -> 'h';
            case SEAT_STATE_BOOKED -> 'x';
            case SEAT_STATE_BLOCKED -> '#';
            case SEAT_STATE_UNSPECIFIED, UNRECOGNIZED -> '?';
        };
    }

    private static String paint(Seat seat, boolean selected, Ansi ansi) {
        String glyph = String.valueOf(glyph(seat, selected));
        if (selected) {
            return ansi.highlight(glyph);
        }
        if (seat.getMine()) {
            return ansi.boldCyan(glyph);
        }
        return switch (seat.getState()) {
            case SEAT_STATE_FREE -> ansi.boldGreen(glyph);
            case SEAT_STATE_HELD -> ansi.yellow(glyph);
            case SEAT_STATE_BOOKED -> ansi.red(glyph);
            case SEAT_STATE_BLOCKED -> ansi.grey(glyph);
            case SEAT_STATE_UNSPECIFIED, UNRECOGNIZED -> glyph;
        };
    }

    public static String render(SeatMap map, Set<String> selected, Ansi ansi) {
        int columns = 0;
        for (SeatRow row : map.getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                columns = Math.max(columns, seat.getNumber());
            }
        }
        StringBuilder out = new StringBuilder();
        String margin = "     ";
        int gridWidth = columns * CELL_WIDTH;
        String screen = "SCREEN";
        int pad = Math.max(0, (gridWidth - screen.length()) / 2);
        out.append(margin).append(" ".repeat(pad)).append(ansi.bold(screen)).append('\n');
        out.append(margin).append(ansi.grey("-".repeat(Math.max(screen.length(), gridWidth)))).append('\n');
        out.append(margin);
        for (int number = 1; number <= columns; number++) {
            out.append(String.format("%" + CELL_WIDTH + "d", number));
        }
        out.append('\n');
        for (SeatRow row : map.getRowsList()) {
            out.append(String.format("  %-2s ", row.getRow()));
            Seat[] byNumber = new Seat[columns + 1];
            String category = "";
            for (Seat seat : row.getSeatsList()) {
                if (seat.getNumber() >= 1 && seat.getNumber() <= columns) {
                    byNumber[seat.getNumber()] = seat;
                }
                if (category.isEmpty()) {
                    category = seat.getCategory();
                }
            }
            for (int number = 1; number <= columns; number++) {
                Seat seat = byNumber[number];
                out.append(" ".repeat(CELL_WIDTH - 1));
                out.append(seat == null ? " " : paint(seat, selected.contains(seat.getId()), ansi));
            }
            out.append("  ").append(row.getRow());
            if (!category.isEmpty()) {
                out.append("  ").append(ansi.grey(category));
            }
            out.append('\n');
        }
        out.append('\n').append(legend(ansi)).append('\n');
        for (String line : categoryLines(map)) {
            out.append(line).append('\n');
        }
        return out.toString();
    }

    static String legend(Ansi ansi) {
        return "  " + ansi.boldGreen("o") + " free   " + ansi.yellow("h") + " held   " + ansi.red("x") + " booked   "
                + ansi.grey("#") + " blocked   " + ansi.boldCyan("*") + " yours   " + ansi.highlight("@") + " selected";
    }

    static List<String> categoryLines(SeatMap map) {
        List<String> lines = new ArrayList<>();
        if (map.getCategoriesCount() > 0) {
            for (CategoryAvailability category : map.getCategoriesList()) {
                lines.add(String.format("  %-12s %12s   %d of %d free", category.getCategory(),
                        Formats.money(category.getPrice()), category.getSeatsFree(), category.getSeatsTotal()));
            }
            return lines;
        }
        // Older nodes may not fill the summary: derive it from the seats.
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (SeatRow row : map.getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                int[] count = counts.computeIfAbsent(seat.getCategory(), key -> new int[2]);
                count[1]++;
                if (seat.getState() == io.boxoffice.proto.v1.SeatState.SEAT_STATE_FREE) {
                    count[0]++;
                }
            }
        }
        counts.forEach((name, count) -> lines.add(String.format("  %-12s   %d of %d free", name, count[0], count[1])));
        return lines;
    }

    /** The seat with this id, when the map has it. */
    public static Seat find(SeatMap map, String seatId) {
        for (SeatRow row : map.getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                if (seat.getId().equalsIgnoreCase(seatId)) {
                    return seat;
                }
            }
        }
        return null;
    }

    /** Seats free at the moment of the map. */
    public static int freeSeats(SeatMap map, Set<String> among) {
        int free = 0;
        for (SeatRow row : map.getRowsList()) {
            for (Seat seat : row.getSeatsList()) {
                if (seat.getState() == io.boxoffice.proto.v1.SeatState.SEAT_STATE_FREE
                        && (among.isEmpty() || among.contains(seat.getId()))) {
                    free++;
                }
            }
        }
        return free;
    }
}
