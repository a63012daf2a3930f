package io.boxoffice.booking.domain;

import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.booking.domain.holds.BestAvailable;
import io.boxoffice.booking.domain.payment.RefundPolicy;
import io.boxoffice.proto.booking.v1.Actor;
import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.ConfirmHold;
import io.boxoffice.proto.booking.v1.ExpiredHolds;
import io.boxoffice.proto.booking.v1.PaymentOutcome;
import io.boxoffice.proto.booking.v1.PaymentOutcomeStatus;
import io.boxoffice.proto.booking.v1.RegisterUser;
import io.boxoffice.proto.booking.v1.Rejection;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.booking.v1.UserRecord;
import io.boxoffice.proto.v1.AuditEvent;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Payment;
import io.boxoffice.proto.v1.PaymentStatus;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.Refund;
import io.boxoffice.proto.v1.RefundKind;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateScreenRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.regex.Pattern;

/**
 * The booking rules: one handler per command kind. Each handler validates everything first (throwing
 * {@link RejectedException}, which leaves the state untouched) and then changes the state. The few
 * rejections that must still record something (a declined or refunded payment) are returned, not thrown.
 *
 * <p>Not thread-safe: owned by the Raft driver thread.
 */
final class CommandApplier {

    static final String EXPIRY_REASON = "expired: not confirmed before the hold's expiry";

    private static final Pattern NEW_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{3,32}");
    private static final Set<String> GRANTABLE_ROLES = Set.of(Actors.ROLE_USER, Actors.ROLE_ADMIN);
    private static final int PASSWORD_HASH_LENGTH_MAX = 1024;
    private static final int TITLE_LENGTH_MAX = 200;
    private static final int DESCRIPTION_LENGTH_MAX = 4000;
    private static final int DURATION_MINUTES_MAX = 1000;
    private static final int AGE_RATING_LENGTH_MAX = 16;
    private static final int GENRES_MAX = 10;
    private static final int GENRE_LENGTH_MAX = 32;
    private static final int SCREEN_NAME_LENGTH_MAX = 100;
    private static final int REASON_LENGTH_MAX = 500;
    private static final int ID_LENGTH_MAX = 100;

    /** What every handler needs besides its payload. */
    record Context(long index, long nowMillis, Actor actor, String newId) {
        String actorUserId() {
            return actor.getUserId();
        }
    }

    private final BookingState state;
    private final BookingLimits limits;
    private final BookingViews views;

    CommandApplier(BookingState state, BookingLimits limits) {
        this.state = state;
        this.limits = limits;
        this.views = new BookingViews(state);
    }

    CommandResult handle(Context context, Command command, List<String> expiredHoldIds) {
        return switch (command.getKindCase()) {
            case REGISTER_USER -> registerUser(context, command.getRegisterUser());
            case CREATE_MOVIE -> createMovie(context, command.getCreateMovie());
            case UPDATE_MOVIE -> updateMovie(context, command.getUpdateMovie());
            case CREATE_SCREEN -> createScreen(context, command.getCreateScreen());
            case UPDATE_SCREEN -> updateScreen(context, command.getUpdateScreen());
            case CREATE_SHOW -> createShow(context, command.getCreateShow());
            case UPDATE_SHOW -> updateShow(context, command.getUpdateShow());
            case HOLD_SEATS -> holdSeats(context, command.getHoldSeats());
            case EXTEND_HOLD -> extendHold(context, command.getExtendHold());
            case RELEASE_HOLD -> releaseHold(context, command.getReleaseHold());
            case CONFIRM_HOLD -> confirmHold(context, command.getConfirmHold());
            case CANCEL_BOOKING -> cancelBooking(context, command.getCancelBooking());
            case ADMIN_REFUND -> adminRefund(context, command.getAdminRefund());
            case EXPIRE_HOLDS -> CommandResult.newBuilder()
                    .setExpiredHolds(ExpiredHolds.newBuilder().addAllHoldIds(expiredHoldIds)).build();
            case KIND_NOT_SET -> throw RejectedException.invalidArgument("kind", "the command has no kind");
        };
    }

    // ================================================================ expiry

    /**
     * Expires every active hold whose expiry is at or before {@code nowMillis}. The audit events carry
     * the hold's own expiry time, not the time of this command, so every replica records the same.
     */
    List<String> expireDueHolds(long index, long nowMillis) {
        List<String> expired = new ArrayList<>();
        for (Hold hold : state.dueHolds(nowMillis)) {
            String when = Instant.ofEpochMilli(hold.getExpiresAtMillis()).toString();
            AuditEvent event = AuditEvent.newBuilder().setAtMillis(hold.getExpiresAtMillis()).setLogIndex(index)
                    .setKind("EXPIRED").setActorUserId(Actors.SYSTEM_USER_ID).setHoldId(hold.getId())
                    .setMessage("hold " + hold.getId() + " expired at " + when + ": not confirmed in time")
                    .build();
            state.putHold(hold.toBuilder().setStatus(HoldStatus.HOLD_STATUS_EXPIRED).setStatusReason(EXPIRY_REASON)
                    .setUpdatedAtMillis(hold.getExpiresAtMillis()).addAudit(event).build());
            for (SeatLine seat : hold.getSeatsList()) {
                state.appendSeatEvent(hold.getShowId(), seat.getSeatId(), event.toBuilder()
                        .setMessage("seat free again: hold " + hold.getId() + " expired at " + when).build());
            }
            expired.add(hold.getId());
        }
        return expired;
    }

    // ================================================================ users and catalogue

    private CommandResult registerUser(Context context, RegisterUser command) {
        requireAdmin(context, "create users");
        requireNewId(context);
        if (!USERNAME.matcher(command.getUsername()).matches()) {
            throw RejectedException.invalidArgument("username",
                    "username must be 3..32 characters of [a-z0-9._-], was '" + command.getUsername() + "'");
        }
        if (command.getPasswordHash().isEmpty() || command.getPasswordHash().length() > PASSWORD_HASH_LENGTH_MAX) {
            throw RejectedException.invalidArgument("password_hash",
                    "password hash must be 1.." + PASSWORD_HASH_LENGTH_MAX + " characters");
        }
        List<String> roles = command.getRolesList().isEmpty() ? List.of(Actors.ROLE_USER) : command.getRolesList();
        Set<String> seen = new HashSet<>();
        for (int index = 0; index < roles.size(); index++) {
            String role = roles.get(index);
            if (!GRANTABLE_ROLES.contains(role)) {
                throw RejectedException.invalidArgument("roles[" + index + "]",
                        "role must be 'user' or 'admin', was '" + role + "'");
            }
            if (!seen.add(role)) {
                throw RejectedException.invalidArgument("roles[" + index + "]", "role '" + role + "' is listed twice");
            }
        }
        if (state.userIdByUsername.containsKey(command.getUsername())) {
            throw RejectedException.alreadyExists("username '" + command.getUsername() + "' is taken");
        }
        String id = newEntityId(context, "usr_", state.users);
        UserRecord user = UserRecord.newBuilder().setId(id).setUsername(command.getUsername())
                .setPasswordHash(command.getPasswordHash()).addAllRoles(roles)
                .setCreatedAtMillis(context.nowMillis()).build();
        state.putUser(user);
        return CommandResult.newBuilder().setUser(views.user(user)).build();
    }

    private CommandResult createMovie(Context context, CreateMovieRequest request) {
        requireAdmin(context, "create movies");
        requireNewId(context);
        requireTitle(request.getTitle(), "title", TITLE_LENGTH_MAX);
        requireDescription(request.getDescription());
        requireDuration(request.getDurationMinutes());
        requireAgeRating(request.getAgeRating());
        requireGenres(request.getGenresList());
        String id = newEntityId(context, "mov_", state.movies);
        Movie movie = Movie.newBuilder().setId(id).setTitle(request.getTitle().strip())
                .setDescription(request.getDescription()).setDurationMinutes(request.getDurationMinutes())
                .setAgeRating(request.getAgeRating()).addAllGenres(request.getGenresList())
                .setCreatedAtMillis(context.nowMillis()).setUpdatedAtMillis(context.nowMillis()).build();
        state.movies.put(id, movie);
        return CommandResult.newBuilder().setMovie(movie).build();
    }

    private CommandResult updateMovie(Context context, UpdateMovieRequest request) {
        requireAdmin(context, "update movies");
        Movie movie = requireMovie(request.getMovieId(), "movie_id");
        Movie.Builder updated = movie.toBuilder().setUpdatedAtMillis(context.nowMillis());
        if (request.hasTitle()) {
            requireTitle(request.getTitle(), "title", TITLE_LENGTH_MAX);
            updated.setTitle(request.getTitle().strip());
        }
        if (request.hasDescription()) {
            requireDescription(request.getDescription());
            updated.setDescription(request.getDescription());
        }
        if (request.hasDurationMinutes()) {
            requireDuration(request.getDurationMinutes());
            if (request.getDurationMinutes() > movie.getDurationMinutes()) {
                for (String showId : showIdsOfMovie(movie.getId())) {
                    Show show = state.shows.get(showId);
                    requireNoOverlap(show.getScreenId(), show.getStartsAtMillis(), request.getDurationMinutes(),
                            show.getId());
                }
            }
            updated.setDurationMinutes(request.getDurationMinutes());
        }
        if (request.hasAgeRating()) {
            requireAgeRating(request.getAgeRating());
            updated.setAgeRating(request.getAgeRating());
        }
        if (request.getReplaceGenres()) {
            requireGenres(request.getGenresList());
            updated.clearGenres().addAllGenres(request.getGenresList());
        } else if (request.getGenresCount() > 0) {
            throw RejectedException.invalidArgument("replace_genres",
                    "set replace_genres to true to replace the genres");
        }
        Movie result = updated.build();
        state.movies.put(result.getId(), result);
        return CommandResult.newBuilder().setMovie(result).build();
    }

    private CommandResult createScreen(Context context, CreateScreenRequest request) {
        requireAdmin(context, "create screens");
        requireNewId(context);
        requireTitle(request.getName(), "name", SCREEN_NAME_LENGTH_MAX);
        if (!request.hasLayout()) {
            throw RejectedException.invalidArgument("layout", "layout is required");
        }
        SeatLayout.validate(request.getLayout(), limits.seatsPerRowMax());
        String id = newEntityId(context, "scr_", state.screens);
        Screen screen = Screen.newBuilder().setId(id).setName(request.getName().strip()).setLayout(request.getLayout())
                .setCreatedAtMillis(context.nowMillis()).setUpdatedAtMillis(context.nowMillis()).build();
        state.putScreen(screen);
        return CommandResult.newBuilder().setScreen(screen).build();
    }

    private CommandResult updateScreen(Context context, UpdateScreenRequest request) {
        requireAdmin(context, "update screens");
        Screen screen = requireScreen(request.getScreenId(), "screen_id");
        Screen.Builder updated = screen.toBuilder().setUpdatedAtMillis(context.nowMillis());
        if (request.hasName()) {
            requireTitle(request.getName(), "name", SCREEN_NAME_LENGTH_MAX);
            updated.setName(request.getName().strip());
        }
        if (request.hasLayout()) {
            SeatLayout.validate(request.getLayout(), limits.seatsPerRowMax());
            boolean resized = request.getLayout().getRowCount() != screen.getLayout().getRowCount()
                    || request.getLayout().getSeatsPerRow() != screen.getLayout().getSeatsPerRow();
            int showCount = orEmpty(state.showIdsByScreenId.get(screen.getId())).size();
            if (resized && showCount > 0) {
                throw RejectedException.failedPrecondition("screen " + screen.getId() + " has " + showCount
                        + " show(s); its rows and seats per row cannot change (categories, prices and blocked"
                        + " seats can)");
            }
            updated.setLayout(request.getLayout());
        }
        Screen result = updated.build();
        state.putScreen(result);
        return CommandResult.newBuilder().setScreen(result).build();
    }

    private CommandResult createShow(Context context, CreateShowRequest request) {
        requireAdmin(context, "create shows");
        requireNewId(context);
        Movie movie = requireMovie(request.getMovieId(), "movie_id");
        requireScreen(request.getScreenId(), "screen_id");
        requireFutureStart(context, request.getStartsAtMillis());
        requireNoOverlap(request.getScreenId(), request.getStartsAtMillis(), movie.getDurationMinutes(), "");
        String id = newEntityId(context, "shw_", state.shows);
        Show show = Show.newBuilder().setId(id).setMovieId(movie.getId()).setScreenId(request.getScreenId())
                .setStartsAtMillis(request.getStartsAtMillis()).setStatus(ShowStatus.SHOW_STATUS_SCHEDULED)
                .setCreatedAtMillis(context.nowMillis()).setUpdatedAtMillis(context.nowMillis()).build();
        state.putShow(show);
        return CommandResult.newBuilder().setShow(views.show(show, context.nowMillis())).build();
    }

    private CommandResult updateShow(Context context, UpdateShowRequest request) {
        requireAdmin(context, "update shows");
        Show show = requireShow(request.getShowId(), "show_id");
        if (request.getCancel() == request.hasStartsAtMillis()) {
            throw RejectedException.invalidArgument("cancel", "give either starts_at_millis or cancel");
        }
        if (show.getStatus() == ShowStatus.SHOW_STATUS_CANCELLED) {
            throw RejectedException.failedPrecondition("show " + show.getId() + " is cancelled");
        }
        if (context.nowMillis() >= show.getStartsAtMillis()) {
            throw RejectedException.failedPrecondition("show " + show.getId() + " started at "
                    + Instant.ofEpochMilli(show.getStartsAtMillis()) + "; it can no longer change");
        }
        if (request.getCancel()) {
            requireNewId(context);
            return CommandResult.newBuilder().setShow(views.show(cancelShow(context, show), context.nowMillis()))
                    .build();
        }
        requireFutureStart(context, request.getStartsAtMillis());
        int durationMinutes = state.movies.get(show.getMovieId()).getDurationMinutes();
        requireNoOverlap(show.getScreenId(), request.getStartsAtMillis(), durationMinutes, show.getId());
        Show result = show.toBuilder().setStartsAtMillis(request.getStartsAtMillis())
                .setUpdatedAtMillis(context.nowMillis()).build();
        state.putShow(result);
        return CommandResult.newBuilder().setShow(views.show(result, context.nowMillis())).build();
    }

    /** Releases the show's holds and cancels its bookings with a full refund of what is left. */
    private Show cancelShow(Context context, Show show) {
        for (String holdId : List.copyOf(orEmpty(state.activeHoldIdsByShow.get(show.getId())))) {
            endHold(context, state.holds.get(holdId), HoldStatus.HOLD_STATUS_RELEASED, "show cancelled",
                    "RELEASED", "hold released: the show was cancelled");
        }
        int refundNumber = 0;
        for (BookingState.BookingOrder order : List.copyOf(
                orEmpty(state.bookingsByShow.get(show.getId())))) {
            Booking booking = state.bookings.get(order.bookingId());
            if (booking.getStatus() != BookingStatus.BOOKING_STATUS_CONFIRMED) {
                continue;
            }
            refundNumber++;
            long refundable = refundableMinor(booking);
            refundAndCancel(context, booking, refundable, RefundKind.REFUND_KIND_SHOW_CANCELLED, "show cancelled",
                    "ref_" + context.newId() + "_" + refundNumber);
        }
        Show result = show.toBuilder().setStatus(ShowStatus.SHOW_STATUS_CANCELLED)
                .setUpdatedAtMillis(context.nowMillis()).build();
        state.putShow(result);
        return result;
    }

    // ================================================================ holds

    private CommandResult holdSeats(Context context, HoldSeatsRequest request) {
        requireUser(context);
        requireNewId(context);
        boolean bySeatIds = request.getSeatIdsCount() > 0;
        if (bySeatIds == request.hasBestAvailable()) {
            throw RejectedException.invalidArgument("seat_ids", "give either seat_ids or best_available");
        }
        int count = bySeatIds ? request.getSeatIdsCount() : request.getBestAvailable().getCount();
        if (count < 1 || count > limits.seatsPerHoldMax()) {
            throw RejectedException.invalidArgument(bySeatIds ? "seat_ids" : "best_available.count",
                    "a hold covers 1.." + limits.seatsPerHoldMax() + " seats, asked for " + count);
        }
        Show show = requireShow(request.getShowId(), "show_id");
        SeatLayout layout = state.layoutOf(show.getScreenId());
        if (bySeatIds) {
            requireDistinctSeats(layout, request.getSeatIdsList());
        } else if (!request.getBestAvailable().getCategory().isEmpty()
                && !layout.hasCategory(request.getBestAvailable().getCategory())) {
            throw RejectedException.invalidArgument("best_available.category", "screen " + show.getScreenId()
                    + " has no category '" + request.getBestAvailable().getCategory() + "'; it has "
                    + String.join(", ", layout.categories()));
        }
        requireBookable(context, show);
        int activeHolds = orEmpty(state.activeHoldIdsByUser.get(context.actorUserId())).size();
        if (activeHolds >= limits.activeHoldsPerUserMax()) {
            throw RejectedException.resourceExhausted("you already have " + activeHolds
                    + " active holds, the most allowed; confirm or release one first");
        }
        List<String> seatIds = bySeatIds ? requireFree(show, layout, request.getSeatIdsList())
                : findBestAvailable(show, layout, count, request.getBestAvailable().getCategory());
        String id = newEntityId(context, "hld_", state.holds);
        List<SeatLine> seats = new ArrayList<>();
        Money amount = Moneys.zero(layout.currency());
        for (String seatId : seatIds) {
            SeatLine line = SeatLine.newBuilder().setSeatId(seatId).setCategory(layout.categoryOf(seatId))
                    .setPrice(layout.priceOf(seatId)).build();
            seats.add(line);
            amount = Moneys.add(amount, line.getPrice());
        }
        long expiresAt = Math.min(context.nowMillis() + limits.holdDurationMillis(), show.getStartsAtMillis());
        long maxExpiresAt = Math.min(context.nowMillis() + limits.holdLifetimeMaxMillis(), show.getStartsAtMillis());
        AuditEvent event = event(context, "HELD", "seats " + String.join(", ", seatIds) + " held until "
                + Instant.ofEpochMilli(expiresAt), id, "");
        Hold hold = Hold.newBuilder().setId(id).setUserId(context.actorUserId()).setShowId(show.getId())
                .addAllSeats(seats).setAmount(amount).setStatus(HoldStatus.HOLD_STATUS_ACTIVE)
                .setCreatedAtMillis(context.nowMillis()).setUpdatedAtMillis(context.nowMillis())
                .setExpiresAtMillis(expiresAt).setMaxExpiresAtMillis(maxExpiresAt).addAudit(event).build();
        state.putHold(hold);
        for (String seatId : seatIds) {
            state.appendSeatEvent(show.getId(), seatId, event.toBuilder().setMessage("held by hold " + id).build());
        }
        return CommandResult.newBuilder().setHold(views.hold(hold, false, context.nowMillis())).build();
    }

    private void requireDistinctSeats(SeatLayout layout, List<String> seatIds) {
        Set<String> seen = new HashSet<>();
        for (int index = 0; index < seatIds.size(); index++) {
            String field = "seat_ids[" + index + "]";
            layout.requireSeat(seatIds.get(index), field);
            if (!seen.add(seatIds.get(index))) {
                throw RejectedException.invalidArgument(field, "seat " + seatIds.get(index) + " is listed twice");
            }
        }
    }

    /** The seats if every one is free now; otherwise FAILED_PRECONDITION naming the taken ones. */
    private List<String> requireFree(Show show, SeatLayout layout, List<String> seatIds) {
        List<String> taken = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (String seatId : seatIds) {
            BookingState.Occupant occupant = state.occupantOf(show.getId(), seatId);
            if (occupant != null) {
                taken.add(seatId);
                described.add(seatId + (occupant.isHold() ? " (held)" : " (booked)"));
            } else if (layout.isBlocked(seatId)) {
                taken.add(seatId);
                described.add(seatId + " (blocked)");
            }
        }
        if (!taken.isEmpty()) {
            throw RejectedException.seatsTaken((taken.size() == 1 ? "seat " : "seats ") + String.join(", ", described)
                    + (taken.size() == 1 ? " is" : " are") + " not available; nothing was held", taken);
        }
        return seatIds;
    }

    private List<String> findBestAvailable(Show show, SeatLayout layout, int count, String category) {
        Optional<List<String>> found = BestAvailable.find(layout, count, category,
                seatId -> !layout.isBlocked(seatId) && state.occupantOf(show.getId(), seatId) == null);
        return found.orElseThrow(() -> RejectedException.failedPrecondition("no " + count + " adjacent free seats"
                + (category.isEmpty() ? "" : " in category '" + category + "'") + " in one row of show "
                + show.getId()));
    }

    private CommandResult extendHold(Context context, ExtendHoldRequest request) {
        requireUser(context);
        Hold hold = requireOwnHold(context, request.getHoldId());
        requireActive(hold);
        long extendedTo = Math.min(context.nowMillis() + limits.holdDurationMillis(), hold.getMaxExpiresAtMillis());
        if (extendedTo <= hold.getExpiresAtMillis()) {
            throw RejectedException.failedPrecondition("hold " + hold.getId() + " already runs until "
                    + Instant.ofEpochMilli(hold.getExpiresAtMillis()) + " and cannot be extended beyond "
                    + Instant.ofEpochMilli(hold.getMaxExpiresAtMillis()) + " in one go or in total");
        }
        AuditEvent event = event(context, "EXTENDED", "hold extended until " + Instant.ofEpochMilli(extendedTo),
                hold.getId(), "");
        Hold result = hold.toBuilder().setExpiresAtMillis(extendedTo).setUpdatedAtMillis(context.nowMillis())
                .addAudit(event).build();
        state.putHold(result);
        return CommandResult.newBuilder().setHold(views.hold(result, false, context.nowMillis())).build();
    }

    private CommandResult releaseHold(Context context, ReleaseHoldRequest request) {
        requireUser(context);
        Hold hold = requireOwnHold(context, request.getHoldId());
        requireActive(hold);
        Hold result = endHold(context, hold, HoldStatus.HOLD_STATUS_RELEASED, "released by " + context.actorUserId(),
                "RELEASED", "hold released");
        return CommandResult.newBuilder().setHold(views.hold(result, false, context.nowMillis())).build();
    }

    /** Ends an active hold (released or show cancelled), freeing its seats, with audit events. */
    private Hold endHold(Context context, Hold hold, HoldStatus status, String reason, String kind, String message) {
        AuditEvent event = event(context, kind, message + " (" + reason + ")", hold.getId(), "");
        Hold result = hold.toBuilder().setStatus(status).setStatusReason(reason)
                .setUpdatedAtMillis(context.nowMillis()).addAudit(event).build();
        state.putHold(result);
        for (SeatLine seat : hold.getSeatsList()) {
            state.appendSeatEvent(hold.getShowId(), seat.getSeatId(),
                    event.toBuilder().setMessage("seat free again: hold " + hold.getId() + " " + reason).build());
        }
        return result;
    }

    // ================================================================ payment and booking

    private CommandResult confirmHold(Context context, ConfirmHold command) {
        requireUser(context);
        requireNewId(context);
        requireId(command.getHoldId(), "hold_id");
        PaymentOutcome payment = command.getPayment();
        switch (payment.getStatus()) {
            case PAYMENT_OUTCOME_STATUS_TRANSIENT_FAILURE -> throw RejectedException.unavailable(
                    "the payment processor failed temporarily and nothing was charged; retry");
            case PAYMENT_OUTCOME_STATUS_CAPTURED, PAYMENT_OUTCOME_STATUS_DECLINED -> {
            }
            default -> throw RejectedException.invalidArgument("payment.status", "payment outcome is required");
        }
        if (payment.getPaymentId().isEmpty() || payment.getPaymentId().length() > ID_LENGTH_MAX) {
            throw RejectedException.invalidArgument("payment.payment_id",
                    "payment id must be 1.." + ID_LENGTH_MAX + " characters");
        }
        if (payment.getAmount().getAmountMinor() <= 0 || !Moneys.isValidCurrency(payment.getAmount().getCurrency())) {
            throw RejectedException.invalidArgument("payment.amount",
                    "payment amount must be positive with an ISO 4217 currency");
        }
        Hold hold = state.holds.get(command.getHoldId());
        boolean ownHold = hold != null && hold.getUserId().equals(context.actorUserId());
        String knownHoldId = state.holdIdByPaymentId.get(payment.getPaymentId());
        if (knownHoldId != null) {
            return repeatedPayment(context, ownHold ? hold : null, payment, knownHoldId);
        }
        boolean captured = payment.getStatus() == PaymentOutcomeStatus.PAYMENT_OUTCOME_STATUS_CAPTURED;
        if (!ownHold) {
            String message = "no hold '" + command.getHoldId() + "'";
            if (!captured) {
                throw RejectedException.notFound(message);
            }
            return refundUnmatched(context, payment, RejectionCode.REJECTION_CODE_NOT_FOUND, message);
        }
        if (hold.getStatus() != HoldStatus.HOLD_STATUS_ACTIVE) {
            if (!captured) {
                throw RejectedException.failedPrecondition(notActiveMessage(hold));
            }
            return refundOnHold(context, hold, payment, RejectionCode.REJECTION_CODE_FAILED_PRECONDITION,
                    notActiveMessage(hold));
        }
        if (!captured) {
            return recordDecline(context, hold, payment, command.getReleaseOnDecline());
        }
        if (!payment.getAmount().equals(hold.getAmount())) {
            return refundOnHold(context, hold, payment, RejectionCode.REJECTION_CODE_INVALID_ARGUMENT,
                    "payment of " + Moneys.format(payment.getAmount()) + " does not match the hold's amount "
                            + Moneys.format(hold.getAmount()));
        }
        return book(context, hold, payment);
    }

    /** A payment id seen before: the same confirmation again (answer it), or a mistake (change nothing). */
    private CommandResult repeatedPayment(Context context, Hold ownHold, PaymentOutcome payment, String knownHoldId) {
        if (ownHold != null && ownHold.getId().equals(knownHoldId)) {
            if (ownHold.getStatus() == HoldStatus.HOLD_STATUS_CONFIRMED) {
                Booking booking = state.bookings.get(ownHold.getBookingId());
                if (booking.getPayment().getId().equals(payment.getPaymentId())) {
                    return CommandResult.newBuilder().setBooking(views.booking(booking, false)).build();
                }
            }
            for (Payment attempt : ownHold.getPaymentsList()) {
                if (attempt.getId().equals(payment.getPaymentId())
                        && attempt.getStatus() == PaymentStatus.PAYMENT_STATUS_DECLINED) {
                    throw RejectedException.failedPrecondition(declineMessage(attempt.getDeclineCode(),
                            attempt.getMessage()));
                }
            }
        }
        throw RejectedException.alreadyExists("payment " + payment.getPaymentId() + " is already recorded");
    }

    private CommandResult recordDecline(Context context, Hold hold, PaymentOutcome outcome, boolean release) {
        Payment payment = paymentOf(context, outcome, PaymentStatus.PAYMENT_STATUS_DECLINED, hold.getId()).build();
        String message = declineMessage(outcome.getDeclineCode(), outcome.getMessage());
        Hold withAttempt = hold.toBuilder().addPayments(payment).setUpdatedAtMillis(context.nowMillis())
                .addAudit(event(context, "PAYMENT_DECLINED", "payment " + payment.getId() + " declined ("
                        + outcome.getDeclineCode() + ")", hold.getId(), ""))
                .build();
        state.putHold(withAttempt);
        if (release) {
            endHold(context, withAttempt, HoldStatus.HOLD_STATUS_RELEASED, "payment declined", "RELEASED",
                    "hold released");
        }
        return rejection(Rejection.newBuilder().setCode(RejectionCode.REJECTION_CODE_FAILED_PRECONDITION)
                .setMessage(message + (release ? "; the seats were released" : "; the hold is still active")));
    }

    private static String declineMessage(String code, String message) {
        return "payment declined (" + (code.isEmpty() ? "declined" : code) + ")"
                + (message.isEmpty() ? "" : ": " + message);
    }

    private CommandResult book(Context context, Hold hold, PaymentOutcome outcome) {
        String bookingId = newEntityId(context, "bkg_", state.bookings);
        Payment payment = paymentOf(context, outcome, PaymentStatus.PAYMENT_STATUS_CAPTURED, hold.getId())
                .setBookingId(bookingId).build();
        AuditEvent confirmed = event(context, "CONFIRMED", "hold confirmed as booking " + bookingId, hold.getId(),
                bookingId);
        state.putHold(hold.toBuilder().setStatus(HoldStatus.HOLD_STATUS_CONFIRMED)
                .setStatusReason("confirmed as booking " + bookingId).setBookingId(bookingId)
                .setUpdatedAtMillis(context.nowMillis()).addAudit(confirmed).build());
        List<String> seatIds = hold.getSeatsList().stream().map(SeatLine::getSeatId).toList();
        Booking booking = Booking.newBuilder().setId(bookingId).setUserId(hold.getUserId()).setShowId(hold.getShowId())
                .setHoldId(hold.getId()).addAllSeats(hold.getSeatsList()).setAmount(hold.getAmount())
                .setStatus(BookingStatus.BOOKING_STATUS_CONFIRMED).setPayment(payment)
                .setRefunded(Moneys.zero(hold.getAmount().getCurrency()))
                .setCreatedAtMillis(context.nowMillis()).setUpdatedAtMillis(context.nowMillis())
                .addAudit(event(context, "PAYMENT_CAPTURED", "payment " + payment.getId() + " of "
                        + Moneys.format(payment.getAmount()) + " captured", hold.getId(), bookingId))
                .addAudit(event(context, "BOOKED", "seats " + String.join(", ", seatIds) + " booked from hold "
                        + hold.getId(), hold.getId(), bookingId))
                .build();
        state.putBooking(booking);
        for (String seatId : seatIds) {
            state.appendSeatEvent(hold.getShowId(), seatId,
                    event(context, "BOOKED", "booked by booking " + bookingId, hold.getId(), bookingId));
        }
        return CommandResult.newBuilder().setBooking(views.booking(booking, false)).build();
    }

    /** Records a captured payment that cannot pay for this hold, refunds it, and rejects the command. */
    private CommandResult refundOnHold(Context context, Hold hold, PaymentOutcome outcome, RejectionCode code,
            String reason) {
        String refundId = "ref_" + context.newId();
        Payment payment = refundedPayment(context, outcome, hold.getId(), refundId, reason);
        state.putHold(hold.toBuilder().addPayments(payment).setUpdatedAtMillis(context.nowMillis())
                .addAudit(event(context, "PAYMENT_REFUNDED", "payment " + payment.getId() + " of "
                        + Moneys.format(payment.getAmount()) + " refunded: " + reason, hold.getId(), ""))
                .build());
        return refundRejection(code, reason, payment, refundId);
    }

    private CommandResult refundUnmatched(Context context, PaymentOutcome outcome, RejectionCode code, String reason) {
        String refundId = "ref_" + context.newId();
        Payment payment = refundedPayment(context, outcome, "", refundId, reason);
        state.putUnmatchedPayment(payment);
        return refundRejection(code, reason, payment, refundId);
    }

    private Payment refundedPayment(Context context, PaymentOutcome outcome, String holdId, String refundId,
            String reason) {
        Refund refund = Refund.newBuilder().setId(refundId).setAmount(outcome.getAmount())
                .setKind(RefundKind.REFUND_KIND_PAYMENT_NOT_APPLIED).setReason(reason)
                .setCreatedAtMillis(context.nowMillis()).setActorUserId(Actors.SYSTEM_USER_ID).build();
        return paymentOf(context, outcome, PaymentStatus.PAYMENT_STATUS_REFUNDED, holdId)
                .setRefunded(outcome.getAmount()).addRefunds(refund).build();
    }

    private static CommandResult refundRejection(RejectionCode code, String reason, Payment payment, String refundId) {
        return rejection(Rejection.newBuilder().setCode(code).setMessage(reason + "; payment refunded")
                .setRefundedPaymentId(payment.getId()).setRefundId(refundId).setRefunded(payment.getAmount()));
    }

    private static Payment.Builder paymentOf(Context context, PaymentOutcome outcome, PaymentStatus status,
            String holdId) {
        return Payment.newBuilder().setId(outcome.getPaymentId()).setStatus(status).setAmount(outcome.getAmount())
                .setRefunded(Moneys.zero(outcome.getAmount().getCurrency())).setCardLast4(outcome.getCardLast4())
                .setCardBrand(outcome.getCardBrand()).setDeclineCode(outcome.getDeclineCode())
                .setMessage(outcome.getMessage()).setCreatedAtMillis(context.nowMillis()).setHoldId(holdId);
    }

    private static String notActiveMessage(Hold hold) {
        return switch (hold.getStatus()) {
            case HOLD_STATUS_EXPIRED -> "hold expired";
            case HOLD_STATUS_RELEASED -> "hold " + hold.getId() + " was released (" + hold.getStatusReason() + ")";
            case HOLD_STATUS_CONFIRMED -> "hold " + hold.getId() + " is already confirmed as booking "
                    + hold.getBookingId();
            default -> throw new IllegalStateException("hold " + hold.getId() + " has status " + hold.getStatus());
        };
    }

    // ================================================================ cancellation and refunds

    private CommandResult cancelBooking(Context context, CancelBookingRequest request) {
        requireUser(context);
        requireNewId(context);
        requireReason(request.getReason(), false);
        Booking booking = requireVisibleBooking(context, request.getBookingId());
        if (booking.getStatus() != BookingStatus.BOOKING_STATUS_CONFIRMED) {
            throw RejectedException.failedPrecondition("booking " + booking.getId() + " is already cancelled");
        }
        Show show = state.shows.get(booking.getShowId());
        if (context.nowMillis() >= show.getStartsAtMillis()) {
            throw RejectedException.failedPrecondition("the show started at "
                    + Instant.ofEpochMilli(show.getStartsAtMillis()) + "; the booking can no longer be cancelled");
        }
        long refund = RefundPolicy.customerRefundMinor(refundableMinor(booking), show.getStartsAtMillis(),
                context.nowMillis(), limits.fullRefundBeforeShowMillis());
        String reason = request.getReason().isEmpty() ? "cancelled by " + context.actorUserId() : request.getReason();
        if (refund == 0) {
            reason += "; less than " + (limits.fullRefundBeforeShowMillis() / 60_000) + " minutes before the show:"
                    + " no refund";
        }
        Booking result = refundAndCancel(context, booking, refund, RefundKind.REFUND_KIND_CANCELLATION, reason,
                "ref_" + context.newId());
        return CommandResult.newBuilder().setBooking(views.booking(result, false)).build();
    }

    private CommandResult adminRefund(Context context, RefundBookingRequest request) {
        requireAdmin(context, "refund bookings");
        requireNewId(context);
        requireReason(request.getReason(), true);
        Booking booking = requireVisibleBooking(context, request.getBookingId());
        long refundable = refundableMinor(booking);
        boolean defaultAmount = !request.hasAmount()
                || (request.getAmount().getAmountMinor() == 0 && request.getAmount().getCurrency().isEmpty());
        if (!defaultAmount) {
            Money amount = request.getAmount();
            if (!amount.getCurrency().equals(booking.getAmount().getCurrency())) {
                throw RejectedException.invalidArgument("amount.currency", "the booking was paid in "
                        + booking.getAmount().getCurrency() + ", not '" + amount.getCurrency() + "'");
            }
            if (amount.getAmountMinor() < 1 || (refundable > 0 && amount.getAmountMinor() > refundable)) {
                throw RejectedException.invalidArgument("amount.amount_minor", "refund must be 1.." + refundable
                        + " minor units (what is not refunded yet), was " + amount.getAmountMinor());
            }
        }
        if (refundable == 0) {
            throw RejectedException.failedPrecondition("booking " + booking.getId() + " is refunded in full already");
        }
        long refund = defaultAmount ? refundable : request.getAmount().getAmountMinor();
        Booking result = refundAndCancel(context, booking, refund, RefundKind.REFUND_KIND_ADMIN, request.getReason(),
                "ref_" + context.newId());
        return CommandResult.newBuilder().setBooking(views.booking(result, false)).build();
    }

    private static long refundableMinor(Booking booking) {
        return booking.getAmount().getAmountMinor() - booking.getRefunded().getAmountMinor();
    }

    /**
     * Records a refund of {@code refundMinor} (none when 0) and cancels the booking if it is still
     * confirmed, freeing its seats. Nothing is deleted: the payment and the booking change status.
     */
    private Booking refundAndCancel(Context context, Booking booking, long refundMinor, RefundKind kind,
            String reason, String refundId) {
        Booking.Builder updated = booking.toBuilder().setUpdatedAtMillis(context.nowMillis());
        if (refundMinor > 0) {
            Money amount = Moneys.of(refundMinor, booking.getAmount().getCurrency());
            Refund refund = Refund.newBuilder().setId(refundId).setAmount(amount).setKind(kind).setReason(reason)
                    .setCreatedAtMillis(context.nowMillis()).setActorUserId(context.actorUserId()).build();
            Money refunded = Moneys.add(booking.getRefunded(), amount);
            boolean full = refunded.getAmountMinor() == booking.getPayment().getAmount().getAmountMinor();
            updated.setRefunded(refunded).setPayment(booking.getPayment().toBuilder().setRefunded(refunded)
                    .setStatus(full ? PaymentStatus.PAYMENT_STATUS_REFUNDED
                            : PaymentStatus.PAYMENT_STATUS_PARTIALLY_REFUNDED)
                    .addRefunds(refund));
            updated.addAudit(event(context, "REFUNDED", "refund " + refundId + " of " + Moneys.format(amount) + ": "
                    + reason, booking.getHoldId(), booking.getId()));
        }
        boolean cancel = booking.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED;
        if (cancel) {
            updated.setStatus(BookingStatus.BOOKING_STATUS_CANCELLED).setStatusReason(reason)
                    .addAudit(event(context, "CANCELLED", "booking cancelled: " + reason, booking.getHoldId(),
                            booking.getId()));
        }
        Booking result = updated.build();
        state.putBooking(result);
        if (cancel) {
            for (SeatLine seat : booking.getSeatsList()) {
                state.appendSeatEvent(booking.getShowId(), seat.getSeatId(), event(context, "RELEASED",
                        "seat free again: booking " + booking.getId() + " cancelled", booking.getHoldId(),
                        booking.getId()));
            }
        }
        return result;
    }

    // ================================================================ checks

    private static void requireUser(Context context) {
        if (context.actorUserId().isEmpty()) {
            throw RejectedException.permissionDenied("the command names no user");
        }
    }

    private static void requireAdmin(Context context, String what) {
        requireUser(context);
        if (!Actors.isAdmin(context.actor())) {
            throw RejectedException.permissionDenied("only admins may " + what);
        }
    }

    private static void requireNewId(Context context) {
        if (!NEW_ID.matcher(context.newId()).matches()) {
            throw RejectedException.invalidArgument("new_id",
                    "the command needs a new_id of 1..64 characters of [A-Za-z0-9_-]");
        }
    }

    private static String newEntityId(Context context, String prefix, Map<String, ?> existing) {
        String id = prefix + context.newId();
        if (existing.containsKey(id)) {
            throw RejectedException.alreadyExists("id " + id + " exists already (new_id reused)");
        }
        return id;
    }

    private static void requireId(String id, String field) {
        if (id.isEmpty() || id.length() > ID_LENGTH_MAX) {
            throw RejectedException.invalidArgument(field, field + " is required (1.." + ID_LENGTH_MAX
                    + " characters)");
        }
    }

    private Movie requireMovie(String id, String field) {
        requireId(id, field);
        Movie movie = state.movies.get(id);
        if (movie == null) {
            throw RejectedException.notFound("no movie '" + id + "'");
        }
        return movie;
    }

    private Screen requireScreen(String id, String field) {
        requireId(id, field);
        Screen screen = state.screens.get(id);
        if (screen == null) {
            throw RejectedException.notFound("no screen '" + id + "'");
        }
        return screen;
    }

    private Show requireShow(String id, String field) {
        requireId(id, field);
        Show show = state.shows.get(id);
        if (show == null) {
            throw RejectedException.notFound("no show '" + id + "'");
        }
        return show;
    }

    /** The caller's hold (or any hold for an admin); someone else's is reported as not found. */
    private Hold requireOwnHold(Context context, String holdId) {
        requireId(holdId, "hold_id");
        Hold hold = state.holds.get(holdId);
        if (hold == null || !(hold.getUserId().equals(context.actorUserId()) || Actors.isAdmin(context.actor()))) {
            throw RejectedException.notFound("no hold '" + holdId + "'");
        }
        return hold;
    }

    private Booking requireVisibleBooking(Context context, String bookingId) {
        requireId(bookingId, "booking_id");
        Booking booking = state.bookings.get(bookingId);
        if (booking == null
                || !(booking.getUserId().equals(context.actorUserId()) || Actors.isAdmin(context.actor()))) {
            throw RejectedException.notFound("no booking '" + bookingId + "'");
        }
        return booking;
    }

    private static void requireActive(Hold hold) {
        if (hold.getStatus() != HoldStatus.HOLD_STATUS_ACTIVE) {
            throw RejectedException.failedPrecondition(notActiveMessage(hold));
        }
    }

    private static void requireBookable(Context context, Show show) {
        if (show.getStatus() == ShowStatus.SHOW_STATUS_CANCELLED) {
            throw RejectedException.failedPrecondition("show " + show.getId() + " is cancelled");
        }
        if (context.nowMillis() >= show.getStartsAtMillis()) {
            throw RejectedException.failedPrecondition("show " + show.getId() + " started at "
                    + Instant.ofEpochMilli(show.getStartsAtMillis()) + "; it can no longer be booked");
        }
    }

    private static void requireFutureStart(Context context, long startsAtMillis) {
        if (startsAtMillis <= context.nowMillis()) {
            throw RejectedException.invalidArgument("starts_at_millis", "starts_at_millis must lie in the future, was "
                    + startsAtMillis);
        }
    }

    /** No two scheduled shows of a screen may run at the same time. */
    private void requireNoOverlap(String screenId, long startsAtMillis, int durationMinutes, String exceptShowId) {
        long endsAtMillis = startsAtMillis + durationMinutes * 60_000L;
        for (String showId : orEmpty(state.showIdsByScreenId.get(screenId))) {
            Show other = state.shows.get(showId);
            if (showId.equals(exceptShowId) || other.getStatus() != ShowStatus.SHOW_STATUS_SCHEDULED) {
                continue;
            }
            long otherEndsAtMillis = other.getStartsAtMillis()
                    + state.movies.get(other.getMovieId()).getDurationMinutes() * 60_000L;
            if (startsAtMillis < otherEndsAtMillis && other.getStartsAtMillis() < endsAtMillis) {
                throw RejectedException.failedPrecondition("screen " + screenId + " is busy with show " + showId
                        + " from " + Instant.ofEpochMilli(other.getStartsAtMillis()) + " to "
                        + Instant.ofEpochMilli(otherEndsAtMillis));
            }
        }
    }

    private List<String> showIdsOfMovie(String movieId) {
        List<String> showIds = new ArrayList<>();
        for (Show show : state.shows.values()) {
            if (show.getMovieId().equals(movieId) && show.getStatus() == ShowStatus.SHOW_STATUS_SCHEDULED) {
                showIds.add(show.getId());
            }
        }
        return showIds;
    }

    private static void requireTitle(String value, String field, int lengthMax) {
        if (value.isBlank() || value.length() > lengthMax || value.chars().anyMatch(Character::isISOControl)) {
            throw RejectedException.invalidArgument(field, field + " must be 1.." + lengthMax
                    + " characters on one line");
        }
    }

    private static void requireDescription(String description) {
        if (description.length() > DESCRIPTION_LENGTH_MAX) {
            throw RejectedException.invalidArgument("description", "description must be at most "
                    + DESCRIPTION_LENGTH_MAX + " characters, was " + description.length());
        }
    }

    private static void requireDuration(int durationMinutes) {
        if (durationMinutes < 1 || durationMinutes > DURATION_MINUTES_MAX) {
            throw RejectedException.invalidArgument("duration_minutes", "duration_minutes must be in 1.."
                    + DURATION_MINUTES_MAX + ", was " + durationMinutes);
        }
    }

    private static void requireAgeRating(String ageRating) {
        if (ageRating.length() > AGE_RATING_LENGTH_MAX || ageRating.chars().anyMatch(Character::isISOControl)) {
            throw RejectedException.invalidArgument("age_rating", "age_rating must be at most "
                    + AGE_RATING_LENGTH_MAX + " characters on one line");
        }
    }

    private static void requireGenres(List<String> genres) {
        if (genres.size() > GENRES_MAX) {
            throw RejectedException.invalidArgument("genres", "at most " + GENRES_MAX + " genres, had "
                    + genres.size());
        }
        for (int index = 0; index < genres.size(); index++) {
            requireTitle(genres.get(index), "genres[" + index + "]", GENRE_LENGTH_MAX);
        }
    }

    private static void requireReason(String reason, boolean required) {
        if ((required && reason.isBlank()) || reason.length() > REASON_LENGTH_MAX) {
            throw RejectedException.invalidArgument("reason", "reason must be " + (required ? "1" : "0") + ".."
                    + REASON_LENGTH_MAX + " characters");
        }
    }

    private static AuditEvent event(Context context, String kind, String message, String holdId, String bookingId) {
        return AuditEvent.newBuilder().setAtMillis(context.nowMillis()).setLogIndex(context.index()).setKind(kind)
                .setActorUserId(context.actorUserId()).setMessage(message).setHoldId(holdId).setBookingId(bookingId)
                .build();
    }

    static CommandResult rejection(Rejection.Builder rejection) {
        return CommandResult.newBuilder().setRejection(rejection).build();
    }

    private static <T> SortedSet<T> orEmpty(SortedSet<T> values) {
        return values == null ? Collections.emptySortedSet() : values;
    }
}
