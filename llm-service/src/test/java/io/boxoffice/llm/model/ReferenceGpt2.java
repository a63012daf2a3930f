package io.boxoffice.llm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * GPT-2 written out in plain Java loops from the architecture's definition (Radford et al. 2019;
 * Hugging Face's modeling_gpt2), independent of Gpt2Model's tensor code, to check it.
 */
final class ReferenceGpt2 {

    private final GptConfig config;
    private final Map<String, float[]> weights = new HashMap<>();

    ReferenceGpt2(Path directory) throws IOException {
        this.config = GptConfig.read(directory.resolve("config.json"));
        try (NDManager manager = DjlRuntime.engine().newBaseManager();
                InputStream in = Files.newInputStream(directory.resolve("model.safetensors"))) {
            for (NDArray array : NDList.decode(manager, in)) {
                weights.put(array.getName().replaceFirst("^transformer\\.", ""), array.toFloatArray());
            }
        }
    }

    float[][] logits(int[] tokens) {
        int t = tokens.length;
        int c = config.embeddingSize();
        float[][] x = new float[t][c];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < c; j++) {
                x[i][j] = w("wte.weight")[tokens[i] * c + j] + w("wpe.weight")[i * c + j];
            }
        }
        for (int layer = 0; layer < config.layers(); layer++) {
            String p = "h." + layer + ".";
            float[][] h = layerNorm(x, w(p + "ln_1.weight"), w(p + "ln_1.bias"));
            float[][] qkv = conv1d(h, w(p + "attn.c_attn.weight"), w(p + "attn.c_attn.bias"), 3 * c);
            float[][] attended = attention(qkv);
            add(x, conv1d(attended, w(p + "attn.c_proj.weight"), w(p + "attn.c_proj.bias"), c));
            float[][] h2 = layerNorm(x, w(p + "ln_2.weight"), w(p + "ln_2.bias"));
            float[][] up = conv1d(h2, w(p + "mlp.c_fc.weight"), w(p + "mlp.c_fc.bias"), 4 * c);
            for (float[] row : up) {
                for (int j = 0; j < row.length; j++) {
                    double v = row[j];
                    row[j] = (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
                }
            }
            add(x, conv1d(up, w(p + "mlp.c_proj.weight"), w(p + "mlp.c_proj.bias"), c));
        }
        float[][] out = layerNorm(x, w("ln_f.weight"), w("ln_f.bias"));
        float[][] logits = new float[t][config.vocabularySize()];
        for (int i = 0; i < t; i++) {
            for (int v = 0; v < config.vocabularySize(); v++) {
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    sum += out[i][j] * w("wte.weight")[v * c + j];
                }
                logits[i][v] = (float) sum;
            }
        }
        return logits;
    }

    private float[][] attention(float[][] qkv) {
        int t = qkv.length;
        int c = config.embeddingSize();
        int heads = config.heads();
        int d = c / heads;
        float[][] out = new float[t][c];
        for (int head = 0; head < heads; head++) {
            for (int i = 0; i < t; i++) {
                double[] scores = new double[i + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int k = 0; k < d; k++) {
                        dot += qkv[i][head * d + k] * qkv[j][c + head * d + k];
                    }
                    scores[j] = dot / Math.sqrt(d);
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int k = 0; k < d; k++) {
                        out[i][head * d + k] += (float) (scores[j] / sum * qkv[j][2 * c + head * d + k]);
                    }
                }
            }
        }
        return out;
    }

    private float[][] layerNorm(float[][] x, float[] gain, float[] bias) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (float v : x[i]) {
                mean += v;
            }
            mean /= x[i].length;
            double variance = 0;
            for (float v : x[i]) {
                variance += (v - mean) * (v - mean);
            }
            variance /= x[i].length;
            out[i] = new float[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                out[i][j] = (float) ((x[i][j] - mean) / Math.sqrt(variance + config.layerNormEpsilon()) * gain[j] + bias[j]);
            }
        }
        return out;
    }

    /** HF Conv1D: y = x · W + b with W stored [in, out]. */
    private static float[][] conv1d(float[][] x, float[] weight, float[] bias, int outputs) {
        int inputs = x[0].length;
        float[][] y = new float[x.length][outputs];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < outputs; o++) {
                double sum = bias[o];
                for (int k = 0; k < inputs; k++) {
                    sum += x[i][k] * weight[k * outputs + o];
                }
                y[i][o] = (float) sum;
            }
        }
        return y;
    }

    private static void add(float[][] x, float[][] y) {
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] += y[i][j];
            }
        }
    }

    private float[] w(String name) {
        float[] array = weights.get(name);
        if (array == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return array;
    }
}
