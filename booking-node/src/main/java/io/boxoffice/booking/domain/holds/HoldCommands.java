package io.boxoffice.booking.domain.holds;

import io.boxoffice.booking.domain.Actors;
import io.boxoffice.booking.domain.BookingLimits;
import io.boxoffice.booking.domain.CommandOutcome;
import io.boxoffice.booking.domain.Context;
import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.domain.RejectedException;
import io.boxoffice.booking.domain.audit.AuditLog;
import io.boxoffice.booking.domain.catalog.Catalog;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.booking.domain.seats.Occupancy;
import io.boxoffice.booking.domain.seats.SeatPicker;
import io.boxoffice.booking.domain.users.Users;
import io.boxoffice.proto.replicated.v1.Actor;
import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import io.boxoffice.proto.replicated.v1.EventKind;
import io.boxoffice.proto.replicated.v1.ExtendHold;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldSeats;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import io.boxoffice.proto.replicated.v1.OccupantRecord;
import io.boxoffice.proto.replicated.v1.ReleaseHold;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.SeatLineRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Seat holds: create (all or nothing), extend up to the cap, release, and expire — at the expiry the
 * leader stamped into the hold, decided inside the replicated state so every replica frees the seat at
 * the same log position. Each handler validates everything before it writes anything.
 */
public final class HoldCommands {

    /** Holds expired by one command at most, besides those on the seats the command itself wants. */
    public static final int EXPIRED_PER_COMMAND_MAX = 10_000;
    public static final String EXPIRY_REASON = "expired: not confirmed before the hold's expiry";

    private final Holds holds;
    private final Catalog catalog;
    private final Occupancy occupancy;
    private final SeatPicker picker;
    private final Users users;
    private final AuditLog audit;
    private final BookingLimits limits;

    public HoldCommands(Holds holds, Catalog catalog, Occupancy occupancy, Users users, AuditLog audit,
                        BookingLimits limits) {
        this.holds = holds;
        this.catalog = catalog;
        this.occupancy = occupancy;
        this.picker = new SeatPicker(occupancy);
        this.users = users;
        this.audit = audit;
        this.limits = limits;
    }

    public SeatPicker picker() {
        return picker;
    }

    // ---------------------------------------------------------------- expiry

    /** Expires every active hold due at the command's time (up to {@link #EXPIRED_PER_COMMAND_MAX}). */
    public int expireDue(Context context) {
        List<HoldRecord> due = holds.due(context.nowMillis(), EXPIRED_PER_COMMAND_MAX);
        due.forEach(hold -> expire(context, hold));
        return due.size();
    }

    /** Expires the due holds of one show, however many (at most its seat count): before seats are picked. */
    public int expireDueOfShow(Context context, String showId) {
        int count = 0;
        for (HoldRecord hold : holds.activeOfShow(showId)) {
            if (hold.getExpiresAtMillis() <= context.nowMillis()) {
                expire(context, hold);
                count++;
            }
        }
        return count;
    }

    /** The event carries the hold's own expiry time, so every replica records the same. */
    private void expire(Context context, HoldRecord hold) {
        HoldRecord expired = hold.toBuilder().setState(HoldState.HOLD_STATE_EXPIRED).setStatusReason(EXPIRY_REASON)
                .setUpdatedAtMillis(hold.getExpiresAtMillis()).build();
        end(context, hold, expired, EventKind.EVENT_KIND_HOLD_EXPIRED, EXPIRY_REASON, hold.getExpiresAtMillis(),
                Actors.SYSTEM_USER_ID);
    }

    // ---------------------------------------------------------------- hold, extend, release

    public CommandOutcome holdSeats(Context context, HoldSeats command) {
        context.requireUser();
        String holdId = context.newEntityId("hld_");
        ShowRecord show = requireShow(command.getShowId());
        SeatLayout layout = catalog.layout(show.getScreenId());
        SeatPicker.requireWellFormed(command.getSeats(), layout, limits.seatsPerHoldMax());
        SeatPicker.requireBookable(context, show);
        int activeHolds = holds.activeCountOfUser(context.actorUserId());
        if (activeHolds >= limits.activeHoldsPerUserMax()) {
            throw RejectedException.resourceExhausted("you already have " + activeHolds
                    + " active holds, the most allowed; confirm or release one first");
        }
        if (holds.get(holdId).isPresent()) {
            throw RejectedException.alreadyExists("id " + holdId + " exists already (new_id reused)");
        }
        long userRef = userRef(context.actor());
        int[] seats;
        try {
            seats = picker.pick(show, layout, command.getSeats());
        } catch (RejectedException taken) {
            throw taken.withConsequence("nothing was held");
        }
        List<SeatLineRecord> lines = seatLines(layout, seats);
        long expiresAt = Math.min(context.nowMillis() + limits.holdDurationMillis(), show.getStartsAtMillis());
        long maxExpiresAt = Math.min(context.nowMillis() + limits.holdLifetimeMaxMillis(), show.getStartsAtMillis());
        HoldRecord hold = HoldRecord.newBuilder().setId(holdId).setRef(context.ref())
                .setUserId(context.actorUserId()).setShowId(show.getId()).addAllSeats(lines)
                .setAmount(total(layout, lines)).setState(HoldState.HOLD_STATE_ACTIVE)
                .setCreatedAtMillis(context.nowMillis()).setUpdatedAtMillis(context.nowMillis())
                .setExpiresAtMillis(expiresAt).setMaxExpiresAtMillis(maxExpiresAt).build();
        occupancy.occupy(show.getId(), layout.seatCount(), seats, OccupantRecord.newBuilder().setHold(true)
                .setId(holdId).setRef(context.ref()).setUserId(context.actorUserId()).setUserRef(userRef).build());
        holds.put(hold, null);
        audit.record(context, event(context, EventKind.EVENT_KIND_HELD, hold).addAllSeatIds(seatIds(lines))
                .setUntilMillis(expiresAt));
        return CommandOutcome.of(ResultKind.RESULT_KIND_HOLD, hold);
    }

    public CommandOutcome extendHold(Context context, ExtendHold command) {
        context.requireUser();
        HoldRecord hold = requireOwnActive(context, command.getHoldId());
        long extendedTo = Math.min(context.nowMillis() + limits.holdDurationMillis(), hold.getMaxExpiresAtMillis());
        if (extendedTo <= hold.getExpiresAtMillis()) {
            throw RejectedException.failedPrecondition("hold " + hold.getId() + " already runs until "
                    + Instant.ofEpochMilli(hold.getExpiresAtMillis()) + " and cannot be extended beyond "
                    + Instant.ofEpochMilli(hold.getMaxExpiresAtMillis()) + " in one go or in total");
        }
        HoldRecord extended = hold.toBuilder().setExpiresAtMillis(extendedTo).setUpdatedAtMillis(context.nowMillis())
                .build();
        holds.put(extended, hold);
        audit.record(context, event(context, EventKind.EVENT_KIND_EXTENDED, hold).setUntilMillis(extendedTo));
        return CommandOutcome.of(ResultKind.RESULT_KIND_HOLD, extended);
    }

    public CommandOutcome releaseHold(Context context, ReleaseHold command) {
        context.requireUser();
        HoldRecord hold = requireOwnActive(context, command.getHoldId());
        String reason = "released by " + context.actorUserId();
        HoldRecord released = hold.toBuilder().setState(HoldState.HOLD_STATE_RELEASED).setStatusReason(reason)
                .setUpdatedAtMillis(context.nowMillis()).build();
        end(context, hold, released, EventKind.EVENT_KIND_HOLD_RELEASED, reason, context.nowMillis(),
                context.actorUserId());
        return CommandOutcome.of(ResultKind.RESULT_KIND_HOLD, released);
    }

    /** Releases every active hold of a cancelled show. */
    public void releaseAllOfShow(Context context, String showId) {
        for (HoldRecord hold : holds.activeOfShow(showId)) {
            HoldRecord released = hold.toBuilder().setState(HoldState.HOLD_STATE_RELEASED)
                    .setStatusReason("show cancelled").setUpdatedAtMillis(context.nowMillis()).build();
            end(context, hold, released, EventKind.EVENT_KIND_HOLD_RELEASED, "show cancelled", context.nowMillis(),
                    context.actorUserId());
        }
    }

    /**
     * Ends an active hold with {@code ended} (released, expired or confirmed is the caller's choice of
     * state; confirmations record their own event): frees its seats and records the event.
     */
    private void end(Context context, HoldRecord hold, HoldRecord ended, EventKind kind, String reason, long atMillis,
                     String actorUserId) {
        freeSeats(hold);
        holds.put(ended, hold);
        audit.record(context, event(context, kind, hold).setAtMillis(atMillis).setActorUserId(actorUserId)
                .addAllSeatIds(seatIds(hold.getSeatsList())).setReason(reason));
    }

    /** Frees the seats an active hold occupies (for confirmations, which give them to a booking next). */
    public void freeSeats(HoldRecord hold) {
        ShowRecord show = catalog.show(hold.getShowId()).orElseThrow();
        SeatLayout layout = catalog.layout(show.getScreenId());
        occupancy.vacate(show.getId(), layout.seatCount(), seatIndexes(layout, hold.getSeatsList()), hold.getRef());
    }

    // ---------------------------------------------------------------- shared with checkout

    public ShowRecord requireShow(String showId) {
        requireId(showId, "show_id");
        return catalog.show(showId).orElseThrow(() -> RejectedException.notFound("no show '"
                + FieldLimits.echo(showId) + "'"));
    }

    /** The caller's hold (or any hold for an admin); someone else's is reported as not found. */
    public HoldRecord requireOwn(Context context, String holdId) {
        requireId(holdId, "hold_id");
        HoldRecord hold = holds.get(holdId).orElse(null);
        if (hold == null || !(hold.getUserId().equals(context.actorUserId()) || context.isAdmin())) {
            throw RejectedException.notFound("no hold '" + FieldLimits.echo(holdId) + "'");
        }
        return hold;
    }

    private HoldRecord requireOwnActive(Context context, String holdId) {
        HoldRecord hold = requireOwn(context, holdId);
        if (hold.getState() != HoldState.HOLD_STATE_ACTIVE) {
            throw RejectedException.failedPrecondition(notActiveMessage(hold));
        }
        return hold;
    }

    public static String notActiveMessage(HoldRecord hold) {
        return switch (hold.getState()) {
            case HOLD_STATE_EXPIRED -> "hold " + hold.getId() + " expired at "
                    + Instant.ofEpochMilli(hold.getExpiresAtMillis());
            case HOLD_STATE_RELEASED -> "hold " + hold.getId() + " was released (" + hold.getStatusReason() + ")";
            case HOLD_STATE_CONFIRMED -> "hold " + hold.getId() + " is already confirmed as booking "
                    + hold.getBookingId();
            default -> throw new IllegalStateException("hold " + hold.getId() + " has state " + hold.getState());
        };
    }

    public static void requireId(String id, String field) {
        if (id.isEmpty() || id.length() > FieldLimits.ID_LENGTH_MAX) {
            throw RejectedException.invalidArgument(field, field + " is required (1.." + FieldLimits.ID_LENGTH_MAX
                    + " characters)");
        }
    }

    /** The ref of the acting user (0 for the system), for seat occupancy. */
    public long userRef(Actor actor) {
        return users.get(actor.getUserId()).map(user -> user.getRef()).orElse(0L);
    }

    public static List<SeatLineRecord> seatLines(SeatLayout layout, int[] seats) {
        List<SeatLineRecord> lines = new ArrayList<>(seats.length);
        for (int seat : seats) {
            lines.add(SeatLineRecord.newBuilder().setSeatId(layout.seatIdAt(seat)).setCategory(layout.categoryAt(seat))
                    .setPrice(layout.priceAt(seat)).build());
        }
        return lines;
    }

    public static MoneyRecord total(SeatLayout layout, List<SeatLineRecord> lines) {
        MoneyRecord amount = Moneys.zero(layout.currency());
        for (SeatLineRecord line : lines) {
            amount = Moneys.add(amount, line.getPrice());
        }
        return amount;
    }

    public static List<String> seatIds(List<SeatLineRecord> lines) {
        return lines.stream().map(SeatLineRecord::getSeatId).toList();
    }

    public static int[] seatIndexes(SeatLayout layout, List<SeatLineRecord> lines) {
        int[] indexes = new int[lines.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = layout.requireSeat(lines.get(i).getSeatId(), "seat");
        }
        return indexes;
    }

    private static AuditEventRecord.Builder event(Context context, EventKind kind, HoldRecord hold) {
        return AuditEventRecord.newBuilder().setKind(kind).setAtMillis(context.nowMillis())
                .setActorUserId(context.actorUserId()).setShowId(hold.getShowId()).setHoldId(hold.getId());
    }
}
