package io.boxoffice.raft.core;

/**
 * A single-server membership change (dissertation §4.1). Only one may be uncommitted at a time,
 * which keeps any two consecutive configurations' majorities overlapping.
 */
public sealed interface ConfigChange {

    /** Adds a non-voting learner that receives the log but is not counted in any quorum. */
    record AddLearner(String id, String address) implements ConfigChange {
    }

    /** Turns a learner into a voter. The leader refuses unless the learner has caught up. */
    record Promote(String id) implements ConfigChange {
    }

    /** Removes a voter or learner. A removed leader steps down once the change commits. */
    record Remove(String id) implements ConfigChange {
    }
}
