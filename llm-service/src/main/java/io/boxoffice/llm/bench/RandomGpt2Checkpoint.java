package io.boxoffice.llm.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxoffice.llm.model.DjlRuntime;
import io.boxoffice.llm.model.GptConfig;
import io.boxoffice.llm.model.Gpt2Model;
import io.boxoffice.llm.tokenizer.ByteAlphabet;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes a GPT-2 checkpoint with random weights in the Hugging Face layout ({@code config.json},
 * {@code model.safetensors} with Conv1D [in, out] weights, {@code vocab.json}, {@code merges.txt}),
 * so tests and the benchmark exercise the same loader as real DistilGPT2 files. Weights are
 * N(0, weightStd); layer-norm gains are 1 + noise. The synthetic tokenizer has the 256 byte tokens,
 * then tokens made by random merges of earlier tokens (a valid BPE), and, if {@code endOfText},
 * {@code <|endoftext|>} as the last id. DJL must be started ({@link DjlRuntime#start}).
 */
public final class RandomGpt2Checkpoint {

    /** The shape {@link #main} writes: small enough to write and load in seconds, a real GPT-2 otherwise. */
    static final GptConfig DEMO_SHAPE = new GptConfig(1024, 256, 64, 2, 4, 1e-5f, 1023);

    private RandomGpt2Checkpoint() {}

    /**
     * Writes a small random GPT-2 with a synthetic tokenizer into the directory given as the only argument, for live
     * tests and demos where real weights cannot be downloaded (its text is noise; the service, the batching and the
     * metrics work as with DistilGPT2):
     * {@code java -cp 'llm-service/target/quarkus-app/lib/main/*:llm-service/target/quarkus-app/app/*'
     * io.boxoffice.llm.bench.RandomGpt2Checkpoint DIR}
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RandomGpt2Checkpoint DIRECTORY  (writes config.json, model.safetensors, vocab.json, merges.txt)");
            System.exit(2);
        }
        Path directory = Path.of(args[0]);
        DjlRuntime.start(Path.of(System.getProperty("java.io.tmpdir"), "boxoffice-djl"), 1);
        write(directory, DEMO_SHAPE, 17, 0.02f, true, true);
        System.out.println("wrote a random " + DEMO_SHAPE + " to " + directory);
    }

    public static void write(Path directory, GptConfig config, long seed, float weightStd, boolean transformerPrefix,
            boolean endOfText) throws IOException {
        Files.createDirectories(directory);
        config.write(directory.resolve(Gpt2Model.CONFIG_FILE));
        writeWeights(directory.resolve(Gpt2Model.WEIGHTS_FILE), config, seed, weightStd, transformerPrefix);
        writeSyntheticTokenizer(directory, config.vocabularySize(), seed, endOfText);
    }

    public static void writeWeights(Path file, GptConfig config, long seed, float weightStd, boolean transformerPrefix) throws IOException {
        DjlRuntime.engine().setRandomSeed((int) seed);
        int c = config.embeddingSize();
        String prefix = transformerPrefix ? "transformer." : "";
        try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
            NDList tensors = new NDList();
            tensors.add(named(manager.randomNormal(0, weightStd, new Shape(config.vocabularySize(), c), ai.djl.ndarray.types.DataType.FLOAT32), prefix + "wte.weight"));
            tensors.add(named(manager.randomNormal(0, weightStd, new Shape(config.positions(), c), ai.djl.ndarray.types.DataType.FLOAT32), prefix + "wpe.weight"));
            for (int i = 0; i < config.layers(); i++) {
                String p = prefix + "h." + i + ".";
                tensors.add(named(gain(manager, c, weightStd), p + "ln_1.weight"));
                tensors.add(named(normal(manager, weightStd, c), p + "ln_1.bias"));
                tensors.add(named(normal(manager, weightStd, c, 3 * c), p + "attn.c_attn.weight"));
                tensors.add(named(normal(manager, weightStd, 3 * c), p + "attn.c_attn.bias"));
                tensors.add(named(normal(manager, weightStd, c, c), p + "attn.c_proj.weight"));
                tensors.add(named(normal(manager, weightStd, c), p + "attn.c_proj.bias"));
                tensors.add(named(gain(manager, c, weightStd), p + "ln_2.weight"));
                tensors.add(named(normal(manager, weightStd, c), p + "ln_2.bias"));
                tensors.add(named(normal(manager, weightStd, c, 4 * c), p + "mlp.c_fc.weight"));
                tensors.add(named(normal(manager, weightStd, 4 * c), p + "mlp.c_fc.bias"));
                tensors.add(named(normal(manager, weightStd, 4 * c, c), p + "mlp.c_proj.weight"));
                tensors.add(named(normal(manager, weightStd, c), p + "mlp.c_proj.bias"));
            }
            tensors.add(named(gain(manager, c, weightStd), prefix + "ln_f.weight"));
            tensors.add(named(normal(manager, weightStd, c), prefix + "ln_f.bias"));
            try (OutputStream out = Files.newOutputStream(file)) {
                tensors.encode(out, NDList.Encoding.SAFETENSORS);
            }
        }
    }

    /** A byte-level BPE vocabulary of {@code vocabularySize} tokens with its merges. */
    public static void writeSyntheticTokenizer(Path directory, int vocabularySize, long seed, boolean endOfText) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteAlphabet.charOf(b)), b);
        }
        List<String> tokens = new ArrayList<>(vocab.keySet());
        List<String> merges = new ArrayList<>();
        Set<String> mergeLines = new HashSet<>();
        Random random = new Random(seed);
        int mergedTokens = vocabularySize - 256 - (endOfText ? 1 : 0);
        while (merges.size() < mergedTokens) {
            // Favour short, recent tokens so merges chain like real BPE ("t"+"h" -> "th", "th"+"e" -> "the").
            String left = tokens.get(random.nextInt(Math.min(tokens.size(), 256 + merges.size() / 2 + 1)));
            String right = tokens.get(random.nextInt(256));
            String merged = left + right;
            if (merged.length() > 12 || vocab.containsKey(merged) || !mergeLines.add(left + " " + right)) {
                continue;
            }
            vocab.put(merged, vocab.size());
            tokens.add(merged);
            merges.add(left + " " + right);
        }
        if (endOfText) {
            vocab.put("<|endoftext|>", vocab.size());
        }
        new ObjectMapper().writeValue(directory.resolve("vocab.json").toFile(), vocab);
        Files.writeString(directory.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n", StandardCharsets.UTF_8);
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    private static NDArray normal(NDManager manager, float std, long... shape) {
        return manager.randomNormal(0, std, new Shape(shape), ai.djl.ndarray.types.DataType.FLOAT32);
    }

    private static NDArray gain(NDManager manager, int size, float std) {
        return normal(manager, std, size).addi(1f);
    }
}
