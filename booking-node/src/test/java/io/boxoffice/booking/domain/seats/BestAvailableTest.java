package io.boxoffice.booking.domain.seats;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.proto.replicated.v1.LayoutRecord;
import io.boxoffice.proto.replicated.v1.SeatCategoryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BestAvailableTest {

    /**
     * Each row picture is one screen row, front row first, separated by '/': '.' is free, 'X' is taken.
     * Rows A..(last-1) are "standard", the last row is "premium".
     */
    @ParameterizedTest(name = "{0}: {1} x ''{2}'' -> {3}")
    @CsvSource(delimiter = ';', value = {
        // One row: the centre of the row wins.
        "'........'; 2; ''; A4 A5",
        // Centre would strand seat A2 next to the taken A1, so the block moves to the left end of the gap.
        "'X......'; 3; ''; A2 A3 A4",
        // Only blocks that strand a seat exist: the least stranded, most central block is taken.
        "'.....X'; 4; ''; A2 A3 A4 A5",
        // A block that exactly fills a gap strands nothing.
        "'XX..XXXX'; 2; ''; A3 A4",
        // The centre pair of four seats would strand both ends: the left end of the row is used instead.
        "'....'; 2; ''; A1 A2",
        // Middle row first.
        "'....../....../....../....../......'; 2; ''; C3 C4",
        // Two middle rows: the front one.
        "'....../....../....../......'; 2; ''; B3 B4",
        // The middle row B could only strand a seat (1 of 'X..X' gaps), so a neighbouring row is used.
        "'..../X..X/....'; 1; ''; A1",
        // Category filter: only the last (premium) row.
        "'....../....../......'; 2; 'premium'; C3 C4",
        // No block fits.
        "'X.X.X.X'; 2; ''; none",
        "'..../....'; 2; 'vip'; none",
    })
    void picks_seats_by_orphans_then_row_then_centre(String picture, int count, String category, String expected) {
        String[] rows = picture.split("/");
        SeatLayout layout = layoutOf(rows.length, rows[0].length());
        IntPredicate isFree = seat -> rows[seat / layout.seatsPerRow()].charAt(seat % layout.seatsPerRow()) == '.';

        Optional<Integer> first = BestAvailable.find(layout, count, category, isFree);

        assertThat(first.map(start -> {
            List<String> seats = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                seats.add(layout.seatIdAt(start + i));
            }
            return String.join(" ", seats);
        }).orElse("none")).isEqualTo(expected);
    }

    private static SeatLayout layoutOf(int rows, int seatsPerRow) {
        LayoutRecord.Builder layout = LayoutRecord.newBuilder().setRowCount(rows).setSeatsPerRow(seatsPerRow);
        SeatCategoryRecord.Builder standard = SeatCategoryRecord.newBuilder().setName("standard")
                .setPrice(Moneys.of(1000, "EUR"));
        for (int row = 0; row < rows - 1; row++) {
            standard.addRows(SeatLayout.rowLabel(row));
        }
        SeatCategoryRecord.Builder premium = SeatCategoryRecord.newBuilder().setName("premium")
                .setPrice(Moneys.of(1500, "EUR")).addRows(SeatLayout.rowLabel(rows - 1));
        if (rows > 1) {
            layout.addCategories(standard);
        }
        return SeatLayout.validate(layout.addCategories(premium).build(), 60);
    }
}
