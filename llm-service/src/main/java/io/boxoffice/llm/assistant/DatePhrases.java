package io.boxoffice.llm.assistant;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time a question names the way people say it — "today", "tonight", "tomorrow (night)",
 * "the day after tomorrow", "(this|next|on) Friday (evening)", "this/next week(end)",
 * "7 December", "Dec 7th", "2026-12-07" — read in the user's time zone relative to the request's
 * {@code now}. Pure: the same question, now and zone give the same window.
 *
 * <p>Meanings (written into every answer, so the user sees what was understood): a day is
 * midnight to midnight; "tonight" and "X night/evening" run from 17:00 to 05:00 the next morning;
 * "Friday" or "this Friday" is the next Friday, today included; "next Friday" is the Friday of
 * next week (weeks start on Monday); "this week" is today to Sunday; "next week" is Monday to
 * Sunday of next week; "this weekend" is the coming Saturday and Sunday (today included); a
 * date without a year is its next occurrence.
 */
public final class DatePhrases {

    static final LocalTime EVENING_STARTS = LocalTime.of(17, 0);
    static final LocalTime NIGHT_ENDS = LocalTime.of(5, 0);

    private static final String WEEKDAY = "(monday|tuesday|wednesday|thursday|friday|saturday|sunday)";
    private static final String MONTH = "(january|february|march|april|may|june|july|august|september|october|november|december"
            + "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)";
    private static final String EVENING = "(?: (night|evening|tonight))?";

    private static final Pattern DAY_AFTER_TOMORROW = Pattern.compile("\\b(?:the )?day after tomorrow" + EVENING + "\\b");
    private static final Pattern TOMORROW = Pattern.compile("\\btomorrow" + EVENING + "\\b");
    private static final Pattern TONIGHT = Pattern.compile("\\b(tonight|this evening|today evening|today night)\\b");
    private static final Pattern TODAY = Pattern.compile("\\b(today|this afternoon|this morning)\\b");
    private static final Pattern WEEKEND = Pattern.compile("\\b(this |next |the )?weekend\\b");
    private static final Pattern WEEK = Pattern.compile("\\b(this|next) week\\b");
    private static final Pattern WEEKDAY_PHRASE = Pattern.compile("\\b(this |next |coming |on )?" + WEEKDAY + EVENING + "\\b");
    private static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4})-(\\d{2})-(\\d{2})\\b");
    private static final Pattern DAY_MONTH = Pattern.compile("\\b(\\d{1,2})(?:st|nd|rd|th)?(?: of)? " + MONTH + "\\b");
    private static final Pattern MONTH_DAY = Pattern.compile("\\b" + MONTH + " (\\d{1,2})(?:st|nd|rd|th)?\\b");

    private DatePhrases() {}

    /** A span of time [from, until) and how to say it: "tomorrow (Sun 7 Dec 2026)". */
    public record TimeWindow(Instant from, Instant until, String phrase, String dates) {

        public boolean contains(Instant instant) {
            return !instant.isBefore(from) && instant.isBefore(until);
        }

        public String describe() {
            return phrase.equals(dates) ? phrase : phrase + " (" + dates + ")";
        }
    }

    /**
     * The first time phrase of a normalized question ({@link FactAnswerer#normalize}: lower case,
     * punctuation replaced by spaces), or empty when it names none.
     */
    public static Optional<TimeWindow> find(String question, Instant now, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        Matcher m;
        if ((m = DAY_AFTER_TOMORROW.matcher(question)).find()) {
            return Optional.of(dayOrEvening(today.plusDays(2), m.group(1) != null, "the day after tomorrow", zone));
        }
        if ((m = TOMORROW.matcher(question)).find()) {
            return Optional.of(dayOrEvening(today.plusDays(1), m.group(1) != null, m.group(1) != null ? "tomorrow night" : "tomorrow", zone));
        }
        if (TONIGHT.matcher(question).find()) {
            return Optional.of(dayOrEvening(today, true, "tonight", zone));
        }
        if (TODAY.matcher(question).find()) {
            return Optional.of(dayOrEvening(today, false, "today", zone));
        }
        if ((m = WEEKEND.matcher(question)).find()) {
            boolean next = "next ".equals(m.group(1));
            LocalDate saturday = today.getDayOfWeek() == DayOfWeek.SUNDAY ? today.minusDays(1)
                    : today.with(TemporalAdjusters.nextOrSame(DayOfWeek.SATURDAY));
            if (next) {
                saturday = saturday.plusWeeks(1);
            }
            LocalDate first = saturday.isBefore(today) ? today : saturday;
            return Optional.of(days(first, saturday.plusDays(1), next ? "next weekend" : "this weekend", zone));
        }
        if ((m = WEEK.matcher(question)).find()) {
            LocalDate nextMonday = today.with(TemporalAdjusters.next(DayOfWeek.MONDAY));
            return Optional.of(m.group(1).equals("next") ? days(nextMonday, nextMonday.plusDays(6), "next week", zone)
                    : days(today, nextMonday.minusDays(1), "this week", zone));
        }
        if ((m = WEEKDAY_PHRASE.matcher(question)).find()) {
            DayOfWeek day = DayOfWeek.valueOf(m.group(2).toUpperCase(Locale.ROOT));
            boolean next = "next ".equals(m.group(1));
            LocalDate date = next ? today.with(TemporalAdjusters.next(DayOfWeek.MONDAY)).with(TemporalAdjusters.nextOrSame(day))
                    : today.with(TemporalAdjusters.nextOrSame(day));
            String name = day.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            String phrase = (next ? "next " : "this ") + name + (m.group(3) != null ? " night" : "");
            return Optional.of(dayOrEvening(date, m.group(3) != null, phrase, zone));
        }
        return explicitDate(question, today).map(date -> days(date, date, TimeWords.date(date), zone));
    }

    private static Optional<LocalDate> explicitDate(String question, LocalDate today) {
        Matcher m;
        try {
            if ((m = ISO_DATE.matcher(question)).find()) {
                return Optional.of(LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
            }
            if ((m = DAY_MONTH.matcher(question)).find()) {
                return Optional.of(nextOccurrence(month(m.group(2)), Integer.parseInt(m.group(1)), today));
            }
            if ((m = MONTH_DAY.matcher(question)).find()) {
                return Optional.of(nextOccurrence(month(m.group(1)), Integer.parseInt(m.group(2)), today));
            }
        } catch (java.time.DateTimeException e) {
            return Optional.empty(); // "31 February": no such day, so no date phrase
        }
        return Optional.empty();
    }

    private static LocalDate nextOccurrence(Month month, int day, LocalDate today) {
        LocalDate date = LocalDate.of(today.getYear(), month, day);
        return date.isBefore(today) ? LocalDate.of(today.getYear() + 1, month, day) : date;
    }

    private static Month month(String word) {
        for (Month month : Month.values()) {
            if (month.getDisplayName(TextStyle.FULL, Locale.ENGLISH).toLowerCase(Locale.ROOT).startsWith(word)) {
                return month;
            }
        }
        throw new IllegalArgumentException("not a month: " + word); // the pattern only matches month names
    }

    private static TimeWindow dayOrEvening(LocalDate date, boolean evening, String phrase, ZoneId zone) {
        if (!evening) {
            return days(date, date, phrase, zone);
        }
        return new TimeWindow(date.atTime(EVENING_STARTS).atZone(zone).toInstant(),
                date.plusDays(1).atTime(NIGHT_ENDS).atZone(zone).toInstant(), phrase,
                TimeWords.date(date) + ", " + EVENING_STARTS + " to " + NIGHT_ENDS + " the next morning");
    }

    /** Whole days {@code first} to {@code last}, both included. */
    private static TimeWindow days(LocalDate first, LocalDate last, String phrase, ZoneId zone) {
        return new TimeWindow(first.atStartOfDay(zone).toInstant(), last.plusDays(1).atStartOfDay(zone).toInstant(), phrase,
                TimeWords.dates(first, last));
    }
}
