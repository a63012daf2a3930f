package io.boxoffice.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key/value cache of several sequences decoded together.
 *
 * <p>Layout: per layer one key and one value tensor [rows, heads, capacity, headSize]. Rows are
 * right-aligned: every row's last token sits in column {@code length - 1}, and a shorter row has
 * masked left padding. So one decode step writes every row's new key and value into the same
 * column, in place, and attends over the view {@code [:, :, 0:length+1, :]} with a mask that hides
 * each row's padding. A row's positions are its own token count, so padding never changes its
 * logits. Adding or removing a row rebuilds the tensors (rare, compared with decode steps).
 *
 * <p>Threading: confined to the scheduler thread, like the model.
 */
public final class BatchKvCache implements AutoCloseable {

    private static final int CAPACITY_GROWTH_COLUMNS = 64;

    private final Gpt2Model model;
    private final NDManager manager;
    private NDArray[] keys = new NDArray[0];
    private NDArray[] values = new NDArray[0];
    private int rows;
    private int capacity;
    private int length;
    private int[] pads = new int[0];

    public BatchKvCache(Gpt2Model model) {
        this.model = model;
        this.manager = model.weightsManager().newSubManager();
    }

    /** The manager prefills should attach to so they can join this cache. */
    public NDManager manager() {
        return manager;
    }

    public int rows() {
        return rows;
    }

    /** How many tokens row {@code row} holds (prompt plus generated, excluding padding). */
    public int tokens(int row) {
        return length - pads[row];
    }

    /** Adds a prefilled prompt as the last row and frees the prefill's tensors. Returns the row index. */
    public int add(Gpt2Model.Prefill prefill) {
        addAll(List.of(prefill));
        return rows - 1;
    }

    /**
     * Adds prefilled prompts as the last rows, in order, with one rebuild of the tensors, and frees
     * the prefills' tensors.
     */
    public void addAll(List<Gpt2Model.Prefill> prefills) {
        int newLength = length;
        List<RowSource> sources = new ArrayList<>(rows + prefills.size());
        for (int row = 0; row < rows; row++) {
            sources.add(new RowSource(keys, values, row, pads[row], length - pads[row]));
        }
        for (Gpt2Model.Prefill prefill : prefills) {
            if (prefill.lastLogits() == null) {
                throw new IllegalArgumentException("only a whole prompt can join the batch; this one has run "
                        + prefill.tokens() + " tokens and is not finished");
            }
            newLength = Math.max(newLength, prefill.tokens());
            sources.add(new RowSource(prefill.keys(), prefill.values(), 0, 0, prefill.tokens()));
        }
        rebuild(sources, newLength);
        prefills.forEach(Gpt2Model.Prefill::close);
    }

    /** Removes the given rows; the others keep their order. Drops padding columns no row needs any more. */
    public void remove(int[] rowsToRemove) {
        boolean[] removed = new boolean[rows];
        for (int row : rowsToRemove) {
            removed[row] = true;
        }
        List<RowSource> sources = new ArrayList<>();
        int newLength = 0;
        for (int row = 0; row < rows; row++) {
            if (!removed[row]) {
                sources.add(new RowSource(keys, values, row, pads[row], length - pads[row]));
                newLength = Math.max(newLength, length - pads[row]);
            }
        }
        rebuild(sources, newLength);
    }

    /**
     * Feeds one token per row and returns each row's next-token logits.
     *
     * @throws IllegalArgumentException when a row would exceed the model's positions
     */
    public float[][] decode(int[] lastTokens) {
        if (lastTokens.length != rows || rows == 0) {
            throw new IllegalArgumentException("decode needs one token per row: " + lastTokens.length + " tokens for " + rows + " rows");
        }
        if (length + 1 > model.config().positions()) {
            throw new IllegalArgumentException("a row would exceed the model's " + model.config().positions() + " positions");
        }
        if (length == capacity) {
            grow();
        }
        long[] ids = new long[rows];
        long[] positions = new long[rows];
        float[] mask = new float[rows * (length + 1)];
        boolean padded = false;
        for (int row = 0; row < rows; row++) {
            ids[row] = lastTokens[row];
            positions[row] = length - pads[row];
            Arrays.fill(mask, row * (length + 1), row * (length + 1) + pads[row], Gpt2Model.MASKED);
            padded |= pads[row] > 0;
        }
        int column = length;
        try (NDManager step = model.weightsManager().newSubManager()) {
            // Rows of equal length (one row, always) have nothing to hide: skip the mask.
            NDArray maskArray = padded ? step.create(mask, new Shape(rows, 1, 1, length + 1)) : null;
            NDIndex writeColumn = new NDIndex(":, :, {}:{}, :", column, column + 1);
            NDIndex attended = new NDIndex(":, :, 0:{}, :", column + 1);
            NDArray hidden = model.forwardDecode(step, ids, positions, maskArray, (layer, k, v) -> {
                keys[layer].set(writeColumn, k);
                values[layer].set(writeColumn, v);
                NDArray keyView = keys[layer].get(attended);
                NDArray valueView = values[layer].get(attended);
                keyView.attach(step);
                valueView.attach(step);
                return new NDArray[] {keyView, valueView};
            });
            float[][] logits = model.logits(hidden);
            length++;
            return logits;
        }
    }

    private record RowSource(NDArray[] keys, NDArray[] values, int row, int firstColumn, int tokens) {}

    /** Allocates fresh tensors for {@code sources} right-aligned at {@code newLength} and copies them in. */
    private void rebuild(List<RowSource> sources, int newLength) {
        int layers = model.config().layers();
        int newRows = sources.size();
        int newCapacity = Math.min(model.config().positions(), newLength + CAPACITY_GROWTH_COLUMNS);
        Shape shape = new Shape(newRows, model.config().heads(), newCapacity, model.config().headSize());
        NDArray[] newKeys = new NDArray[layers];
        NDArray[] newValues = new NDArray[layers];
        int[] newPads = new int[newRows];
        for (int layer = 0; layer < layers; layer++) {
            newKeys[layer] = manager.zeros(shape);
            newValues[layer] = manager.zeros(shape);
        }
        for (int i = 0; i < newRows; i++) {
            RowSource source = sources.get(i);
            newPads[i] = newLength - source.tokens();
            NDIndex from = new NDIndex("{}:{}, :, {}:{}, :", source.row(), source.row() + 1,
                    source.firstColumn(), source.firstColumn() + source.tokens());
            NDIndex to = new NDIndex("{}:{}, :, {}:{}, :", i, i + 1, newPads[i], newLength);
            for (int layer = 0; layer < layers; layer++) {
                try (NDArray k = source.keys()[layer].get(from); NDArray v = source.values()[layer].get(from)) {
                    newKeys[layer].set(to, k);
                    newValues[layer].set(to, v);
                }
            }
        }
        closeTensors();
        keys = newKeys;
        values = newValues;
        rows = newRows;
        capacity = newCapacity;
        length = newLength;
        pads = newPads;
    }

    private void grow() {
        List<RowSource> sources = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            sources.add(new RowSource(keys, values, row, pads[row], length - pads[row]));
        }
        rebuild(sources, length);
    }

    private void closeTensors() {
        for (int layer = 0; layer < keys.length; layer++) {
            keys[layer].close();
            values[layer].close();
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
