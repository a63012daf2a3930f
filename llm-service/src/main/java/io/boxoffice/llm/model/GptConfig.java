package io.boxoffice.llm.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hyper-parameters of a GPT-2 model, read from a Hugging Face {@code config.json}.
 * DistilGPT2 is {@code layers=6, embeddingSize=768, heads=12, positions=1024, vocabularySize=50257}.
 */
public record GptConfig(
        int vocabularySize,
        int positions,
        int embeddingSize,
        int layers,
        int heads,
        float layerNormEpsilon,
        int endOfTextId) {

    public GptConfig {
        require(vocabularySize > 0, "vocab_size must be positive, got " + vocabularySize);
        require(positions > 1, "n_positions must be greater than 1, got " + positions);
        require(layers > 0, "n_layer must be positive, got " + layers);
        require(heads > 0 && embeddingSize > 0 && embeddingSize % heads == 0,
                "n_embd (" + embeddingSize + ") must be a positive multiple of n_head (" + heads + ")");
        require(layerNormEpsilon > 0, "layer_norm_epsilon must be positive");
    }

    public static GptConfig distilGpt2() {
        return new GptConfig(50257, 1024, 768, 6, 12, 1e-5f, 50256);
    }

    public int headSize() {
        return embeddingSize / heads;
    }

    public static GptConfig read(Path configJson) throws IOException {
        JsonNode node = new ObjectMapper().readTree(configJson.toFile());
        String modelType = node.path("model_type").asText("gpt2");
        if (!modelType.equals("gpt2")) {
            throw new IOException(configJson + ": model_type is '" + modelType + "', only 'gpt2' (GPT-2, DistilGPT2) is supported");
        }
        String activation = node.path("activation_function").asText("gelu_new");
        if (!activation.equals("gelu_new")) {
            throw new IOException(configJson + ": activation_function '" + activation + "' is not supported (GPT-2 uses gelu_new)");
        }
        int positions = node.has("n_positions") ? node.get("n_positions").asInt() : node.path("n_ctx").asInt(1024);
        try {
            return new GptConfig(
                    required(node, "vocab_size", configJson),
                    positions,
                    required(node, "n_embd", configJson),
                    required(node, "n_layer", configJson),
                    required(node, "n_head", configJson),
                    (float) node.path("layer_norm_epsilon").asDouble(1e-5),
                    node.path("eos_token_id").asInt(50256));
        } catch (IllegalArgumentException e) {
            throw new IOException(configJson + ": " + e.getMessage(), e);
        }
    }

    /** The Hugging Face {@code config.json} for this shape. */
    public Map<String, Object> toHuggingFaceJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model_type", "gpt2");
        json.put("architectures", new String[] {"GPT2LMHeadModel"});
        json.put("activation_function", "gelu_new");
        json.put("vocab_size", vocabularySize);
        json.put("n_positions", positions);
        json.put("n_ctx", positions);
        json.put("n_embd", embeddingSize);
        json.put("n_layer", layers);
        json.put("n_head", heads);
        json.put("layer_norm_epsilon", layerNormEpsilon);
        json.put("bos_token_id", endOfTextId);
        json.put("eos_token_id", endOfTextId);
        return json;
    }

    public void write(Path configJson) throws IOException {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(configJson.toFile(), toHuggingFaceJson());
    }

    private static int required(JsonNode node, String field, Path file) throws IOException {
        if (!node.has(field) || !node.get(field).canConvertToInt()) {
            throw new IOException(file + ": missing integer field '" + field + "'");
        }
        return node.get(field).asInt();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
