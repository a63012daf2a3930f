package io.boxoffice.llm.model;

import io.boxoffice.llm.bench.RandomGpt2Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/** Small random GPT-2 checkpoints written in the Hugging Face layout, shared by the tests of one JVM. */
public final class TestModels {

    /** 2 layers, 32 wide, 4 heads, 64 positions, 300 tokens: fast, yet every code path of DistilGPT2. */
    public static final GptConfig TINY = new GptConfig(300, 64, 32, 2, 4, 1e-5f, 299);

    private static final Map<String, Path> WRITTEN = new ConcurrentHashMap<>();

    private TestModels() {}

    public static void startDjl() {
        DjlRuntime.start(Path.of("target", "djl-cache").toAbsolutePath(), 2);
    }

    /** A tiny checkpoint; {@code endOfText=false} gives a vocabulary without {@code <|endoftext|>}. */
    public static Path tiny(boolean transformerPrefix, boolean endOfText) {
        startDjl();
        String key = "tiny-" + transformerPrefix + "-" + endOfText;
        return WRITTEN.computeIfAbsent(key, k -> {
            try {
                Path dir = Files.createTempDirectory("boxoffice-" + k);
                RandomGpt2Checkpoint.write(dir, TINY, 42, 0.3f, transformerPrefix, endOfText);
                dir.toFile().deleteOnExit();
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
