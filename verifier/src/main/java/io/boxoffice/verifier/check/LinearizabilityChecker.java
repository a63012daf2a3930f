package io.boxoffice.verifier.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Decides whether one seat's history is linearizable with respect to {@link SeatModel}: the Wing–Gong
 * search as improved by Lowe ("Testing for linearizability", 2017) and used by Porcupine. Calls and returns
 * are kept in one time-ordered linked list; the search repeatedly linearizes a pending call whose model
 * step succeeds (removing it and its return from the list), and backtracks when it meets the return of an
 * operation it has not linearized. A cache of (set of linearized operations, possible seat values) pairs
 * already explored prunes the search, which makes it polynomial on the histories real systems produce.
 *
 * <p>Operations with an unknown outcome may be linearized anywhere between their invocation and the end of
 * their effect window (their "return", infinite unless the projection bounds it), or never: when the search
 * reaches the end of the window of one it has not placed, it decides that the operation never took effect,
 * a choice undone on backtracking like any other. An unknown operation is only placed where
 * it changes the seat's possible values: placed where it changes nothing, it is indistinguishable from never
 * applied, and placing it would only add orders to backtrack through.
 *
 * <p>The cache identifies a set of linearized operations by two independent 64-bit Zobrist hashes, updated
 * in constant time per step; a false match needs a 128-bit collision.
 *
 * <p>Pure and single-threaded; one instance may check many partitions one after the other.
 */
public final class LinearizabilityChecker {

    private static final int CONTEXT_OPERATIONS = 12;

    private final SeatModel model;
    private final long searchStepsMax;

    /**
     * @param model          the seat's specification
     * @param searchStepsMax steps after which a partition is declared {@link PartitionResult.Verdict#INCONCLUSIVE}
     */
    public LinearizabilityChecker(SeatModel model, long searchStepsMax) {
        if (searchStepsMax <= 0) {
            throw new IllegalArgumentException("searchStepsMax must be positive, got " + searchStepsMax);
        }
        this.model = model;
        this.searchStepsMax = searchStepsMax;
    }

    /** Checks one partition; the operations' ids are reassigned to their positions in {@code history}. */
    public PartitionResult check(String partition, List<SeatOperation> history) {
        long startNanos = System.nanoTime();
        SeatOperation[] operations = new SeatOperation[history.size()];
        int unknown = 0;
        for (int i = 0; i < operations.length; i++) {
            operations[i] = history.get(i).withId(i);
            if (operations[i].unknown()) {
                unknown++;
            }
        }
        Search search = new Search(operations);
        search.run();
        PartitionResult.Verdict verdict = search.verdict;
        long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
        if (verdict == PartitionResult.Verdict.NOT_LINEARIZABLE) {
            return new PartitionResult(partition, verdict, operations.length, unknown, search.steps, elapsedMillis,
                    search.longestPrefix, search.blocking, search.contextAtLongest, search.valuesAtLongest);
        }
        return new PartitionResult(partition, verdict, operations.length, unknown, search.steps, elapsedMillis,
                verdict == PartitionResult.Verdict.LINEARIZABLE ? operations.length : search.longestPrefix, null,
                List.of(), Set.of());
    }

    /** A call or return in the time-ordered list. */
    private static final class Entry {
        final int operation;
        final boolean call;
        final long timeNanos;
        Entry match;
        Entry previous;
        Entry next;

        Entry(int operation, boolean call, long timeNanos) {
            this.operation = operation;
            this.call = call;
            this.timeNanos = timeNanos;
        }
    }

    private record CacheKey(long hashLow, long hashHigh, Set<SeatValue> values) {
    }

    /** A choice to undo on backtracking: {@code call} was linearized, or (dropped) decided never applied. */
    private record Frame(Entry call, Set<SeatValue> valuesBefore, boolean dropped) {
    }

    private final class Search {
        private final SeatOperation[] operations;
        private final long[] zobristLow;
        private final long[] zobristHigh;
        private final Entry head = new Entry(-1, true, Long.MIN_VALUE);
        private final ArrayDeque<Frame> calls = new ArrayDeque<>();
        private final HashSet<CacheKey> cache = new HashSet<>();
        private long hashLow;
        private long hashHigh;
        private Set<SeatValue> values = SeatModel.initial();

        PartitionResult.Verdict verdict;
        long steps;
        int longestPrefix = -1;
        SeatOperation blocking;
        List<SeatOperation> contextAtLongest = List.of();
        Set<SeatValue> valuesAtLongest = Set.of();

        Search(SeatOperation[] operations) {
            this.operations = operations;
            this.zobristLow = new long[operations.length];
            this.zobristHigh = new long[operations.length];
            // Fixed seed: the same history always explores the same way.
            SplittableRandom random = new SplittableRandom(0x5EA7_C0DEL);
            for (int i = 0; i < operations.length; i++) {
                zobristLow[i] = random.nextLong();
                zobristHigh[i] = random.nextLong();
            }
            buildEntryList();
        }

        private void buildEntryList() {
            List<Entry> entries = new ArrayList<>(operations.length * 2);
            for (SeatOperation operation : operations) {
                Entry call = new Entry(operation.id(), true, operation.invokeNanos());
                Entry ret = new Entry(operation.id(), false, operation.returnNanos());
                call.match = ret;
                ret.match = call;
                entries.add(call);
                entries.add(ret);
            }
            // At equal times calls come first: touching operations count as concurrent (the permissive choice).
            entries.sort(Comparator.comparingLong((Entry entry) -> entry.timeNanos)
                    .thenComparing(entry -> entry.call ? 0 : 1)
                    .thenComparingInt(entry -> entry.operation));
            Entry previous = head;
            for (Entry entry : entries) {
                previous.next = entry;
                entry.previous = previous;
                previous = entry;
            }
        }

        void run() {
            Entry entry = head.next;
            while (head.next != null) {
                if (++steps > searchStepsMax) {
                    verdict = PartitionResult.Verdict.INCONCLUSIVE;
                    return;
                }
                if (entry.call) {
                    entry = tryLinearize(entry) ? head.next : entry.next;
                    continue;
                }
                if (operations[entry.operation].unknown() && tryDrop(entry.match)) {
                    entry = head.next;
                    continue;
                }
                if (!operations[entry.operation].unknown()) {
                    noteDeadEnd(entry);
                }
                entry = backtrack();
                if (entry == null) {
                    verdict = PartitionResult.Verdict.NOT_LINEARIZABLE;
                    return;
                }
            }
            verdict = PartitionResult.Verdict.LINEARIZABLE;
        }

        /**
         * At the end of an unknown operation's effect window: decide it never took effect (unless that state
         * was explored already). Backtracking undoes the decision like a linearization.
         */
        private boolean tryDrop(Entry call) {
            int operation = call.operation;
            CacheKey key = new CacheKey(hashLow ^ zobristLow[operation], hashHigh ^ zobristHigh[operation], values);
            if (!cache.add(key)) {
                return false;
            }
            calls.push(new Frame(call, values, true));
            toggle(operation);
            lift(call);
            return true;
        }

        /** Undoes the last choice and returns the entry to continue from, or null when no choice is left. */
        private Entry backtrack() {
            while (!calls.isEmpty()) {
                Frame frame = calls.pop();
                values = frame.valuesBefore();
                toggle(frame.call().operation);
                unlift(frame.call());
                if (!frame.dropped()) {
                    return frame.call().next;
                }
                // A drop was the only choice left at its return entry: keep undoing.
            }
            return null;
        }

        /** Linearizes {@code call} now if the model allows it and the resulting state is new. */
        private boolean tryLinearize(Entry call) {
            SeatOperation candidate = operations[call.operation];
            Set<SeatValue> after = model.step(values, candidate);
            if (after.isEmpty()) {
                return false;
            }
            if (candidate.unknown() && after.equals(values)) {
                // An unknown operation that changes nothing here is the same as one never applied, which the
                // search allows anyway; placing it would only multiply the orders to backtrack through.
                return false;
            }
            int operation = call.operation;
            CacheKey key = new CacheKey(hashLow ^ zobristLow[operation], hashHigh ^ zobristHigh[operation], after);
            if (!cache.add(key)) {
                return false;
            }
            calls.push(new Frame(call, values, false));
            values = after;
            toggle(operation);
            lift(call);
            return true;
        }

        private void toggle(int operation) {
            hashLow ^= zobristLow[operation];
            hashHigh ^= zobristHigh[operation];
        }

        private void noteDeadEnd(Entry ret) {
            if (calls.size() <= longestPrefix) {
                return;
            }
            longestPrefix = calls.size();
            blocking = operations[ret.operation];
            valuesAtLongest = values;
            List<SeatOperation> context = new ArrayList<>(CONTEXT_OPERATIONS);
            var frames = calls.iterator();
            while (frames.hasNext() && context.size() < CONTEXT_OPERATIONS) {
                context.add(0, operations[frames.next().call().operation]);
            }
            contextAtLongest = List.copyOf(context);
        }

        private static void lift(Entry call) {
            call.previous.next = call.next;
            call.next.previous = call.previous;
            Entry ret = call.match;
            ret.previous.next = ret.next;
            if (ret.next != null) {
                ret.next.previous = ret.previous;
            }
        }

        private static void unlift(Entry call) {
            Entry ret = call.match;
            ret.previous.next = ret;
            if (ret.next != null) {
                ret.next.previous = ret;
            }
            call.previous.next = call;
            call.next.previous = call;
        }
    }
}
