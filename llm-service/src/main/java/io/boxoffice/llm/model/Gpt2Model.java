package io.boxoffice.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** 2·√(2/π) and 2·√(2/π)·0.044715: the sigmoid form of gelu_new, folded. */
    private static final float GELU_LINEAR = (float) (2 * Math.sqrt(2.0 / Math.PI));
    private static final float GELU_CUBIC = (float) (2 * Math.sqrt(2.0 / Math.PI) * 0.044715);

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";

    private final GptConfig config;
    private final NDManager weightsManager;
    private final NDArray tokenEmbedding; // [V, C]: rows looked up by token id
    private final NDArray lmHead; // [C, V]: the token embedding transposed, see logits()
    private final NDArray positionEmbedding; // [P, C]
    private final Block[] blocks;
    private final NDArray finalNormWeight;
    private final NDArray finalNormBias;

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
        this.lmHead = weightsManager.create(tokenEmbedding.transpose().toFloatArray(), new Shape(c, config.vocabularySize()));
        this.positionEmbedding = tensor(tensors, "wpe.weight", config.positions(), c);
        this.blocks = new Block[config.layers()];
        for (int i = 0; i < config.layers(); i++) {
            String p = "h." + i + ".";
            blocks[i] = new Block(
                    tensor(tensors, p + "ln_1.weight", c), tensor(tensors, p + "ln_1.bias", c),
                    scaledQueries(conv1d(tensors, p + "attn.c_attn.weight", c, 3 * c), c),
                    scaledQueries(tensor(tensors, p + "attn.c_attn.bias", 3 * c), c),
                    conv1d(tensors, p + "attn.c_proj.weight", c, c), tensor(tensors, p + "attn.c_proj.bias", c),
                    tensor(tensors, p + "ln_2.weight", c), tensor(tensors, p + "ln_2.bias", c),
                    conv1d(tensors, p + "mlp.c_fc.weight", c, 4 * c), tensor(tensors, p + "mlp.c_fc.bias", 4 * c),
                    conv1d(tensors, p + "mlp.c_proj.weight", 4 * c, c), tensor(tensors, p + "mlp.c_proj.bias", c));
        }
        this.finalNormWeight = tensor(tensors, "ln_f.weight", c);
        this.finalNormBias = tensor(tensors, "ln_f.bias", c);
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
            NDArray hidden = forwardPadded(step, ids, positions, 1, tokens.length, mask);
            return logits(hidden.reshape(tokens.length, config.embeddingSize()));
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
            NDArray hidden = forwardPadded(step, ids, positions, batch, length, mask);
            return logits(hidden.get(new NDIndex(":, {}, :", length - 1)));
        }
    }

    /** Runs a whole prompt once and keeps its keys and values, ready to join a {@link BatchKvCache}. */
    public Prefill prefill(int[] tokens, NDManager cacheManager) {
        return prefill(List.of(new PrefillPart(tokens, null, true)), cacheManager).get(0);
    }

    /**
     * Runs parts of several prompts in one pass ("packed" batched prefill): their tokens are laid
     * end to end, so the dense layers (nearly all the work) multiply one [tokens, C] matrix with no
     * padding, and attention runs per part over that prompt's own keys, earlier parts included.
     * A part that ends its prompt gets the logits of the prompt's last token.
     *
     * <p>Two shortcuts keep this exact: in the last layer only the last token of a finished prompt
     * goes through attention, the output projection and the MLP (nothing reads the others), and a
     * part that does not end its prompt stops after the last layer's keys and values.
     *
     * @param cacheManager owner of the returned keys and values
     * @return per part, the prompt's keys and values so far (its history's followed by the part's)
     */
    public List<Prefill> prefill(List<PrefillPart> parts, NDManager cacheManager) {
        Packing packing = Packing.of(parts);
        parts.forEach(part -> checkLength(part.historyTokens() + part.tokens().length));
        int layers = blocks.length;
        NDArray[][] keys = new NDArray[parts.size()][layers];
        NDArray[][] values = new NDArray[parts.size()][layers];
        try (NDManager step = weightsManager.newSubManager()) {
            NDArray x = embed(step, packing.ids(), packing.positions());
            NDArray[] masks = new NDArray[parts.size()];
            for (int layer = 0; layer < layers && x != null; layer++) {
                x = packedBlock(step, layer, x, parts, packing, keys, values, masks);
            }
            float[][] lastLogits = x == null ? null
                    : logits(LayerNorm.layerNorm(x, new Shape(config.embeddingSize()), finalNormWeight, finalNormBias,
                            config.layerNormEpsilon()).singletonOrThrow());
            List<Prefill> results = new ArrayList<>(parts.size());
            int finished = 0;
            for (int p = 0; p < parts.size(); p++) {
                PrefillPart part = parts.get(p);
                results.add(new Prefill(part.historyTokens() + part.tokens().length, kept(keys[p], cacheManager),
                        kept(values[p], cacheManager), part.last() ? lastLogits[finished++] : null));
            }
            return results;
        }
    }

    /** Where each part's tokens sit in the packed rows, and their ids and positions. */
    private record Packing(long[] ids, long[] positions, int[] starts) {
        static Packing of(List<PrefillPart> parts) {
            if (parts.isEmpty()) {
                throw new IllegalArgumentException("prefill needs at least one part");
            }
            int total = parts.stream().mapToInt(part -> part.tokens().length).sum();
            long[] ids = new long[total];
            long[] positions = new long[total];
            int[] starts = new int[parts.size()];
            int offset = 0;
            for (int p = 0; p < parts.size(); p++) {
                PrefillPart part = parts.get(p);
                starts[p] = offset;
                for (int t = 0; t < part.tokens().length; t++) {
                    ids[offset + t] = part.tokens()[t];
                    positions[offset + t] = part.historyTokens() + t;
                }
                offset += part.tokens().length;
            }
            return new Packing(ids, positions, starts);
        }
    }

    /**
     * One transformer block over the packed rows {@code x} [tokens, C]; records each part's keys and
     * values (history included) for the layer. In the last layer it returns only the rows of the
     * finished prompts' last tokens, or null when no part finishes its prompt.
     */
    private NDArray packedBlock(NDManager step, int layer, NDArray x, List<PrefillPart> parts, Packing packing,
            NDArray[][] keys, NDArray[][] values, NDArray[] masks) {
        Block block = blocks[layer];
        int c = config.embeddingSize();
        boolean lastLayer = layer == blocks.length - 1;
        NDArray h = LayerNorm.layerNorm(x, new Shape(c), block.norm1Weight(), block.norm1Bias(), config.layerNormEpsilon()).singletonOrThrow();
        NDArray qkv = Linear.linear(h, block.attentionWeight(), block.attentionBias()).singletonOrThrow();
        NDList attended = new NDList();
        NDList residual = new NDList();
        for (int p = 0; p < parts.size(); p++) {
            PrefillPart part = parts.get(p);
            int start = packing.starts()[p];
            int end = start + part.tokens().length;
            keys[p][layer] = withHistory(part.history() == null ? null : part.history().keys()[layer],
                    heads(qkv.get(new NDIndex("{}:{}, {}:{}", start, end, c, 2 * c)), end - start));
            values[p][layer] = withHistory(part.history() == null ? null : part.history().values()[layer],
                    heads(qkv.get(new NDIndex("{}:{}, {}:", start, end, 2 * c)), end - start));
            if (lastLayer && !part.last()) {
                continue; // its keys and values are all a later part needs
            }
            // In the last layer only the prompt's last token matters; it attends to everything, so needs no mask.
            int queryFrom = lastLayer ? end - 1 : start;
            NDArray q = heads(qkv.get(new NDIndex("{}:{}, 0:{}", queryFrom, end, c)), end - queryFrom);
            NDArray scores = q.matMul(keys[p][layer].transpose(0, 2, 1));
            if (end - queryFrom > 1) {
                if (masks[p] == null) {
                    masks[p] = step.create(offsetCausalMask(end - start, part.historyTokens()),
                            new Shape(end - start, part.historyTokens() + end - start));
                }
                scores.addi(masks[p]);
            }
            attended.add(scores.softmax(-1).matMul(values[p][layer]).transpose(1, 0, 2).reshape(end - queryFrom, c));
            if (lastLayer) {
                residual.add(x.get(new NDIndex("{}:{}, :", queryFrom, end)));
            }
        }
        if (attended.isEmpty()) {
            return null; // the last layer, and no part ends its prompt: no logits to compute
        }
        NDArray rows = lastLayer ? concatRows(residual) : x;
        rows = rows.add(Linear.linear(concatRows(attended), block.attentionProjectionWeight(), block.attentionProjectionBias())
                .singletonOrThrow());
        return rows.addi(feedForward(block, rows));
    }

    private static NDArray concatRows(NDList rows) {
        return rows.size() == 1 ? rows.singletonOrThrow() : NDArrays.concat(rows, 0);
    }

    /** A part's keys or values [heads, tokens, headSize], after those of its earlier parts when it has any. */
    private static NDArray withHistory(NDArray history, NDArray part) {
        return history == null ? part : NDArrays.concat(new NDList(history.squeeze(0), part), 1);
    }

    /** Per-layer [heads, tokens, headSize] tensors as [1, heads, tokens, headSize], owned by {@code owner}. */
    private static NDArray[] kept(NDArray[] perLayer, NDManager owner) {
        NDArray[] kept = new NDArray[perLayer.length];
        for (int layer = 0; layer < perLayer.length; layer++) {
            kept[layer] = perLayer[layer].expandDims(0);
            kept[layer].attach(owner);
        }
        return kept;
    }

    /** [n, C] → [heads, n, headSize]. */
    private NDArray heads(NDArray rows, int n) {
        return rows.reshape(n, config.heads(), config.headSize()).transpose(1, 0, 2);
    }

    /** Part of a prompt to run: {@code tokens} follow {@code history} (null for a prompt's first part). */
    public record PrefillPart(int[] tokens, Prefill history, boolean last) {
        public PrefillPart {
            if (tokens.length == 0) {
                throw new IllegalArgumentException("a prefill part needs at least one token");
            }
        }

        int historyTokens() {
            return history == null ? 0 : history.tokens();
        }
    }

    /**
     * A prompt's per-layer keys and values so far, each [1, heads, tokens, headSize], and, when the
     * whole prompt has run, the logits of its next token (else null).
     */
    public record Prefill(int tokens, NDArray[] keys, NDArray[] values, float[] lastLogits) implements AutoCloseable {
        @Override
        public void close() {
            for (int i = 0; i < keys.length; i++) {
                keys[i].close();
                values[i].close();
            }
        }
    }

    /** Gives attention the keys and values to attend over, given the step's new ones ([B, H, 1, D]). */
    @FunctionalInterface
    interface AttentionMemory {
        NDArray[] keysAndValues(int layer, NDArray newKeys, NDArray newValues);
    }

    /**
     * One decode step's transformer body: one token per row, attending over the rows' cached keys
     * and values (which {@code memory} extends with the new ones). Works on [rows, C] matrices so
     * no transposes are needed: [rows, C] is [rows, heads, 1, headSize] in memory.
     *
     * @param mask additive mask [rows, 1, 1, attended] hiding each row's padding, null when no row has any
     * @return the final-normed hidden states [rows, C]
     */
    NDArray forwardDecode(NDManager step, long[] ids, long[] positions, NDArray mask, AttentionMemory memory) {
        int c = config.embeddingSize();
        int rows = ids.length;
        NDArray x = embed(step, ids, positions);
        for (int layer = 0; layer < blocks.length; layer++) {
            Block block = blocks[layer];
            NDArray h = LayerNorm.layerNorm(x, new Shape(c), block.norm1Weight(), block.norm1Bias(), config.layerNormEpsilon()).singletonOrThrow();
            NDArray qkv = Linear.linear(h, block.attentionWeight(), block.attentionBias()).singletonOrThrow();
            NDArray split = qkv.reshape(rows, 3, config.heads(), 1, config.headSize());
            NDArray q = split.get(new NDIndex(":, 0"));
            NDArray k = split.get(new NDIndex(":, 1"));
            NDArray v = split.get(new NDIndex(":, 2"));
            NDArray[] kv = memory.keysAndValues(layer, k, v);
            NDArray scores = q.matMul(kv[0].transpose(0, 1, 3, 2));
            if (mask != null) {
                scores.addi(mask);
            }
            NDArray attended = scores.softmax(-1).matMul(kv[1]).reshape(rows, c);
            x.addi(Linear.linear(attended, block.attentionProjectionWeight(), block.attentionProjectionBias()).singletonOrThrow());
            x.addi(feedForward(block, x));
        }
        return LayerNorm.layerNorm(x, new Shape(c), finalNormWeight, finalNormBias, config.layerNormEpsilon()).singletonOrThrow();
    }

    /**
     * The general transformer body over left-padded rows [batch, length], without a cache: the
     * reference path for tests and the no-cache backend.
     *
     * @param mask additive attention mask broadcastable to [batch, heads, length, length]
     * @return the final-normed hidden states [batch, length, C]
     */
    NDArray forwardPadded(NDManager step, long[] ids, long[] positions, int batch, int length, NDArray mask) {
        int c = config.embeddingSize();
        int heads = config.heads();
        int headSize = config.headSize();
        NDArray x = embed(step, ids, positions).reshape(batch, length, c);
        for (Block block : blocks) {
            NDArray h = LayerNorm.layerNorm(x, new Shape(c), block.norm1Weight(), block.norm1Bias(), config.layerNormEpsilon()).singletonOrThrow();
            NDArray qkv = Linear.linear(h, block.attentionWeight(), block.attentionBias()).singletonOrThrow();
            NDList split = qkv.split(3, 2);
            NDArray q = split.get(0).reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
            NDArray k = split.get(1).reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
            NDArray v = split.get(2).reshape(batch, length, heads, headSize).transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).addi(mask);
            NDArray attended = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(batch, length, c);
            x = x.add(Linear.linear(attended, block.attentionProjectionWeight(), block.attentionProjectionBias()).singletonOrThrow());
            x = x.add(feedForward(block, x));
        }
        return LayerNorm.layerNorm(x, new Shape(c), finalNormWeight, finalNormBias, config.layerNormEpsilon()).singletonOrThrow();
    }

    /** The MLP half of a block, without the residual: proj(gelu_new(fc(ln_2(x)))). */
    private NDArray feedForward(Block block, NDArray x) {
        NDArray h = LayerNorm.layerNorm(x, new Shape(config.embeddingSize()), block.norm2Weight(), block.norm2Bias(), config.layerNormEpsilon()).singletonOrThrow();
        NDArray up = geluTanh(Linear.linear(h, block.feedForwardWeight(), block.feedForwardBias()).singletonOrThrow());
        return Linear.linear(up, block.feedForwardProjectionWeight(), block.feedForwardProjectionBias()).singletonOrThrow();
    }

    /** Token plus position embeddings, [ids.length, C], owned by {@code step}. */
    private NDArray embed(NDManager step, long[] ids, long[] positions) {
        NDArray tokenRows = tokenEmbedding.get(step.create(ids));
        tokenRows.attach(step);
        NDArray positionRows = positionEmbedding.get(step.create(positions));
        positionRows.attach(step);
        return tokenRows.addi(positionRows);
    }

    /**
     * Next-token logits of final-normed hidden rows [rows, C], as [rows][vocabularySize]. The
     * head is tied to the token embedding but kept as its own [C, V] copy: a matrix-vector product
     * that streams [C, V] measured about 40% faster here than one over [V, C] (decoding reads
     * these 154 MB once per step, so this is most of a step).
     */
    float[][] logits(NDArray hidden) {
        NDArray logits = hidden.matMul(lmHead);
        int rows = (int) hidden.getShape().get(0);
        return rows(logits.toFloatArray(), rows, config.vocabularySize());
    }

    /**
     * GPT-2's {@code gelu_new}, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), written as
     * x·sigmoid(2·√(2/π)·(x + 0.044715·x³)) (the same function: 0.5·(1 + tanh(z)) = sigmoid(2z)),
     * which takes fewer native calls.
     */
    private static NDArray geluTanh(NDArray x) {
        NDArray inner = x.square().muli(GELU_CUBIC).addi(GELU_LINEAR).muli(x);
        return Activation.sigmoid(inner).muli(x);
    }


    /** Causal mask [n, history + n] of a part that follows {@code history} earlier tokens. */
    static float[] offsetCausalMask(int n, int history) {
        int width = history + n;
        float[] mask = new float[n * width];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(mask, i * width + history + i + 1, (i + 1) * width, MASKED);
        }
        return mask;
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

    /**
     * Attention divides the query·key scores by √headSize; multiplying the query projection (its
     * first {@code c} outputs, weight and bias) by 1/√headSize once at load gives the same scores
     * without a multiply per layer per step (for DistilGPT2, 1/√64 = 1/8, so even bit for bit).
     * Outputs are on axis 0 of both the weight view [3C, C] and the bias [3C].
     */
    private NDArray scaledQueries(NDArray projection, int c) {
        float scale = (float) (1.0 / Math.sqrt(config.headSize()));
        NDArray queries = projection.get(new NDIndex("0:{}", c)).mul(scale);
        NDArray rest = projection.get(new NDIndex("{}:", c));
        NDArray scaled = NDArrays.concat(new NDList(queries, rest), 0);
        queries.close();
        return scaled;
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
