package io.boxoffice.raft.sim.driver;

import java.util.PriorityQueue;

/**
 * Simulated time and the actions due at a simulated millisecond (message deliveries, snapshot chunks, snapshot
 * writes), in the order they were scheduled when they fall on the same millisecond, so a seed replays exactly.
 */
final class EventQueue {

    private record Event(long atMillis, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atMillis, other.atMillis);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long nowMillis;
    private long sequence;

    long nowMillis() {
        return nowMillis;
    }

    void advance() {
        nowMillis++;
    }

    /** Runs {@code action} at {@code atMillis}, but never in the millisecond being run (so {@link #runDue} ends). */
    void at(long atMillis, Runnable action) {
        events.add(new Event(Math.max(atMillis, nowMillis + 1), sequence++, action));
    }

    /** Runs every action due by now; actions they schedule run in a later millisecond. */
    void runDue() {
        while (!events.isEmpty() && events.peek().atMillis <= nowMillis) {
            events.poll().action.run();
        }
    }
}
