package io.boxoffice.verifier.check;

import java.util.Objects;

/**
 * One broken property, with enough words for a human to start debugging.
 *
 * @param property which check failed, for example {@code linearizability} or {@code no-double-booking}
 * @param subject  what it concerns: a seat, a booking id, a node
 * @param detail   what was seen
 */
public record Violation(String property, String subject, String detail) {

    public static final String LINEARIZABILITY = "linearizability";
    public static final String NO_DOUBLE_BOOKING = "no-double-booking";
    public static final String ACKNOWLEDGED_WRITES_DURABLE = "acknowledged-writes-durable";
    public static final String REPLICAS_IDENTICAL = "replicas-identical";
    public static final String HOLDS_EXPIRE = "holds-expire";
    public static final String SEAT_MAP_MATCHES_RECORDS = "seat-map-matches-records";
    /** A pod whose volume was lost did not come back as a new voter with its old member id removed. */
    public static final String MEMBERS_REPLACED = "members-replaced";
    /** After healing, the configuration does not hold exactly one caught-up voter per pod. */
    public static final String MEMBERSHIP_SETTLES = "membership-settles";
    /** A node process exited without the fault injector stopping it (a crash, an assertion). */
    public static final String NODES_STAY_UP = "nodes-stay-up";

    public Violation {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(detail, "detail");
    }

    @Override
    public String toString() {
        return property + " [" + subject + "]: " + detail;
    }
}
