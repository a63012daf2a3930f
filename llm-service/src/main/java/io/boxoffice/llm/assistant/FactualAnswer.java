package io.boxoffice.llm.assistant;

import java.util.List;

/**
 * The part of an answer built only from the request's facts and the shipped policy text, by
 * templates: no model output ever reaches it, so it cannot contain an invented booking, price
 * or policy.
 *
 * @param citations "booking:&lt;id&gt;", "hold:&lt;id&gt;", "show:&lt;id&gt;", "policy:&lt;passage id&gt;"
 * @param outsideFacts true when neither the facts nor the policy answer the question
 */
public record FactualAnswer(String text, List<Intent> intents, List<Citation> citations, boolean outsideFacts,
        List<PolicyLibrary.Passage> passages) {

    public record Citation(String source, String title) {}

    public FactualAnswer {
        intents = List.copyOf(intents);
        citations = List.copyOf(citations);
        passages = List.copyOf(passages);
    }
}
