package io.boxoffice.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The GPT-2 decoder (pre-layer-norm transformer, learned absolute positions, tanh-GELU,
 * language-model head tied to the token embedding) on DJL NDArrays.
 *
 * <p>Threading: an instance is confined to one thread at a time (the generation scheduler's),
 * because every call creates and frees native tensors. The weights are read-only.
 */
public final class Gpt2Model implements AutoCloseable {

    /** Added to attention scores that must not be attended to; finite so a fully masked (padding) row stays NaN-free. */
    static final float MASKED = -1e9f;

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    private final GptConfig config;
    private final NDManager weightsManager;
    private final NDArray tokenEmbedding; // [V, C], also the LM head
    private final NDArray positionEmbedding; // [P, C]
    private final Block[] blocks;
    private final NDArray finalNormWeight;
    private final NDArray finalNormBias;
    private final float attentionScale;

    /** Linear weights are stored as [out, in] (PyTorch's Linear layout), transposed from HF's Conv1D [in, out]. */
    private record Block(
            NDArray norm1Weight, NDArray norm1Bias,
            NDArray attentionWeight, NDArray attentionBias,
            NDArray attentionProjectionWeight, NDArray attentionProjectionBias,
            NDArray norm2Weight, NDArray norm2Bias,
            NDArray feedForwardWeight, NDArray feedForwardBias,
            NDArray feedForwardProjectionWeight, NDArray feedForwardProjectionBias) {}

    private Gpt2Model(GptConfig config, NDManager weightsManager, Map<String, NDArray> tensors) {
        this.config = config;
        this.weightsManager = weightsManager;
        int c = config.embeddingSize();
        this.tokenEmbedding = tensor(tensors, "wte.weight", config.vocabularySize(), c);
        this.positionEmbedding = tensor(tensors, "wpe.weight", config.positions(), c);
        this.blocks = new Block[config.layers()];
        for (int i = 0; i < config.layers(); i++) {
            String p = "h." + i + ".";
            blocks[i] = new Block(
                    tensor(tensors, p + "ln_1.weight", c), tensor(tensors, p + "ln_1.bias", c),
                    conv1d(tensors, p + "attn.c_attn.weight", c, 3 * c), tensor(tensors, p + "attn.c_attn.bias", 3 * c),
                    conv1d(tensors, p + "attn.c_proj.weight", c, c), tensor(tensors, p + "attn.c_proj.bias", c),
                    tensor(tensors, p + "ln_2.weight", c), tensor(tensors, p + "ln_2.bias", c),
                    conv1d(tensors, p + "mlp.c_fc.weight", c, 4 * c), tensor(tensors, p + "mlp.c_fc.bias", 4 * c),
                    conv1d(tensors, p + "mlp.c_proj.weight", 4 * c, c), tensor(tensors, p + "mlp.c_proj.bias", c));
        }
        this.finalNormWeight = tensor(tensors, "ln_f.weight", c);
        this.finalNormBias = tensor(tensors, "ln_f.bias", c);
        this.attentionScale = (float) (1.0 / Math.sqrt(config.headSize()));
    }

    /**
     * Loads {@code config.json} and {@code model.safetensors} (Hugging Face GPT-2 layout; names may
     * carry a {@code transformer.} prefix; {@code lm_head.weight} and the causal-mask buffers
     * {@code attn.bias}/{@code attn.masked_bias} are ignored because the head is tied to {@code wte}).
     * Half-precision checkpoints are widened to float32.
     *
     * @throws IOException when a file is missing, unreadable, or a tensor is missing or misshapen
     */
    public static Gpt2Model load(Path modelDirectory) throws IOException {
        GptConfig config = GptConfig.read(modelDirectory.resolve(CONFIG_FILE));
        Path weights = modelDirectory.resolve(WEIGHTS_FILE);
        NDManager manager = DjlRuntime.engine().newBaseManager();
        try (InputStream in = Files.newInputStream(weights)) {
            NDList list = NDList.decode(manager, in);
            Map<String, NDArray> tensors = new HashMap<>();
            for (NDArray array : list) {
                String name = array.getName();
                if (name == null) {
                    throw new IOException(weights + ": a tensor has no name");
                }
                if (name.startsWith("transformer.")) {
                    name = name.substring("transformer.".length());
                }
                tensors.put(name, array.getDataType() == DataType.FLOAT32 ? array : array.toType(DataType.FLOAT32, false));
            }
            return new Gpt2Model(config, manager, tensors);
        } catch (IOException | RuntimeException e) {
            manager.close();
            if (e instanceof MissingTensorException m) {
                throw new IOException(weights + ": " + m.getMessage(), m);
            }
            throw e instanceof IOException io ? io : new IOException(weights + ": cannot read safetensors: " + e.getMessage(), e);
        }
    }

    public GptConfig config() {
        return config;
    }

    NDManager weightsManager() {
        return weightsManager;
    }

    /**
     * Logits at every position of one sequence, without any cache (the reference path).
     *
     * @return [tokens.length][vocabularySize]
     */
    public float[][] logitsAllPositions(int[] tokens) {
        checkLength(tokens.length);
        try (NDManager step = weightsManager.newSubManager()) {
            long[] ids = toLong(tokens);
            long[] positions = new long[tokens.length];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = i;
            }
            NDArray mask = step.create(causalMask(new int[] {0}, tokens.length), new Shape(1, 1, tokens.length, tokens.length));
            NDArray hidden = forward(step, ids, positions, 1, tokens.length, mask, (layer, k, v) -> new NDArray[] {k, v});
            NDArray logits = Linear.linear(hidden, tokenEmbedding).singletonOrThrow();
            return rows(logits.toFloatArray(), tokens.length, config.vocabularySize());
        }
    }

    /**
     * Logits at the last position of each row, recomputing every row from scratch (no cache).
     * Rows of different lengths are left-padded and masked. Used for the no-cache comparison.
     */
    public float[][] lastLogitsWithoutCache(List<int[]> sequences) {
        int batch = sequences.size();
        int length = sequences.stream().mapToInt(s -> s.length).max().orElseThrow();
        checkLength(length);
        int[] pads = new int[batch];
        long[] ids = new long[batch * length];
        long[] positions = new long[batch * length];
        for (int b = 0; b < batch; b++) {
            int[] sequence = sequences.get(b);
            pads[b] = length - sequence.length;
            for (int t = 0; t < length; t++) {
                int i = b * length + t;
                ids[i] = t < pads[b] ? 0 : sequence[t - pads[b]];
                positions[i] = Math.max(0, t - pads[b]);
            }
        }
        try (NDManager step = weightsManager.newSubManager()) {
            NDArray mask = step.create(causalMask(pads, length), new Shape(batch, 1, length, length));
            NDArray hidden = forward(step, ids, positions, batch, length, mask, (layer, k, v) -> new NDArray[] {k, v});
            return lastPositionLogits(hidden, length);
        }
    }

    /** Runs a prompt once and keeps its keys and values, ready to join a {@link BatchKvCache}. */
    public Prefill prefill(int[] tokens, NDManager cacheManager) {
        checkLength(tokens.length);
        NDArray[] keys = new NDArray[config.layers()];
        NDArray[] values = new NDArray[config.layers()];
        try (NDManager step = weightsManager.newSubManager()) {
            long[] positions = new long[tokens.length];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = i;
            }
            NDArray mask = step.create(causalMask(new int[] {0}, tokens.length), new Shape(1, 1, tokens.length, tokens.length));
            NDArray hidden = forward(step, toLong(tokens), positions, 1, tokens.length, mask, (layer, k, v) -> {
                keys[layer] = k;
                values[layer] = v;
                return new NDArray[] {k, v};
            });
            float[] logits = lastPositionLogits(hidden, tokens.length)[0];
            for (int layer = 0; layer < keys.length; layer++) {
                keys[layer].attach(cacheManager);
                values[layer].attach(cacheManager);
            }
            return new Prefill(tokens.length, keys, values, logits);
        }
    }

    /** A prompt's per-layer keys and values, each [1, heads, tokens, headSize], and its last logits. */
    public record Prefill(int tokens, NDArray[] keys, NDArray[] values, float[] lastLogits) {
        void close() {
            for (int i = 0; i < keys.length; i++) {
                keys[i].close();
                values[i].close();
            }
        }
    }

    /** Gives attention the keys and values to attend over, given the step's new ones ([B, H, T, D]). */
    @FunctionalInterface
    interface AttentionMemory {
        NDArray[] keysAndValues(int layer, NDArray newKeys, NDArray newValues);
    }

    /**
     * The transformer body. Returns the final-normed hidden states [batch, length, C].
     *
     * @param mask additive attention mask broadcastable to [batch, heads, length, attended]
     */
    NDArray forward(NDManager step, long[] ids, long[] positions, int batch, int length, NDArray mask, AttentionMemory memory) {
        int c = config.embeddingSize();
        int heads = config.heads();
        int headSize = config.headSize();
        NDArray tokenIds = step.create(ids, new Shape(batch, length));
        NDArray positionIds = step.create(positions, new Shape(batch, length));
        NDArray x = gather(step, tokenEmbedding, tokenIds).add(gather(step, positionEmbedding, positionIds));
        for (int layer = 0; layer < blocks.length; layer++) {
            Block block = blocks[layer];
            NDArray h = LayerNorm.layerNorm(x, new Shape(c), block.norm1Weight(), block.norm1Bias(), config.layerNormEpsilon()).singletonOrThrow();
            NDArray qkv = Linear.linear(h, block.attentionWeight(), block.attentionBias()).singletonOrThrow();
            NDList split = qkv.split(3, 2);
            NDArray q = split.get(0).reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
            NDArray k = split.get(1).reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
            NDArray v = split.get(2).reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
            NDArray[] kv = memory.keysAndValues(layer, k, v);
            NDArray scores = q.matMul(kv[0].transpose(0, 1, 3, 2)).muli(attentionScale).addi(mask);
            NDArray attended = scores.softmax(-1).matMul(kv[1]).transpose(0, 2, 1, 3).reshape(batch, length, c);
            x = x.add(Linear.linear(attended, block.attentionProjectionWeight(), block.attentionProjectionBias()).singletonOrThrow());
            NDArray h2 = LayerNorm.layerNorm(x, new Shape(c), block.norm2Weight(), block.norm2Bias(), config.layerNormEpsilon()).singletonOrThrow();
            NDArray up = geluTanh(Linear.linear(h2, block.feedForwardWeight(), block.feedForwardBias()).singletonOrThrow());
            x = x.add(Linear.linear(up, block.feedForwardProjectionWeight(), block.feedForwardProjectionBias()).singletonOrThrow());
        }
        return LayerNorm.layerNorm(x, new Shape(c), finalNormWeight, finalNormBias, config.layerNormEpsilon()).singletonOrThrow();
    }

    /** Logits of the last position of each row: only that row goes through the (large) LM head. */
    float[][] lastPositionLogits(NDArray hidden, int length) {
        NDArray last = hidden.get(new NDIndex(":, {}, :", length - 1));
        NDArray logits = Linear.linear(last, tokenEmbedding).singletonOrThrow();
        int batch = (int) hidden.getShape().get(0);
        return rows(logits.toFloatArray(), batch, config.vocabularySize());
    }

    /** GPT-2's {@code gelu_new}: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
    private static NDArray geluTanh(NDArray x) {
        NDArray inner = x.mul(x).muli(x).muli(0.044715f).addi(x).muli((float) Math.sqrt(2.0 / Math.PI));
        return inner.tanh().addi(1f).muli(x).muli(0.5f);
    }

    /** Row lookup in a weight matrix, with the result owned by the step (not by the weights). */
    private static NDArray gather(NDManager step, NDArray weights, NDArray ids) {
        NDArray rows = weights.get(ids);
        rows.attach(step);
        return rows;
    }

    /** Causal mask [batch, 1, length, length] that also hides each row's left padding. */
    static float[] causalMask(int[] pads, int length) {
        float[] mask = new float[pads.length * length * length];
        for (int b = 0; b < pads.length; b++) {
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < length; j++) {
                    boolean visible = j <= i && j >= pads[b];
                    mask[(b * length + i) * length + j] = visible ? 0f : MASKED;
                }
            }
        }
        return mask;
    }

    void checkLength(int tokens) {
        if (tokens < 1 || tokens > config.positions()) {
            throw new IllegalArgumentException("sequence of " + tokens + " tokens, the model takes 1.." + config.positions());
        }
    }

    static float[][] rows(float[] flat, int rows, int columns) {
        float[][] result = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * columns, result[r], 0, columns);
        }
        return result;
    }

    private static long[] toLong(int[] tokens) {
        long[] ids = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokens[i];
        }
        return ids;
    }

    private static NDArray tensor(Map<String, NDArray> tensors, String name, long... shape) {
        NDArray array = tensors.get(name);
        if (array == null) {
            throw new MissingTensorException("tensor '" + name + "' is missing");
        }
        if (!array.getShape().equals(new Shape(shape))) {
            throw new MissingTensorException("tensor '" + name + "' has shape " + array.getShape() + ", expected " + new Shape(shape));
        }
        return array;
    }

    /**
     * HF GPT-2 stores its projections as Conv1D with weight [in, out]; Linear wants [out, in].
     * The transposed view costs nothing: the matrix multiply reads it with swapped strides.
     */
    private static NDArray conv1d(Map<String, NDArray> tensors, String name, long in, long out) {
        return tensor(tensors, name, in, out).transpose();
    }

    private static final class MissingTensorException extends RuntimeException {
        MissingTensorException(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        weightsManager.close();
    }
}
