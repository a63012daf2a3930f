package io.boxoffice.llm.assistant;

import java.util.List;
import java.util.Optional;

/**
 * The part of an answer built only from the request's facts and the shipped policy text, by
 * templates: no model output ever reaches it, so it cannot contain an invented booking, price
 * or policy.
 *
 * @param citations "booking:&lt;id&gt;", "hold:&lt;id&gt;", "show:&lt;id&gt;", "policy:&lt;passage id&gt;"
 * @param outsideFacts true when neither the facts nor the policy answer the question
 * @param passages the policy passages quoted, with the booking node's values filled in
 * @param proposedAction the one action the question asked for, when the facts pin it down; never performed here
 */
public record FactualAnswer(String text, List<Intent> intents, List<Citation> citations, boolean outsideFacts,
        List<PolicyLibrary.Passage> passages, Optional<ProposedAction> proposedAction) {

    public record Citation(String source, String title) {}

    public FactualAnswer {
        intents = List.copyOf(intents);
        citations = List.copyOf(citations);
        passages = List.copyOf(passages);
    }
}
