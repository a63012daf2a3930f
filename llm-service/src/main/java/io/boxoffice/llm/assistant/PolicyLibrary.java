package io.boxoffice.llm.assistant;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy/FAQ passages shipped with the service ({@code assistant/policy.md}) and a small
 * lexical retriever over them: question words are matched against each passage's keywords (worth
 * most), title and text, weighted by how rare the word is across passages (IDF), as BM25 does
 * without length normalisation (the passages are all short).
 */
public final class PolicyLibrary {

    public static final String RESOURCE = "assistant/policy.md";

    private static final Pattern HEADING = Pattern.compile("^## ([a-z0-9-]+): (.+)$");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    /** "{full-refund-window}", "{hold-duration}": values the booking node sends, filled in by {@link Passage#render}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]+)}");
    /** What a placeholder says when the booking node did not send its value. */
    static final String NOT_GIVEN = "a time the cinema sets";
    private static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "i", "me", "my", "is", "are", "am", "do", "does", "did", "can", "could", "will", "would",
            "to", "of", "for", "in", "on", "at", "it", "and", "or", "what", "when", "which", "how", "you", "your", "be",
            "with", "if", "there", "this", "that", "we", "our", "have", "has", "get", "about", "please", "any", "much", "many",
            "who", "whom", "whose", "where", "why", "was", "were", "been", "they", "them", "their", "some", "all", "so", "but", "not", "no");
    private static final double KEYWORD_WEIGHT = 3.0;
    private static final double TITLE_WEIGHT = 2.0;
    private static final double TEXT_WEIGHT = 1.0;
    private static final double SCORE_MIN = 2.5;

    public record Passage(String id, String title, String text, Set<String> keywords, Set<String> titleWords, Set<String> textWords) {

        /**
         * The passage with the booking node's values in place of its placeholders: the policy text
         * states the node's rules, not numbers of its own. Unknown placeholders are a bug in
         * policy.md and fail.
         */
        public Passage render(java.util.Optional<Facts.Policy> policy) {
            Matcher placeholder = PLACEHOLDER.matcher(text);
            StringBuilder rendered = new StringBuilder();
            while (placeholder.find()) {
                String value = switch (placeholder.group(1)) {
                    case "full-refund-window" -> policy.map(p -> TimeWords.duration(p.fullRefundBeforeShow())).orElse(NOT_GIVEN);
                    case "hold-duration" -> policy.flatMap(Facts.Policy::holdDuration).map(TimeWords::duration).orElse(NOT_GIVEN);
                    default -> throw new IllegalStateException("policy passage '" + id + "' has an unknown placeholder "
                            + placeholder.group());
                };
                placeholder.appendReplacement(rendered, Matcher.quoteReplacement(value));
            }
            placeholder.appendTail(rendered);
            return new Passage(id, title, rendered.toString(), keywords, titleWords, textWords);
        }
    }

    public record Retrieved(Passage passage, double score) {}

    private final List<Passage> passages;
    private final Map<String, Double> inverseDocumentFrequency = new HashMap<>();

    public PolicyLibrary(List<Passage> passages) {
        if (passages.isEmpty()) {
            throw new IllegalArgumentException("the policy library has no passages");
        }
        this.passages = List.copyOf(passages);
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (Passage passage : passages) {
            Set<String> all = new HashSet<>(passage.keywords());
            all.addAll(passage.titleWords());
            all.addAll(passage.textWords());
            all.forEach(word -> documentFrequency.merge(word, 1, Integer::sum));
        }
        documentFrequency.forEach((word, df) ->
                inverseDocumentFrequency.put(word, Math.log(1 + (passages.size() - df + 0.5) / (df + 0.5))));
    }

    public static PolicyLibrary loadDefault() {
        try (InputStream in = PolicyLibrary.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the llm-service jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    static PolicyLibrary parse(String markdown) {
        List<Passage> passages = new ArrayList<>();
        String id = null;
        String title = null;
        Set<String> keywords = Set.of();
        StringBuilder text = new StringBuilder();
        for (String line : (markdown + "\n## end: end").split("\n")) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                if (id != null) {
                    String body = text.toString().trim();
                    passages.add(new Passage(id, title, body, keywords, words(title), words(PLACEHOLDER.matcher(body).replaceAll(" "))));
                }
                id = heading.group(1);
                title = heading.group(2).trim();
                keywords = Set.of();
                text.setLength(0);
            } else if (id != null && line.startsWith("keywords:")) {
                keywords = words(line.substring("keywords:".length()));
            } else if (id != null) {
                text.append(line).append('\n');
            }
        }
        return new PolicyLibrary(passages);
    }

    public List<Passage> passages() {
        return passages;
    }

    public Passage passage(String id) {
        return passages.stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no policy passage '" + id + "'"));
    }

    /** The passages relevant to {@code question}, best first, at most {@code limit}. */
    public List<Retrieved> retrieve(String question, int limit) {
        Set<String> terms = words(question);
        terms.removeAll(STOP_WORDS);
        List<Retrieved> scored = new ArrayList<>();
        for (Passage passage : passages) {
            double score = 0;
            for (String term : terms) {
                double weight = 0;
                if (passage.keywords().contains(term)) {
                    weight += KEYWORD_WEIGHT;
                }
                if (passage.titleWords().contains(term)) {
                    weight += TITLE_WEIGHT;
                }
                if (passage.textWords().contains(term)) {
                    weight += TEXT_WEIGHT;
                }
                score += weight * inverseDocumentFrequency.getOrDefault(term, 0.0);
            }
            if (score >= SCORE_MIN) {
                scored.add(new Retrieved(passage, score));
            }
        }
        scored.sort(Comparator.comparingDouble(Retrieved::score).reversed());
        return scored.subList(0, Math.min(limit, scored.size()));
    }

    /** Lower-cased words with a light plural/verb stemming, so "holds" finds "hold" and "cancelled" finds "cancel". */
    static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        Matcher matcher = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            String word = matcher.group();
            words.add(word);
            words.add(stem(word));
        }
        return words;
    }

    static String stem(String word) {
        if (word.length() > 5 && word.endsWith("ling")) {
            return word.substring(0, word.length() - 4) + "l"; // cancelling -> cancel
        }
        if (word.length() > 5 && word.endsWith("led")) {
            return word.substring(0, word.length() - 3) + "l"; // cancelled -> cancel
        }
        if (word.length() > 4 && word.endsWith("ing")) {
            return word.substring(0, word.length() - 3);
        }
        if (word.length() > 3 && word.endsWith("ed")) {
            return word.substring(0, word.length() - 2);
        }
        if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }
}
