package io.boxoffice.llm.generation;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits according to {@link SamplingParams}. One instance per sequence, holding
 * that sequence's random generator, so a seeded sequence is reproducible whatever else is decoded
 * in the same batch. Not thread-safe.
 */
public final class TokenSampler {

    private final SamplingParams params;
    private final SplittableRandom random;

    public TokenSampler(SamplingParams params, long seed) {
        this.params = params;
        this.random = new SplittableRandom(seed);
    }

    public int sample(float[] logits) {
        if (params.isGreedy()) {
            return argmax(logits);
        }
        double[] probabilities = softmax(logits, params.temperature());
        int[] candidates = candidates(probabilities);
        return draw(probabilities, candidates);
    }

    /** Index of the largest logit; the lowest index wins a tie. */
    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    static double[] softmax(float[] logits, float temperature) {
        float max = logits[argmax(logits)];
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / (double) temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The tokens allowed by top-k then top-p, most likely first; null means the whole vocabulary. */
    private int[] candidates(double[] p) {
        int[] sorted = null;
        if (params.topK() > 0 && params.topK() < p.length) {
            sorted = topK(p, params.topK());
        }
        if (params.usesTopP()) {
            if (sorted == null) {
                sorted = smallestSortedSetReaching(p, params.topP());
            }
            sorted = nucleus(p, sorted, params.topP());
        }
        return sorted;
    }

    private static int[] topK(double[] p, int k) {
        PriorityQueue<Integer> heap = new PriorityQueue<>(k + 1, (a, b) -> Double.compare(p[a], p[b]) != 0 ? Double.compare(p[a], p[b]) : Integer.compare(b, a));
        for (int i = 0; i < p.length; i++) {
            heap.add(i);
            if (heap.size() > k) {
                heap.poll();
            }
        }
        return sortedByProbability(p, heap.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The most likely tokens, sorted, whose probabilities sum to at least {@code mass}: tokens are
     * collected above a falling threshold, so the usual case sorts a few hundred tokens, not 50k.
     * Exact, because every token left out is less likely than every token kept.
     */
    private static int[] smallestSortedSetReaching(double[] p, double mass) {
        for (double threshold = 1e-3; threshold > 1e-12; threshold /= 10) {
            double kept = 0;
            int count = 0;
            for (double value : p) {
                if (value >= threshold) {
                    kept += value;
                    count++;
                }
            }
            if (kept >= mass) {
                int[] ids = new int[count];
                int n = 0;
                for (int i = 0; i < p.length; i++) {
                    if (p[i] >= threshold) {
                        ids[n++] = i;
                    }
                }
                return sortedByProbability(p, ids);
            }
        }
        int[] all = new int[p.length];
        Arrays.setAll(all, i -> i);
        return sortedByProbability(p, all);
    }

    /** The shortest prefix of {@code sorted} whose probability, renormalised over {@code sorted}, reaches {@code topP}. */
    private static int[] nucleus(double[] p, int[] sorted, double topP) {
        double total = 0;
        for (int id : sorted) {
            total += p[id];
        }
        double cumulative = 0;
        for (int i = 0; i < sorted.length; i++) {
            cumulative += p[sorted[i]] / total;
            if (cumulative >= topP) {
                return Arrays.copyOf(sorted, i + 1);
            }
        }
        return sorted;
    }

    private static int[] sortedByProbability(double[] p, int[] ids) {
        return Arrays.stream(ids).boxed()
                .sorted((a, b) -> Double.compare(p[b], p[a]) != 0 ? Double.compare(p[b], p[a]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
    }

    private int draw(double[] p, int[] candidates) {
        if (candidates == null) {
            double target = random.nextDouble();
            double cumulative = 0;
            for (int i = 0; i < p.length; i++) {
                cumulative += p[i];
                if (target < cumulative) {
                    return i;
                }
            }
            return argmaxOf(p);
        }
        double total = 0;
        for (int id : candidates) {
            total += p[id];
        }
        double target = random.nextDouble() * total;
        double cumulative = 0;
        for (int id : candidates) {
            cumulative += p[id];
            if (target < cumulative) {
                return id;
            }
        }
        return candidates[0];
    }

    private static int argmaxOf(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }
}
