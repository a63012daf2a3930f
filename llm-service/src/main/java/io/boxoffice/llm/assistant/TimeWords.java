package io.boxoffice.llm.assistant;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Times, dates and durations as answers write them, in the user's zone. Pure. */
public final class TimeWords {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter TIME_WITH_SECONDS = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm:ss", Locale.ENGLISH);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_AND_MONTH = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d", Locale.ENGLISH);

    private final ZoneId zone;

    public TimeWords(ZoneId zone) {
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** "Sat 6 Dec 2026 20:00 Europe/Berlin". */
    public String time(Instant instant) {
        return TIME.format(instant.atZone(zone)) + " " + zoneName();
    }

    public String timeWithSeconds(Instant instant) {
        return TIME_WITH_SECONDS.format(instant.atZone(zone)) + " " + zoneName();
    }

    /** "Sat 6 Dec 2026". */
    public static String date(LocalDate date) {
        return DATE.format(date);
    }

    /** "Mon 14 – Sun 20 Dec 2026", "Mon 28 Dec 2026 – Sun 3 Jan 2027": both ends inclusive. */
    public static String dates(LocalDate first, LocalDate last) {
        if (first.equals(last)) {
            return date(first);
        }
        if (first.getYear() != last.getYear()) {
            return date(first) + " – " + date(last);
        }
        String start = first.getMonth() == last.getMonth() ? DAY.format(first) : DAY_AND_MONTH.format(first);
        return start + " – " + date(last);
    }

    private String zoneName() {
        return zone.getId().equals("Z") ? "UTC" : zone.getId();
    }

    /** "1 hour 5 minutes": the time from {@code now} to a later {@code instant}. */
    public static String between(Instant now, Instant instant) {
        Duration left = Duration.between(now, instant);
        long hours = left.toHours();
        long minutes = left.toMinutesPart();
        long seconds = left.toSecondsPart();
        List<String> parts = new ArrayList<>();
        if (left.toDays() > 0) {
            parts.add(plural(left.toDays(), "day"));
            hours = left.toHoursPart();
        }
        if (hours > 0) {
            parts.add(plural(hours, "hour"));
        }
        if (minutes > 0) {
            parts.add(plural(minutes, "minute"));
        }
        if (parts.isEmpty() || (left.toHours() == 0 && seconds > 0)) {
            parts.add(plural(seconds, "second"));
        }
        return String.join(" ", parts);
    }

    /** "2 hours", "1 hour 30 minutes", "10 minutes", "45 seconds"; "0 minutes" for zero. */
    public static String duration(Duration duration) {
        List<String> parts = new ArrayList<>();
        if (duration.toDays() > 0) {
            parts.add(plural(duration.toDays(), "day"));
        }
        if (duration.toHoursPart() > 0) {
            parts.add(plural(duration.toHoursPart(), "hour"));
        }
        if (duration.toMinutesPart() > 0) {
            parts.add(plural(duration.toMinutesPart(), "minute"));
        }
        if (duration.toSecondsPart() > 0) {
            parts.add(plural(duration.toSecondsPart(), "second"));
        }
        return parts.isEmpty() ? "0 minutes" : String.join(" ", parts);
    }

    private static String plural(long count, String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }
}
