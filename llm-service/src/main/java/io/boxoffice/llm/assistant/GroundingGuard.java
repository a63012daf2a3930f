package io.boxoffice.llm.assistant;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks model text sentence by sentence before it reaches the user. A sentence is withheld when
 * it names a number (seat, amount, time, date, id, duration) or a currency that does not occur in
 * the grounding text — the facts, policy passages and question the model was prompted with. The
 * factual answer never passes through the model; this guard keeps the generated part from
 * inventing the specifics (a booking id, a price, "3 hours before") that would make it look like
 * fact. A sentence that claims an action was performed is withheld too: the model never acts.
 * Not thread-safe.
 */
public final class GroundingGuard {

    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,:]\\d+)*");
    private static final Pattern CURRENCY = Pattern.compile("[€$£¥₹]|\\b[A-Z]{3}\\b");
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s)|\\n");
    private static final int SENTENCE_CHARS_MAX = 400;
    /**
     * A sentence saying that something was done ("I have cancelled your booking", "your seats are
     * now held"): the model never acts, and only the user's client performs an action, after the
     * user confirmed it, so such a sentence is always false.
     */
    private static final Pattern ACTION_CLAIM = Pattern.compile("(?i)\\b(?:i|we)(?: have|'ve| ve| just)? (?:cancel+ed|booked|held"
            + "|reserved|refunded|charged|released)\\b|\\b(?:has|have|was|were) been (?:cancel+ed|booked|held|reserved|refunded"
            + "|charged|released|issued|processed)\\b|\\b(?:is|are) now (?:cancel+ed|booked|held|reserved|refunded)\\b");

    private final Set<String> allowedNumbers = new HashSet<>();
    private final Set<String> allowedCurrencies = new HashSet<>();
    private final StringBuilder pending = new StringBuilder();
    private int withheld;

    public GroundingGuard(String groundingText) {
        Matcher numbers = NUMBER.matcher(groundingText);
        while (numbers.find()) {
            addNumber(numbers.group());
        }
        Matcher currencies = CURRENCY.matcher(groundingText);
        while (currencies.find()) {
            allowedCurrencies.add(currencies.group());
        }
    }

    /** Adds model text; returns the complete sentences that passed, in order. */
    public List<String> accept(String delta) {
        pending.append(delta);
        List<String> passed = new ArrayList<>();
        while (true) {
            Matcher end = SENTENCE_END.matcher(pending);
            int cut;
            if (end.find()) {
                cut = end.end();
            } else if (pending.length() > SENTENCE_CHARS_MAX) {
                cut = pending.length();
            } else {
                break;
            }
            String sentence = pending.substring(0, cut);
            pending.delete(0, cut);
            check(sentence, passed);
        }
        return passed;
    }

    /** Checks the unfinished last sentence at the end of generation. */
    public List<String> flush() {
        List<String> passed = new ArrayList<>();
        if (!pending.isEmpty()) {
            check(pending.toString(), passed);
            pending.setLength(0);
        }
        return passed;
    }

    public int withheld() {
        return withheld;
    }

    public boolean isGrounded(String sentence) {
        if (ACTION_CLAIM.matcher(sentence).find()) {
            return false;
        }
        Matcher numbers = NUMBER.matcher(sentence);
        while (numbers.find()) {
            if (!allowedNumbers.contains(numbers.group()) && !allowedNumbers.contains(stripZeros(numbers.group()))) {
                return false;
            }
        }
        Matcher currencies = CURRENCY.matcher(sentence);
        while (currencies.find()) {
            String currency = currencies.group();
            boolean isCurrencyCode = currency.length() == 3 && isIsoCurrency(currency);
            if ((currency.length() == 1 || isCurrencyCode) && !allowedCurrencies.contains(currency)) {
                return false;
            }
        }
        return true;
    }

    private void check(String sentence, List<String> passed) {
        if (sentence.isBlank() || isGrounded(sentence)) {
            passed.add(sentence);
        } else {
            withheld++;
        }
    }

    private void addNumber(String number) {
        allowedNumbers.add(number);
        allowedNumbers.add(stripZeros(number));
        for (String part : number.split("[.,:]")) {
            allowedNumbers.add(part);
            allowedNumbers.add(stripZeros(part));
        }
    }

    private static String stripZeros(String number) {
        String stripped = number.replaceFirst("^0+(?=\\d)", "");
        return stripped.toLowerCase(Locale.ROOT);
    }

    private static boolean isIsoCurrency(String code) {
        try {
            java.util.Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
