package io.boxoffice.llm.api;

import io.boxoffice.llm.bench.RandomGpt2Checkpoint;
import io.boxoffice.llm.model.DjlRuntime;
import io.boxoffice.llm.model.GptConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * A model directory for the running service: a small random GPT-2 (real vocabulary size, so the
 * real GPT-2 tokenizer files fit) in the Hugging Face layout, loaded through the production loader.
 */
public class RandomModelDirectory implements QuarkusTestResourceLifecycleManager {

    static final GptConfig SHAPE = new GptConfig(50257, 512, 32, 2, 4, 1e-5f, 50256);

    @Override
    public Map<String, String> start() {
        try {
            DjlRuntime.start(Path.of("target", "djl-cache").toAbsolutePath(), 1);
            Path dir = Files.createTempDirectory("boxoffice-llm-model");
            SHAPE.write(dir.resolve("config.json"));
            RandomGpt2Checkpoint.writeWeights(dir.resolve("model.safetensors"), SHAPE, 5, 0.3f, true);
            for (String file : new String[] {"vocab.json", "merges.txt"}) {
                try (InputStream in = getClass().getClassLoader().getResourceAsStream("gpt2/" + file)) {
                    Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return Map.of("boxoffice.llm.model-dir", dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {}
}
