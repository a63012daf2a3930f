package io.boxoffice.verifier.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded plan of faults of one run: pure, so {@code --seed} replays the same plan. Faults do not
 * overlap: each starts after the previous one healed plus a quiet gap in which the cluster may recover.
 *
 * @param seed            the run's seed
 * @param kinds           faults to draw from (uniformly)
 * @param durationMillis  length of the workload
 * @param faultMillisMin  shortest fault
 * @param faultMillisMax  longest fault
 * @param gapMillisMin    shortest quiet gap between two faults
 * @param gapMillisMax    longest quiet gap
 */
public record NemesisSchedule(long seed, List<FaultKind> kinds, long durationMillis, long faultMillisMin,
                              long faultMillisMax, long gapMillisMin, long gapMillisMax) {

    public NemesisSchedule {
        kinds = List.copyOf(kinds);
        if (faultMillisMin <= 0 || faultMillisMax < faultMillisMin || gapMillisMin < 0 || gapMillisMax < gapMillisMin) {
            throw new IllegalArgumentException("fault and gap bounds must be positive and ordered: fault "
                    + faultMillisMin + ".." + faultMillisMax + ", gap " + gapMillisMin + ".." + gapMillisMax);
        }
    }

    /** The faults that start before the end of the workload, in start order. */
    public List<FaultEvent> plan() {
        SplittableRandom random = new SplittableRandom(seed);
        List<FaultEvent> events = new ArrayList<>();
        if (kinds.isEmpty()) {
            return events;
        }
        long at = between(random, gapMillisMin, gapMillisMax);
        while (true) {
            FaultKind kind = kinds.get(random.nextInt(kinds.size()));
            long duration = between(random, faultMillisMin, faultMillisMax);
            long choice = random.nextLong() & Long.MAX_VALUE;
            if (at + duration > durationMillis) {
                return events;
            }
            events.add(new FaultEvent(at, kind, duration, choice));
            at += duration + between(random, gapMillisMin, gapMillisMax);
        }
    }

    private static long between(SplittableRandom random, long min, long max) {
        return min == max ? min : min + random.nextLong(max - min + 1);
    }
}
