package io.boxoffice.llm.generation;

/** The scheduler's waiting queue is full; the caller should retry later (gRPC RESOURCE_EXHAUSTED). */
public final class QueueFullException extends Exception {

    public QueueFullException(int capacity) {
        super("the generation queue is full (" + capacity + " requests waiting); retry later"
                + " or raise boxoffice.llm.scheduler.queue-capacity");
    }
}
