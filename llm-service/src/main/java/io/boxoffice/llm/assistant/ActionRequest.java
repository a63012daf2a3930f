package io.boxoffice.llm.assistant;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a question asks the assistant to do something — "cancel my Dune booking", "please hold
 * 2 premium seats for Dune tonight", "I'd like to book two seats" — as opposed to asking about it
 * ("what is the refund if I cancel?"). Recognised by phrasing on the normalized question
 * ({@link FactAnswerer#normalize}); "book" proposes a hold, which the user then pays for.
 *
 * @param seatCount for a hold, the number of seats asked for ("2 seats", "two tickets", "a seat")
 */
public record ActionRequest(Kind kind, OptionalInt seatCount) {

    public enum Kind { CANCEL, HOLD }

    /** A request starts the question ("cancel ...", "please hold ...") or follows "can you", "I'd like to", ... */
    private static final String REQUEST = "(?:^(?:please )?|\\b(?:please|can you|could you|would you|will you|i want to"
            + "|i wanna|i d like to|i would like to|i need to|help me|go ahead and|let s|lets|can i|could i|may i)"
            + " (?:please |just |kindly |also )?)";
    private static final Pattern CANCEL = Pattern.compile(REQUEST + "cancel\\b");
    private static final Pattern HOLD = Pattern.compile(REQUEST + "(?:hold|reserve|book)\\b");
    private static final Pattern SEATS = Pattern.compile("\\b(\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten"
            + "|a couple of|a pair of)(?: \\w+){0,2}? (?:seats?|tickets?|places?|spots?)\\b");
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("a", 1), Map.entry("an", 1),
            Map.entry("one", 1), Map.entry("two", 2), Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5),
            Map.entry("six", 6), Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10),
            Map.entry("a couple of", 2), Map.entry("a pair of", 2));

    public static Optional<ActionRequest> of(String normalizedQuestion) {
        if (CANCEL.matcher(normalizedQuestion).find()) {
            return Optional.of(new ActionRequest(Kind.CANCEL, OptionalInt.empty()));
        }
        if (HOLD.matcher(normalizedQuestion).find()) {
            Matcher seats = SEATS.matcher(normalizedQuestion);
            OptionalInt count = OptionalInt.empty();
            if (seats.find()) {
                String number = seats.group(1);
                count = OptionalInt.of(NUMBERS.containsKey(number) ? NUMBERS.get(number) : Integer.parseInt(number));
            }
            return Optional.of(new ActionRequest(Kind.HOLD, count));
        }
        return Optional.empty();
    }
}
