package io.boxoffice.booking.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.boxoffice.booking.domain.audit.AuditLog;
import io.boxoffice.booking.domain.bookings.Bookings;
import io.boxoffice.booking.domain.catalog.Catalog;
import io.boxoffice.booking.domain.catalog.CatalogCommands;
import io.boxoffice.booking.domain.checkout.CheckoutCommands;
import io.boxoffice.booking.domain.holds.HoldCommands;
import io.boxoffice.booking.domain.holds.Holds;
import io.boxoffice.booking.domain.idempotency.Idempotency;
import io.boxoffice.booking.domain.payments.Payments;
import io.boxoffice.booking.domain.refunds.RefundCommands;
import io.boxoffice.booking.domain.refunds.RefundPolicy;
import io.boxoffice.booking.domain.seats.Occupancy;
import io.boxoffice.booking.domain.store.StateStore;
import io.boxoffice.booking.domain.store.StoreTuning;
import io.boxoffice.booking.domain.users.UserCommands;
import io.boxoffice.booking.domain.users.Users;
import io.boxoffice.proto.replicated.v1.Command;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.replicated.v1.CommandBatch;
import io.boxoffice.proto.replicated.v1.IdempotencyRecord;
import io.boxoffice.proto.replicated.v1.RejectionRecord;
import io.boxoffice.proto.replicated.v1.ResultKind;
import io.boxoffice.proto.replicated.v1.ResultRef;
import io.boxoffice.proto.replicated.v1.StateMeta;
import io.boxoffice.raft.server.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The replicated booking state machine. Each Raft entry is a {@link CommandBatch}; each command is stamped
 * by the leader with the time, the actor, a fresh id and its request's fingerprint, so applying it is
 * deterministic: every replica reaches the same state (same {@link #stateHash()}) at the same index.
 *
 * <p>The state lives in a RocksDB of its own ({@link StateStore}); memory holds only what is hot —
 * movies and screens, the active holds, the seat occupancy of shows in use — and caches, so it does not
 * grow with history. A snapshot is a RocksDB snapshot streamed to a file off the driver thread; a restart
 * opens the store and replays only the log after the state's applied index.
 *
 * <p>For each command, in order: the state clock advances to the stamped time; holds due by then expire;
 * idempotency records older than the retention are pruned (a bounded number); a repeated idempotency key
 * answers the first result (refusing a key reused for another request); otherwise the handler runs and
 * its outcome is remembered under the key.
 *
 * <p>Threading: owned by the Raft driver thread (see {@link StateMachine}). Failure: a RocksDB error or a
 * broken invariant throws and stops the node; a refused command is an outcome, never an exception.
 */
public final class BookingStateMachine implements StateMachine<List<CommandOutcome>> {

    private final Path directory;
    private final BookingLimits limits;
    private final StoreTuning tuning;
    private final int cachedShowsMax;

    private StateStore store;
    private Counters counters;
    private Users users;
    private Catalog catalog;
    private Occupancy occupancy;
    private Holds holds;
    private Bookings bookings;
    private Payments payments;
    private AuditLog audit;
    private Idempotency idempotency;
    private UserCommands userCommands;
    private CatalogCommands catalogCommands;
    private HoldCommands holdCommands;
    private CheckoutCommands checkoutCommands;
    private RefundCommands refundCommands;
    private StateQueries queries;
    private long clockMillis;
    private long appliedIndex;

    public BookingStateMachine(Path directory, BookingLimits limits, StoreTuning tuning, int cachedShowsMax) {
        this.directory = directory;
        this.limits = limits;
        this.tuning = tuning;
        this.cachedShowsMax = cachedShowsMax;
    }

    // ================================================================ StateMachine

    @Override
    public long open() {
        if (store != null) {
            throw new IllegalStateException("the booking state is open already");
        }
        store = StateStore.open(directory, tuning);
        counters = new Counters(store);
        users = new Users(store, counters);
        catalog = new Catalog(store, counters, cachedShowsMax);
        occupancy = new Occupancy(store, cachedShowsMax);
        holds = new Holds(store, counters);
        bookings = new Bookings(store, counters);
        payments = new Payments(store, counters);
        audit = new AuditLog(store, counters);
        idempotency = new Idempotency(store, counters);
        userCommands = new UserCommands(users);
        holdCommands = new HoldCommands(holds, catalog, occupancy, users, audit, limits);
        refundCommands = new RefundCommands(bookings, payments, catalog, occupancy, audit, limits);
        catalogCommands = new CatalogCommands(catalog, holdCommands, refundCommands, limits);
        checkoutCommands = new CheckoutCommands(holds, holdCommands, bookings, payments, catalog, occupancy, audit,
                limits);
        queries = new StateQueries(this);
        loadHotSet();
        return appliedIndex;
    }

    /** Reads what is kept in memory; O(movies + screens + active holds), never O(history). */
    private void loadHotSet() {
        StateMeta meta = store.meta();
        appliedIndex = meta.getAppliedIndex();
        clockMillis = meta.getClockMillis();
        counters.load();
        catalog.load();
        holds.load();
        idempotency.reset();
        occupancy.clear();
        users.clearCache();
    }

    @Override
    public List<CommandOutcome> apply(long index, byte[] entry) {
        CommandBatch batch;
        try {
            batch = CommandBatch.parseFrom(entry);
        } catch (InvalidProtocolBufferException e) {
            // Our own leader wrote it, so this is a bug; refusing it keeps every replica alike and alive.
            return List.of(CommandOutcome.rejected(RejectedException.invalidArgument("command",
                    "the log entry is not a command batch").rejection()));
        }
        if (batch.getCommandsCount() > Context.COMMANDS_PER_ENTRY_MAX) {
            RejectionRecord tooMany = RejectedException.invalidArgument("command", "a log entry carries at most "
                    + Context.COMMANDS_PER_ENTRY_MAX + " commands").rejection();
            List<CommandOutcome> refused = new ArrayList<>();
            batch.getCommandsList().forEach(command -> refused.add(CommandOutcome.rejected(tooMany)));
            return refused;
        }
        List<CommandOutcome> outcomes = new ArrayList<>(batch.getCommandsCount());
        for (int position = 0; position < batch.getCommandsCount(); position++) {
            long ref = index * Context.COMMANDS_PER_ENTRY_MAX + position;
            outcomes.add(applyOne(index, ref, batch.getCommands(position)));
        }
        return outcomes;
    }

    private CommandOutcome applyOne(long index, long ref, Command command) {
        store.beginCommand();
        try {
            return labelled(decide(index, ref, command));
        } finally {
            store.endCommand(ref);
        }
    }

    /** Adds the show's labels to a hold or booking outcome (memory lookups: the show was just used). */
    private CommandOutcome labelled(CommandOutcome outcome) {
        String showId = switch (outcome.kind()) {
            case RESULT_KIND_BOOKING -> outcome.booking().getShowId();
            case RESULT_KIND_HOLD -> outcome.hold().getShowId();
            default -> null;
        };
        if (showId == null) {
            return outcome;
        }
        return catalog.show(showId).map(show -> outcome.withShow(labels(show))).orElse(outcome);
    }

    /** The labels of {@code show} as clients see them next to a hold or booking. */
    CommandOutcome.ShowLabels labels(ShowRecord show) {
        return new CommandOutcome.ShowLabels(show.getStartsAtMillis(),
                catalog.movie(show.getMovieId()).map(movie -> movie.getTitle()).orElse(""),
                catalog.screen(show.getScreenId()).map(screen -> screen.getName()).orElse(""),
                RefundPolicy.fullRefundUntilMillis(show.getStartsAtMillis(), limits.fullRefundBeforeShowMillis()));
    }

    private CommandOutcome decide(long index, long ref, Command command) {
        if (command.getNowMillis() <= 0) {
            return CommandOutcome.rejected(invalid("now_millis", "the command carries no time (now_millis)"));
        }
        clockMillis = Math.max(clockMillis, command.getNowMillis());
        Context context = new Context(index, ref, clockMillis, command.getActor(), command.getNewId());
        int expired = holdCommands.expireDue(context);
        idempotency.prune(clockMillis - limits.idempotencyRetentionMillis(), limits.idempotencyPrunePerCommandMax());
        if (command.getKindCase() == Command.KindCase.KIND_NOT_SET) {
            return CommandOutcome.rejected(invalid("kind", "the command has no kind")).withHoldsExpired(expired);
        }
        String key = command.getIdempotencyKey();
        String userId = command.getActor().getUserId();
        if (!key.isEmpty()) {
            if (!FieldLimits.isIdempotencyKey(key)) {
                return CommandOutcome.rejected(invalid("idempotency_key", "idempotency key must be 1.."
                        + FieldLimits.IDEMPOTENCY_KEY_LENGTH_MAX + " printable ASCII characters"))
                        .withHoldsExpired(expired);
            }
            if (command.getRequestFingerprint().size() != 32) {
                return CommandOutcome.rejected(invalid("request_fingerprint",
                        "a command with an idempotency key needs its request's SHA-256 fingerprint"))
                        .withHoldsExpired(expired);
            }
            IdempotencyRecord remembered = idempotency.get(userId, key).orElse(null);
            if (remembered != null) {
                if (!MessageDigest.isEqual(remembered.getRequestFingerprint().toByteArray(),
                        command.getRequestFingerprint().toByteArray())) {
                    return CommandOutcome.rejected(invalid("idempotency_key", "idempotency key '" + FieldLimits.echo(key)
                            + "' was already used for a different request; use a new key")).withHoldsExpired(expired);
                }
                return replayRecord(remembered).withHoldsExpired(expired);
            }
        }
        CommandOutcome outcome = handle(context, command);
        if (!key.isEmpty()) {
            remember(userId, key, command, outcome);
        }
        return outcome.withHoldsExpired(expired);
    }

    private CommandOutcome handle(Context context, Command command) {
        int writesBefore = store.writesInCommand();
        try {
            return switch (command.getKindCase()) {
                case REGISTER_USER -> userCommands.registerUser(context, command.getRegisterUser());
                case CREATE_MOVIE -> catalogCommands.createMovie(context, command.getCreateMovie());
                case UPDATE_MOVIE -> catalogCommands.updateMovie(context, command.getUpdateMovie());
                case CREATE_SCREEN -> catalogCommands.createScreen(context, command.getCreateScreen());
                case UPDATE_SCREEN -> catalogCommands.updateScreen(context, command.getUpdateScreen());
                case CREATE_SHOW -> catalogCommands.createShow(context, command.getCreateShow());
                case UPDATE_SHOW -> catalogCommands.updateShow(context, command.getUpdateShow());
                case HOLD_SEATS -> {
                    holdCommands.expireDueOfShow(context, command.getHoldSeats().getShowId());
                    writesBefore = store.writesInCommand();
                    yield holdCommands.holdSeats(context, command.getHoldSeats());
                }
                case EXTEND_HOLD -> holdCommands.extendHold(context, command.getExtendHold());
                case RELEASE_HOLD -> holdCommands.releaseHold(context, command.getReleaseHold());
                case CONFIRM_HOLD -> checkoutCommands.confirmHold(context, command.getConfirmHold());
                case BOOK_SEATS -> {
                    holdCommands.expireDueOfShow(context, command.getBookSeats().getShowId());
                    writesBefore = store.writesInCommand();
                    yield checkoutCommands.bookSeats(context, command.getBookSeats());
                }
                case CANCEL_BOOKING -> refundCommands.cancelBooking(context, command.getCancelBooking());
                case ADMIN_REFUND -> refundCommands.adminRefund(context, command.getAdminRefund());
                case EXPIRE_HOLDS -> CommandOutcome.none();
                case KIND_NOT_SET -> throw new IllegalStateException("checked by the caller");
            };
        } catch (RejectedException refused) {
            if (store.writesInCommand() != writesBefore) {
                // Handlers check everything before they write; a refusal after a write would leave half a
                // change in the state (and in the caches). A bug: stop rather than diverge.
                throw new IllegalStateException("command " + command.getKindCase() + " was refused after it wrote"
                        + " to the state: " + refused.getMessage(), refused);
            }
            return CommandOutcome.rejected(refused.rejection());
        }
    }

    private void remember(String userId, String key, Command command, CommandOutcome outcome) {
        IdempotencyRecord.Builder record = IdempotencyRecord.newBuilder().setRecordedAtMillis(clockMillis)
                .setRequestFingerprint(command.getRequestFingerprint());
        if (outcome.isRejected()) {
            record.setRejection(outcome.rejection());
        } else {
            record.setResult(ResultRef.newBuilder().setKind(outcome.kind()).setId(idOf(outcome.record())));
        }
        idempotency.put(userId, key, record.build());
    }

    /** The first answer again: a remembered refusal as it was, a result as its record is now. */
    CommandOutcome replay(IdempotencyRecord remembered) {
        return labelled(replayRecord(remembered));
    }

    private CommandOutcome replayRecord(IdempotencyRecord remembered) {
        if (remembered.hasRejection()) {
            return CommandOutcome.rejected(remembered.getRejection()).asRemembered();
        }
        ResultRef ref = remembered.getResult();
        Message record = switch (ref.getKind()) {
            case RESULT_KIND_USER -> users.get(ref.getId()).orElse(null);
            case RESULT_KIND_MOVIE -> catalog.movie(ref.getId()).orElse(null);
            case RESULT_KIND_SCREEN -> catalog.screen(ref.getId()).orElse(null);
            case RESULT_KIND_SHOW -> catalog.show(ref.getId()).orElse(null);
            case RESULT_KIND_HOLD -> holds.get(ref.getId()).orElse(null);
            case RESULT_KIND_BOOKING -> bookings.get(ref.getId()).orElse(null);
            default -> null;
        };
        if (record == null && ref.getKind() != ResultKind.RESULT_KIND_NONE) {
            throw new IllegalStateException("idempotency record points at " + ref.getKind() + " " + ref.getId()
                    + ", which does not exist");
        }
        return CommandOutcome.of(ref.getKind(), record).asRemembered();
    }

    private static String idOf(Message record) {
        if (record == null) {
            return "";
        }
        return (String) record.getField(record.getDescriptorForType().findFieldByName("id"));
    }

    private static RejectionRecord invalid(String field, String message) {
        return RejectedException.invalidArgument(field, message).rejection();
    }

    @Override
    public void endBatch(long index) {
        appliedIndex = index;
        store.commit(index, clockMillis);
    }

    @Override
    public StateCapture capture() {
        StateStore.Capture capture = store.capture();
        return new StateCapture() {
            @Override
            public long index() {
                return capture.meta().getAppliedIndex();
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                capture.writeTo(out);
            }

            @Override
            public boolean makeDurable() {
                // A WAL sync: the store already holds everything through the capture's index (endBatch committed
                // it), only not durably yet. O(writes since the last sync), not O(state).
                store.sync();
                return true;
            }

            @Override
            public void close() {
                capture.close();
            }
        };
    }

    @Override
    public void restore(long index, InputStream payload) throws IOException {
        StateMeta restored = store.restore(payload);
        if (restored.getAppliedIndex() != index) {
            throw new IOException("the snapshot holds the state at " + restored.getAppliedIndex() + ", not at " + index);
        }
        loadHotSet();
    }

    /** Closes the store (after the Raft server stopped). */
    public void close() {
        if (store != null) {
            store.close();
        }
    }

    // ================================================================ for queries and metrics (driver thread)

    public StateQueries queries() {
        return queries;
    }

    /** The state hash at the applied index: equal on replicas at the same index. Hex. */
    public String stateHash() {
        return HexFormat.of().formatHex(store.meta().getStateHash().toByteArray());
    }

    /** SHA-256 of every record of the state, hex: O(state), for tests and diagnostics. */
    public String contentDigest() {
        return HexFormat.of().formatHex(store.contentDigest());
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public long clockMillis() {
        return clockMillis;
    }

    BookingLimits limits() {
        return limits;
    }

    Users users() {
        return users;
    }

    Catalog catalog() {
        return catalog;
    }

    Occupancy occupancy() {
        return occupancy;
    }

    Holds holds() {
        return holds;
    }

    Bookings bookings() {
        return bookings;
    }

    Payments payments() {
        return payments;
    }

    AuditLog audit() {
        return audit;
    }

    Idempotency idempotency() {
        return idempotency;
    }

    Counters counters() {
        return counters;
    }

    /** The store, for size metrics (thread-safe property reads). */
    public StateStore store() {
        return store;
    }
}
