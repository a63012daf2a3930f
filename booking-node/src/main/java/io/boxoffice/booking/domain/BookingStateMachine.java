package io.boxoffice.booking.domain;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.boxoffice.booking.domain.BookingState.BookingOrder;
import io.boxoffice.booking.domain.BookingState.IdempotencyKey;
import io.boxoffice.proto.booking.v1.Actor;
import io.boxoffice.proto.booking.v1.Command;
import io.boxoffice.proto.booking.v1.CommandResult;
import io.boxoffice.proto.booking.v1.IdempotencyRecord;
import io.boxoffice.proto.booking.v1.Rejection;
import io.boxoffice.proto.booking.v1.RejectionCode;
import io.boxoffice.proto.booking.v1.UserRecord;
import io.boxoffice.proto.v1.AuditEvent;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Payment;
import io.boxoffice.proto.v1.PaymentStatus;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.User;
import io.boxoffice.raft.server.StateMachine;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The replicated booking state machine (BRIEF §2): users, catalogue, holds with expiry, payments,
 * bookings, refunds, audit trails and the idempotency table.
 *
 * <p><b>Writes</b> arrive as {@link Command} bytes through {@link #apply}; the answer is a
 * {@link CommandResult} (a success payload or a typed {@link Rejection}). Every command is processed in
 * the same steps: (1) the state clock becomes {@code max(clock, command.now_millis)}; (2) every active
 * hold whose expiry is at or before the clock expires; (3) idempotency records older than the retention
 * are pruned (at most {@link BookingLimits#idempotencyPrunePerCommandMax()} per command); (4) a command
 * whose (user, idempotency key) was seen before returns the remembered result and changes nothing
 * else; (5) the handler runs; (6) its result is remembered under the key (UNAVAILABLE excepted).
 *
 * <p><b>Reads</b> are the query methods below. They take the reader's wall clock {@code nowMillis} only
 * to present a hold whose expiry has passed as expired (and its seats as free) before the next
 * command records the expiry; they never change the state.
 *
 * <p>Threading: not thread-safe. {@link #apply}, {@link #snapshot}, {@link #restore} and every query
 * run on the Raft driver thread. Determinism: no clock, randomness or I/O; {@link #snapshot} gives
 * equal bytes for equal states; {@link #stateHash} is SHA-256 of those bytes.
 */
public final class BookingStateMachine implements StateMachine {

    /** A page of bookings, newest first; {@code nextPageToken} is empty on the last page. */
    public record BookingPage(List<Booking> bookings, String nextPageToken) {
    }

    /** Counts for gauges, computed by a scan of the state (O(records): scrape, don't poll). */
    public record BookingStatistics(int users, int movies, int screens, int shows, int activeHolds,
            Map<HoldStatus, Long> holdsByStatus, Map<BookingStatus, Long> bookingsByStatus,
            Map<PaymentStatus, Long> paymentsByStatus, long refunds, int idempotencyRecords) {
    }

    public static final int PAGE_SIZE_DEFAULT = 50;
    public static final int PAGE_SIZE_MAX = 500;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7E]{1,128}");

    private final BookingLimits limits;
    private BookingState state;
    private CommandApplier applier;
    private BookingViews views;

    public BookingStateMachine(BookingLimits limits) {
        this.limits = limits;
        install(new BookingState());
    }

    public BookingStateMachine() {
        this(BookingLimits.defaults());
    }

    public BookingLimits limits() {
        return limits;
    }

    // ================================================================ StateMachine

    /**
     * Applies a command. Malformed bytes are answered with an INVALID_ARGUMENT rejection, identically
     * on every replica; an exception from here is a bug (a broken invariant) and stops the node.
     */
    @Override
    public byte[] apply(long index, byte[] command) {
        Command parsed;
        try {
            parsed = Command.parseFrom(command);
        } catch (InvalidProtocolBufferException e) {
            return CommandApplier.rejection(Rejection.newBuilder().setCode(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT)
                    .setMessage("malformed command: " + e.getMessage())).toByteArray();
        }
        return applyCommand(index, parsed).toByteArray();
    }

    /** {@link #apply} without the encoding, for tests and in-process callers. */
    public CommandResult applyCommand(long index, Command command) {
        if (command.getNowMillis() <= 0) {
            return invalid("now_millis", "the command carries no time (now_millis)");
        }
        state.clockMillis = Math.max(state.clockMillis, command.getNowMillis());
        long nowMillis = state.clockMillis;
        List<String> expired = applier.expireDueHolds(index, nowMillis);
        state.pruneIdempotency(nowMillis - limits.idempotencyRetentionMillis(), limits.idempotencyPrunePerCommandMax());
        if (command.getKindCase() == Command.KindCase.KIND_NOT_SET) {
            return invalid("kind", "the command has no kind");
        }
        String key = command.getIdempotencyKey();
        IdempotencyKey scopedKey = new IdempotencyKey(command.getActor().getUserId(), key);
        byte[] fingerprint = null;
        if (!key.isEmpty()) {
            if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
                return invalid("idempotency_key", "idempotency key must be 1..128 printable ASCII characters");
            }
            fingerprint = fingerprintOf(command);
            IdempotencyRecord remembered = state.idempotency.get(scopedKey);
            if (remembered != null) {
                if (!MessageDigest.isEqual(remembered.getRequestFingerprint().toByteArray(), fingerprint)) {
                    return invalid("idempotency_key", "idempotency key '" + key
                            + "' was already used for a different request; use a new key");
                }
                return remembered.getResult();
            }
        }
        CommandApplier.Context context = new CommandApplier.Context(index, nowMillis, command.getActor(),
                command.getNewId());
        CommandResult result;
        try {
            result = applier.handle(context, command, expired);
        } catch (RejectedException e) {
            result = CommandResult.newBuilder().setRejection(e.rejection()).build();
        }
        boolean transientFailure = result.hasRejection()
                && result.getRejection().getCode() == RejectionCode.REJECTION_CODE_UNAVAILABLE;
        if (fingerprint != null && !transientFailure) {
            state.idempotency.put(scopedKey, IdempotencyRecord.newBuilder().setUserId(scopedKey.userId())
                    .setKey(key).setRecordedAtMillis(nowMillis)
                    .setRequestFingerprint(com.google.protobuf.ByteString.copyFrom(fingerprint)).setResult(result)
                    .build());
        }
        return result;
    }

    @Override
    public byte[] snapshot() {
        return state.encode();
    }

    @Override
    public void restore(byte[] snapshot) {
        install(BookingState.decode(snapshot));
    }

    /** SHA-256 of {@link #snapshot()}, hex: equal on replicas that applied the same log prefix. */
    public String stateHash() {
        return HexFormat.of().formatHex(sha256().digest(snapshot()));
    }

    private void install(BookingState newState) {
        this.state = newState;
        this.applier = new CommandApplier(newState, limits);
        this.views = new BookingViews(newState);
    }

    private static CommandResult invalid(String field, String message) {
        return CommandApplier.rejection(Rejection.newBuilder().setCode(RejectionCode.REJECTION_CODE_INVALID_ARGUMENT)
                .setField(field).setMessage(message));
    }

    /**
     * SHA-256 of the command kind and its payload with the leader-stamped parts removed (the payload's
     * own idempotency key, the payment outcome), so a retry of the same request matches.
     */
    static byte[] fingerprintOf(Command command) {
        FieldDescriptor kindField = command.getOneofFieldDescriptor(
                Command.getDescriptor().getOneofs().get(0));
        Message.Builder payload = ((Message) command.getField(kindField)).toBuilder();
        FieldDescriptor ownKey = payload.getDescriptorForType().findFieldByName("idempotency_key");
        if (ownKey != null) {
            payload.clearField(ownKey);
        }
        if (command.getKindCase() == Command.KindCase.CONFIRM_HOLD) {
            payload.clearField(payload.getDescriptorForType().findFieldByName("payment"));
        }
        MessageDigest digest = sha256();
        digest.update(ByteBuffer.allocate(4).putInt(kindField.getNumber()).array());
        digest.update(BookingState.deterministicBytes(payload.build()));
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    // ================================================================ queries: time and idempotency

    /** The state clock: the latest {@code now_millis} applied. */
    public long clockMillis() {
        return state.clockMillis;
    }

    /**
     * The result remembered for (user, key), if a command with that key was applied within the
     * retention. The leader checks it before charging a card for a retried ConfirmHold/BookSeats.
     */
    public Optional<CommandResult> rememberedResult(String userId, String idempotencyKey) {
        IdempotencyRecord record = state.idempotency.get(new IdempotencyKey(userId, idempotencyKey));
        return record == null ? Optional.empty() : Optional.of(record.getResult());
    }

    /**
     * The gateway idempotency key for the next payment attempt on a hold: the hold id and the attempt
     * number ("hld_x#1"). Equal for retries of the same attempt (same key, same payment id: no double
     * charge), new after a recorded decline (so another card can be tried).
     */
    public String paymentKeyFor(String holdId) {
        Hold hold = state.holds.get(holdId);
        int attempts = hold == null ? 0 : hold.getPaymentsCount();
        return holdId + "#" + (attempts + 1);
    }

    // ================================================================ queries: users and catalogue

    /** For login: the stored record with the password hash. */
    public Optional<UserRecord> userByUsername(String username) {
        String id = state.userIdByUsername.get(username);
        return id == null ? Optional.empty() : Optional.of(state.users.get(id));
    }

    public Optional<User> user(String userId) {
        return Optional.ofNullable(state.users.get(userId)).map(views::user);
    }

    public int userCount() {
        return state.users.size();
    }

    /** Movies by id. */
    public List<Movie> movies() {
        return List.copyOf(state.movies.values());
    }

    public Optional<Movie> movie(String movieId) {
        return Optional.ofNullable(state.movies.get(movieId));
    }

    /** Screens by id. */
    public List<Screen> screens() {
        return List.copyOf(state.screens.values());
    }

    public Optional<Screen> screen(String screenId) {
        return Optional.ofNullable(state.screens.get(screenId));
    }

    /**
     * Shows in start-time order (then id), cancelled ones included, optionally of one movie and
     * starting at or after {@code startsAfterMillis}.
     */
    public List<Show> shows(Optional<String> movieId, OptionalLong startsAfterMillis, long nowMillis) {
        long viewAt = viewAt(nowMillis);
        List<Show> result = new ArrayList<>();
        for (Show show : state.shows.values()) {
            if (movieId.isPresent() && !movieId.get().equals(show.getMovieId())) {
                continue;
            }
            if (startsAfterMillis.isPresent() && show.getStartsAtMillis() < startsAfterMillis.getAsLong()) {
                continue;
            }
            result.add(views.show(show, viewAt));
        }
        result.sort(Comparator.comparingLong(Show::getStartsAtMillis).thenComparing(Show::getId));
        return result;
    }

    public Optional<Show> show(String showId, long nowMillis) {
        return Optional.ofNullable(state.shows.get(showId)).map(show -> views.show(show, viewAt(nowMillis)));
    }

    /** Every seat with its state; {@code mine} marks seats held or booked by {@code viewerUserId}. */
    public Optional<SeatMap> seatMap(String showId, String viewerUserId, long nowMillis) {
        return Optional.ofNullable(state.shows.get(showId))
                .map(show -> views.seatMap(show, viewerUserId, viewAt(nowMillis)));
    }

    /** The append-only history of one seat of one show, oldest first. */
    public List<AuditEvent> seatTrail(String showId, String seatId) {
        return state.seatTrail(showId, seatId);
    }

    // ================================================================ queries: holds and bookings

    /** The user's holds still running at {@code nowMillis}, by id. */
    public List<Hold> activeHoldsOfUser(String userId, long nowMillis) {
        long viewAt = viewAt(nowMillis);
        List<Hold> result = new ArrayList<>();
        for (String holdId : state.activeHoldIdsByUser.getOrDefault(userId, new TreeSet<>())) {
            Hold hold = views.hold(state.holds.get(holdId), false, viewAt);
            if (hold.getStatus() == HoldStatus.HOLD_STATUS_ACTIVE) {
                result.add(hold);
            }
        }
        return result;
    }

    /** One hold with its audit trail, if the viewer owns it or is an admin. */
    public Optional<Hold> hold(String holdId, Actor viewer, long nowMillis) {
        Hold hold = state.holds.get(holdId);
        if (hold == null || !(hold.getUserId().equals(viewer.getUserId()) || Actors.isAdmin(viewer))) {
            return Optional.empty();
        }
        return Optional.of(views.hold(hold, true, viewAt(nowMillis)));
    }

    /** One booking with its audit trail, if the viewer owns it or is an admin. */
    public Optional<Booking> booking(String bookingId, Actor viewer) {
        Booking booking = state.bookings.get(bookingId);
        if (booking == null || !(booking.getUserId().equals(viewer.getUserId()) || Actors.isAdmin(viewer))) {
            return Optional.empty();
        }
        return Optional.of(views.booking(booking, true));
    }

    /**
     * The user's bookings, newest first, without audit trails.
     *
     * @param pageSize 0 for {@value #PAGE_SIZE_DEFAULT}, at most {@value #PAGE_SIZE_MAX}
     * @param pageToken empty for the first page, else a previous page's {@code nextPageToken}
     * @throws RejectedException INVALID_ARGUMENT for a bad page size or token
     */
    public BookingPage bookingsOfUser(String userId, int pageSize, String pageToken) {
        return page(state.bookingsByUser.getOrDefault(userId, new TreeSet<>()), Optional.empty(), pageSize,
                pageToken);
    }

    /** Every booking (admin), newest first, optionally of one show and/or one user. */
    public BookingPage allBookings(Optional<String> showId, Optional<String> userId, int pageSize, String pageToken) {
        NavigableSet<BookingOrder> candidates;
        if (userId.isPresent()) {
            candidates = state.bookingsByUser.getOrDefault(userId.get(), new TreeSet<>());
        } else if (showId.isPresent()) {
            candidates = state.bookingsByShow.getOrDefault(showId.get(), new TreeSet<>());
        } else {
            candidates = state.bookingsByTime;
        }
        return page(candidates, showId, pageSize, pageToken);
    }

    private BookingPage page(NavigableSet<BookingOrder> orders, Optional<String> showId, int pageSize,
            String pageToken) {
        if (pageSize < 0 || pageSize > PAGE_SIZE_MAX) {
            throw RejectedException.invalidArgument("page_size", "page_size must be in 0.." + PAGE_SIZE_MAX
                    + " (0 = " + PAGE_SIZE_DEFAULT + "), was " + pageSize);
        }
        int size = pageSize == 0 ? PAGE_SIZE_DEFAULT : pageSize;
        NavigableSet<BookingOrder> newestFirst = orders.descendingSet();
        if (!pageToken.isEmpty()) {
            newestFirst = newestFirst.tailSet(parsePageToken(pageToken), false);
        }
        List<Booking> result = new ArrayList<>(Math.min(size, orders.size()));
        BookingOrder last = null;
        for (BookingOrder order : newestFirst) {
            Booking booking = state.bookings.get(order.bookingId());
            if (showId.isPresent() && !showId.get().equals(booking.getShowId())) {
                continue;
            }
            if (result.size() == size) {
                return new BookingPage(result, last.createdAtMillis() + ":" + last.bookingId());
            }
            result.add(views.booking(booking, false));
            last = order;
        }
        return new BookingPage(result, "");
    }

    private static BookingOrder parsePageToken(String pageToken) {
        int colon = pageToken.indexOf(':');
        try {
            if (colon > 0 && colon < pageToken.length() - 1) {
                return new BookingOrder(Long.parseLong(pageToken.substring(0, colon)), pageToken.substring(colon + 1));
            }
        } catch (NumberFormatException e) {
            // Falls through to the rejection below: a malformed token is the caller's mistake.
        }
        throw RejectedException.invalidArgument("page_token", "page_token is not one this server issued");
    }

    // ================================================================ queries: statistics

    /**
     * When the earliest active hold expires (by the replicated clock's rules), or empty when no hold is
     * active: lets the leader propose ExpireHolds only when one is due. O(1).
     */
    public java.util.OptionalLong nextHoldExpiryMillis() {
        return state.nextActiveHoldExpiryMillis();
    }

    public BookingStatistics statistics() {
        Map<HoldStatus, Long> holds = new EnumMap<>(HoldStatus.class);
        Map<PaymentStatus, Long> payments = new EnumMap<>(PaymentStatus.class);
        long refunds = 0;
        for (Hold hold : state.holds.values()) {
            holds.merge(hold.getStatus(), 1L, Long::sum);
            for (Payment payment : hold.getPaymentsList()) {
                payments.merge(payment.getStatus(), 1L, Long::sum);
                refunds += payment.getRefundsCount();
            }
        }
        Map<BookingStatus, Long> bookings = new EnumMap<>(BookingStatus.class);
        for (Booking booking : state.bookings.values()) {
            bookings.merge(booking.getStatus(), 1L, Long::sum);
            payments.merge(booking.getPayment().getStatus(), 1L, Long::sum);
            refunds += booking.getPayment().getRefundsCount();
        }
        for (Payment payment : state.unmatchedPayments.values()) {
            payments.merge(payment.getStatus(), 1L, Long::sum);
            refunds += payment.getRefundsCount();
        }
        return new BookingStatistics(state.users.size(), state.movies.size(), state.screens.size(),
                state.shows.size(), state.activeHoldCount(), holds, bookings, payments, refunds,
                state.idempotency.size());
    }

    private long viewAt(long nowMillis) {
        return Math.max(nowMillis, state.clockMillis);
    }
}
