package io.boxoffice.llm.assistant;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** What a question asks about, recognised by keyword patterns (a question may have several). */
public enum Intent {
    CANCEL_OR_REFUND("\\b(cancel\\w*|refund\\w*|money back|get my money)\\b"),
    HOLD_EXPIRY("\\b(holds?|held|reserv\\w*)\\b"),
    SEATS_LEFT("\\b(how many (seats|tickets|places)|seats? (left|available|free|remaining)|availab\\w*|sold out|free seats|still free|any seats)\\b"),
    MY_BOOKINGS("\\b(my (bookings?|tickets?|seats?|reservations?|orders?)|which seats|what seats|seats do i|(have|did) i (booked|book|bought|buy)|i booked)\\b"),
    PRICES("\\b(price\\w*|cost\\w*|how much|fees?|cheap\\w*|expensive)\\b"),
    SHOW_TIMES("\\b(when is|when does|what time|show ?times?|showing|playing|starts?|schedule)\\b");

    private final Pattern pattern;

    Intent(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    public static Set<Intent> of(String question) {
        String normalized = question.toLowerCase(Locale.ROOT);
        Set<Intent> intents = EnumSet.noneOf(Intent.class);
        for (Intent intent : values()) {
            if (intent.pattern.matcher(normalized).find()) {
                intents.add(intent);
            }
        }
        // "when does my hold expire" is about the hold, not about show times.
        if (intents.contains(HOLD_EXPIRY)) {
            intents.remove(SHOW_TIMES);
        }
        // "can I cancel my booking" is about cancelling, not a request to list bookings.
        if (intents.contains(CANCEL_OR_REFUND)) {
            intents.remove(MY_BOOKINGS);
        }
        return intents;
    }
}
