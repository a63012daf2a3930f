package io.boxoffice.cli.render;

import io.boxoffice.proto.v1.Money;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Human forms of money, times and durations. */
public final class Formats {

    private static final DateTimeFormatter SHOW_TIME = DateTimeFormatter.ofPattern("EEE dd MMM HH:mm", Locale.ENGLISH);

    private Formats() {
    }

    /** "12.50 EUR"; currencies with other minor units (JPY) keep two decimals, good enough for a terminal. */
    public static String money(Money money) {
        if (money == null || money.getCurrency().isEmpty()) {
            return "-";
        }
        long minor = money.getAmountMinor();
        String sign = minor < 0 ? "-" : "";
        long abs = Math.abs(minor);
        return String.format(Locale.ROOT, "%s%d.%02d %s", sign, abs / 100, abs % 100, money.getCurrency());
    }

    /** "Sat 24 Nov 18:30" in the given zone. */
    public static String showTime(long epochMillis, ZoneId zone) {
        if (epochMillis <= 0) {
            return "-";
        }
        return SHOW_TIME.format(Instant.ofEpochMilli(epochMillis).atZone(zone));
    }

    /** "09:41" for a countdown; "0:00" once expired; hours when longer than one. */
    public static String countdown(long remainingMillis) {
        if (remainingMillis <= 0) {
            return "00:00";
        }
        long seconds = (remainingMillis + 999) / 1000;
        long hours = seconds / 3600;
        long minutes = (seconds % 3600) / 60;
        long secs = seconds % 60;
        return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, secs)
                : String.format(Locale.ROOT, "%02d:%02d", minutes, secs);
    }

    /** "2h 05m", "3d 4h", "12m", "45s". */
    public static String duration(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds >= 86_400) {
            return (seconds / 86_400) + "d " + (seconds % 86_400) / 3600 + "h";
        }
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
        }
        if (seconds >= 60) {
            return (seconds / 60) + "m";
        }
        return seconds + "s";
    }

    /** Friendly enum names: SEAT_STATE_FREE → free, BOOKING_STATUS_CONFIRMED → confirmed. */
    public static String enumName(Enum<?> value, String prefix) {
        String name = value.name();
        if (name.startsWith(prefix)) {
            name = name.substring(prefix.length());
        }
        return name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
