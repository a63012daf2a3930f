package io.boxoffice.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The seats a load run fights over. Contention decides how many: {@code high} is 8 seats of one show (almost
 * every write conflicts), {@code medium} two rows of two shows, {@code low} every seat of every bench show,
 * picked at random. {@code none} is every seat too, but clients do not pick at random: each books shows of
 * its own front to back ({@link SeatCursor}); this pool is then only what they fall back to once every show
 * is used up. Picks are runs of adjacent seats in one row, as customers book.
 */
public final class SeatPool {

    /** How hard clients compete for the same seats. */
    public enum Contention { NONE, LOW, MEDIUM, HIGH;

        public static Contention parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("contention must be none, low, medium or high, not '" + text + "'");
            }
        }
    }

    /** Seats that may be taken together: one row segment of one show. */
    record Segment(String showId, char row, int firstSeat, int lastSeat) {
    }

    /** One pick: a show and adjacent seat ids in it. */
    public record Pick(String showId, List<String> seatIds) {
    }

    private final List<Segment> segments;

    SeatPool(List<Segment> segments) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("no seats to benchmark on");
        }
        this.segments = List.copyOf(segments);
    }

    public static SeatPool of(List<String> showIds, int rows, int seatsPerRow, Contention contention) {
        List<Segment> segments = new ArrayList<>();
        switch (contention) {
            case HIGH -> segments.add(new Segment(showIds.get(0), 'A', 1, Math.min(8, seatsPerRow)));
            case MEDIUM -> {
                for (String show : showIds.subList(0, Math.min(2, showIds.size()))) {
                    for (int row = 0; row < Math.min(2, rows); row++) {
                        segments.add(new Segment(show, (char) ('A' + row), 1, seatsPerRow));
                    }
                }
            }
            case LOW, NONE -> {
                for (String show : showIds) {
                    for (int row = 0; row < rows; row++) {
                        segments.add(new Segment(show, (char) ('A' + row), 1, seatsPerRow));
                    }
                }
            }
        }
        return new SeatPool(segments);
    }

    /** Distinct shows the pool's seats belong to. */
    public int showCount() {
        return (int) segments.stream().map(Segment::showId).distinct().count();
    }

    public int size() {
        return segments.stream().mapToInt(segment -> segment.lastSeat() - segment.firstSeat() + 1).sum();
    }

    /** {@code count} adjacent seats of a random segment (fewer when the segment is narrower). */
    public Pick pick(RandomGenerator random, int count) {
        Segment segment = segments.get(random.nextInt(segments.size()));
        int width = segment.lastSeat() - segment.firstSeat() + 1;
        int taken = Math.min(count, width);
        int first = segment.firstSeat() + random.nextInt(width - taken + 1);
        List<String> seats = new ArrayList<>(taken);
        for (int seat = first; seat < first + taken; seat++) {
            seats.add(segment.row() + Integer.toString(seat));
        }
        return new Pick(segment.showId(), seats);
    }

    /** A random show of the pool, for reads. */
    public String randomShow(RandomGenerator random) {
        return segments.get(random.nextInt(segments.size())).showId();
    }
}
