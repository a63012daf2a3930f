package io.boxoffice.cli.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.proto.v1.CategoryAvailability;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeatMapRendererTest {

    static Seat seat(String row, int number, SeatState state, boolean mine) {
        return Seat.newBuilder().setId(row + number).setNumber(number).setState(state).setMine(mine)
                .setCategory(row.equals("A") ? "standard" : "premium").build();
    }

    /** Two rows of 10 (two-digit numbers must stay aligned): every state once. */
    static SeatMap map() {
        SeatRow.Builder a = SeatRow.newBuilder().setRow("A");
        SeatRow.Builder b = SeatRow.newBuilder().setRow("B");
        for (int number = 1; number <= 10; number++) {
            SeatState state = switch (number) {
                case 2 -> SeatState.SEAT_STATE_HELD;
                case 3 -> SeatState.SEAT_STATE_BOOKED;
                case 10 -> SeatState.SEAT_STATE_BLOCKED;
                default -> SeatState.SEAT_STATE_FREE;
            };
            a.addSeats(seat("A", number, state, false));
            b.addSeats(seat("B", number, number == 5 ? SeatState.SEAT_STATE_BOOKED : SeatState.SEAT_STATE_FREE, number == 5));
        }
        return SeatMap.newBuilder().setShowId("shw_1").addRows(a).addRows(b)
                .addCategories(CategoryAvailability.newBuilder().setCategory("standard").setSeatsFree(7).setSeatsTotal(10)
                        .setPrice(Money.newBuilder().setAmountMinor(1200).setCurrency("EUR")))
                .addCategories(CategoryAvailability.newBuilder().setCategory("premium").setSeatsFree(9).setSeatsTotal(10)
                        .setPrice(Money.newBuilder().setAmountMinor(1650).setCurrency("EUR")))
                .build();
    }

    @Test
    void the_grid_has_numbers_row_letters_and_one_glyph_per_state() {
        String text = SeatMapRenderer.render(map(), Set.of("B7"), Ansi.OFF);
        String[] lines = text.split("\n");

        assertThat(lines[0]).contains("SCREEN");
        assertThat(lines[2]).isEqualTo("       1  2  3  4  5  6  7  8  9 10");
        assertThat(lines[3]).isEqualTo("  A    o  h  x  o  o  o  o  o  o  #  A  standard");
        assertThat(lines[4]).isEqualTo("  B    o  o  o  o  *  o  @  o  o  o  B  premium");
        assertThat(text).contains("o free", "h held", "x booked", "# blocked", "* yours", "@ selected");
        assertThat(text).contains("standard        12.00 EUR   7 of 10 free", "premium         16.50 EUR   9 of 10 free");
    }

    @Test
    void seat_columns_line_up_under_their_numbers() {
        String[] lines = SeatMapRenderer.render(map(), Set.of(), Ansi.OFF).split("\n");
        int columnOfTen = lines[2].indexOf("10") + 1;
        assertThat(lines[3].charAt(columnOfTen)).isEqualTo('#');
        int columnOfThree = lines[2].indexOf(" 3") + 1;
        assertThat(lines[3].charAt(columnOfThree)).isEqualTo('x');
    }

    @Test
    void colours_mark_the_states_and_stripping_them_gives_the_plain_grid() {
        String coloured = SeatMapRenderer.render(map(), Set.of("B7"), Ansi.ON);
        assertThat(coloured).contains("\u001b[1;32mo\u001b[0m", "\u001b[33mh\u001b[0m", "\u001b[31mx\u001b[0m",
                "\u001b[90m#\u001b[0m", "\u001b[1;36m*\u001b[0m", "\u001b[30;103m@\u001b[0m");
        assertThat(Ansi.strip(coloured)).isEqualTo(SeatMapRenderer.render(map(), Set.of("B7"), Ansi.OFF));
    }

    @Test
    void without_a_category_summary_the_counts_come_from_the_seats() {
        SeatMap map = map().toBuilder().clearCategories().build();
        assertThat(SeatMapRenderer.categoryLines(map)).containsExactly("  standard       7 of 10 free",
                "  premium        9 of 10 free");
    }

    @Test
    void seats_are_found_case_insensitively() {
        assertThat(SeatMapRenderer.find(map(), "b5").getMine()).isTrue();
        assertThat(SeatMapRenderer.find(map(), "C1")).isNull();
    }

    @Test
    void countdowns_and_money_read_like_a_clock_and_a_price() {
        assertThat(Formats.countdown(599_001)).isEqualTo("10:00");
        assertThat(Formats.countdown(59_000)).isEqualTo("00:59");
        assertThat(Formats.countdown(-5)).isEqualTo("00:00");
        assertThat(Formats.countdown(3_600_000 + 61_000)).isEqualTo("1:01:01");
        assertThat(Formats.money(Money.newBuilder().setAmountMinor(2405).setCurrency("EUR").build())).isEqualTo("24.05 EUR");
    }

    @Test
    void tables_align_columns_by_visible_width() {
        String table = new Table("A", "LONG HEADER").row(Ansi.ON.green("xx"), "1").row("yyyy", "22").render(Ansi.OFF);
        assertThat(Ansi.strip(table)).isEqualTo("A     LONG HEADER\nxx    1\nyyyy  22\n");
    }
}
