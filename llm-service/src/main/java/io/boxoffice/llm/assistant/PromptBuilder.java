package io.boxoffice.llm.assistant;

import io.boxoffice.llm.tokenizer.Gpt2Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The prompt that lets the model phrase or extend the factual answer: an instruction, the factual
 * answer's lines, the retrieved policy passages and the question. When it is too long for the
 * model's context, policy passages go first, then fact lines from the end; the question and the
 * instruction always stay.
 */
public final class PromptBuilder {

    static final String INSTRUCTION = "You are the Boxoffice cinema assistant. Answer the customer briefly and politely."
            + " Use only the facts below. Do not mention any booking, seat, price, time or rule that is not in the facts.";

    public record Prompt(String text, int[] tokens) {}

    private PromptBuilder() {}

    public static Prompt build(String question, FactualAnswer answer, Gpt2Tokenizer tokenizer, int tokensMax) {
        List<String> factLines = new ArrayList<>();
        for (String line : answer.text().split("\n")) {
            if (!line.isBlank() && !line.startsWith("Policy — ") && !line.equals(FactAnswerer.OUTSIDE_FACTS)) {
                factLines.add(line);
            }
        }
        List<String> policyLines = new ArrayList<>();
        for (PolicyLibrary.Passage passage : answer.passages()) {
            policyLines.add(passage.title() + ": " + passage.text());
        }
        while (true) {
            String text = render(question, factLines, policyLines);
            int[] tokens = tokenizer.encode(text);
            if (tokens.length <= tokensMax) {
                return new Prompt(text, tokens);
            }
            if (!policyLines.isEmpty()) {
                policyLines.remove(policyLines.size() - 1);
            } else if (!factLines.isEmpty()) {
                factLines.remove(factLines.size() - 1);
            } else {
                // Only the question is left: keep its last tokens so the prompt still ends with "Answer:".
                int[] tail = new int[tokensMax];
                System.arraycopy(tokens, tokens.length - tokensMax, tail, 0, tokensMax);
                return new Prompt(tokenizer.decode(tail), tail);
            }
        }
    }

    private static String render(String question, List<String> factLines, List<String> policyLines) {
        StringBuilder text = new StringBuilder(INSTRUCTION).append("\n\nFacts:\n");
        if (factLines.isEmpty() && policyLines.isEmpty()) {
            text.append("- (none that answer this question)\n");
        }
        for (String line : factLines) {
            text.append("- ").append(line).append('\n');
        }
        for (String line : policyLines) {
            text.append("- Policy: ").append(line).append('\n');
        }
        return text.append("\nCustomer: ").append(question.strip()).append("\nAssistant:").toString();
    }
}
