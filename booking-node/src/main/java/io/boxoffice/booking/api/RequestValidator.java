package io.boxoffice.booking.api;

import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.domain.FieldLimits;
import io.boxoffice.proto.v1.AddMemberRequest;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListMyBookingsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.RemoveMemberRequest;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateScreenRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import io.boxoffice.booking.config.PeerSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the shape of every request before anything is proposed: required fields, syntax of ids and
 * seats, lengths and counts within the configured limits. Facts that need the replicated state (does the
 * show exist, is the seat inside this screen, is it free) are the state machine's to decide.
 * Each method throws {@link InvalidArgument} naming every offending field.
 */
@ApplicationScoped
public class RequestValidator {

    private static final Pattern CARD_NUMBER = Pattern.compile("[0-9]{12,19}");
    private static final Pattern CVC = Pattern.compile("[0-9]{3,4}");
    /** A pod name, or {@code <pod>~<volume generation>} (see {@link io.boxoffice.booking.cluster.MemberIdentity}). */
    private static final Pattern MEMBER_ID = io.boxoffice.booking.cluster.MemberIdentity.MEMBER_ID;
    /** A DNS name is at most 253 characters; with ':' and a port that is 259. */
    static final int PEER_ADDRESS_LENGTH_MAX = 259;

    @Inject
    BoxofficeConfig config;

    private int maxKey() {
        return FieldLimits.IDEMPOTENCY_KEY_LENGTH_MAX;
    }

    public void login(LoginRequest request) {
        Checks checks = new Checks();
        checks.text("username", request.getUsername(), 1, FieldLimits.USERNAME_LENGTH_MAX);
        checks.text("password", request.getPassword(), 1, FieldLimits.PASSWORD_LENGTH_MAX);
        checks.done();
    }

    public void createUser(CreateUserRequest request) {
        Checks checks = new Checks();
        if (!FieldLimits.USERNAME.matcher(request.getUsername()).matches()) {
            checks.fail("username", "must be 3..32 characters of a-z, 0-9, '.', '_', '-'");
        }
        checks.text("password", request.getPassword(), FieldLimits.PASSWORD_LENGTH_MIN, FieldLimits.PASSWORD_LENGTH_MAX);
        Set<String> roles = new HashSet<>();
        for (int i = 0; i < request.getRolesCount(); i++) {
            String role = request.getRoles(i);
            if (!role.equals("user") && !role.equals("admin")) {
                checks.fail("roles[" + i + "]", "'" + Checks.abbreviate(role) + "' is not a role (user or admin)");
            } else if (!roles.add(role)) {
                checks.fail("roles[" + i + "]", "role '" + role + "' is listed twice");
            }
        }
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void id(String field, String value, String prefix) {
        Checks checks = new Checks();
        checks.id(field, value, prefix);
        checks.done();
    }

    public void createMovie(CreateMovieRequest request) {
        Checks checks = new Checks();
        checks.text("title", request.getTitle(), 1, FieldLimits.TITLE_LENGTH_MAX);
        checks.text("description", request.getDescription(), 0, FieldLimits.DESCRIPTION_LENGTH_MAX);
        checks.range("duration_minutes", request.getDurationMinutes(), 1, FieldLimits.DURATION_MINUTES_MAX);
        checks.text("age_rating", request.getAgeRating(), 0, FieldLimits.AGE_RATING_LENGTH_MAX);
        genres(checks, request.getGenresList());
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void updateMovie(UpdateMovieRequest request) {
        Checks checks = new Checks();
        checks.id("movie_id", request.getMovieId(), "mov_");
        if (request.hasTitle()) {
            checks.text("title", request.getTitle(), 1, FieldLimits.TITLE_LENGTH_MAX);
        }
        if (request.hasDescription()) {
            checks.text("description", request.getDescription(), 0, FieldLimits.DESCRIPTION_LENGTH_MAX);
        }
        if (request.hasDurationMinutes()) {
            checks.range("duration_minutes", request.getDurationMinutes(), 1, FieldLimits.DURATION_MINUTES_MAX);
        }
        if (request.hasAgeRating()) {
            checks.text("age_rating", request.getAgeRating(), 0, FieldLimits.AGE_RATING_LENGTH_MAX);
        }
        genres(checks, request.getGenresList());
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    private static void genres(Checks checks, List<String> genres) {
        if (genres.size() > FieldLimits.GENRES_MAX) {
            checks.fail("genres", "at most " + FieldLimits.GENRES_MAX + " genres");
            return;
        }
        for (int i = 0; i < genres.size(); i++) {
            checks.text("genres[" + i + "]", genres.get(i), 1, FieldLimits.GENRE_LENGTH_MAX);
        }
    }

    public void createScreen(CreateScreenRequest request) {
        Checks checks = new Checks();
        checks.text("name", request.getName(), 1, FieldLimits.SCREEN_NAME_LENGTH_MAX);
        if (!request.hasLayout()) {
            checks.fail("layout", "is required");
        } else {
            layout(checks, request.getLayout());
        }
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void updateScreen(UpdateScreenRequest request) {
        Checks checks = new Checks();
        checks.id("screen_id", request.getScreenId(), "scr_");
        if (request.hasName()) {
            checks.text("name", request.getName(), 1, FieldLimits.SCREEN_NAME_LENGTH_MAX);
        }
        if (request.hasLayout()) {
            layout(checks, request.getLayout());
        }
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    private static void layout(Checks checks, ScreenLayout layout) {
        checks.range("layout.row_count", layout.getRowCount(), 1, FieldLimits.ROWS_MAX);
        checks.range("layout.seats_per_row", layout.getSeatsPerRow(), 1, FieldLimits.SEATS_PER_ROW_MAX);
        if (!checks.ok()) {
            return;
        }
        if (layout.getCategoriesCount() == 0 || layout.getCategoriesCount() > FieldLimits.CATEGORIES_MAX) {
            checks.fail("layout.categories", "a layout needs 1.." + FieldLimits.CATEGORIES_MAX + " seat categories, had "
                    + layout.getCategoriesCount());
            return;
        }
        Set<String> names = new HashSet<>();
        Map<String, String> categoryOfRow = new HashMap<>();
        String currency = null;
        for (int i = 0; i < layout.getCategoriesCount(); i++) {
            SeatCategory category = layout.getCategories(i);
            String field = "layout.categories[" + i + "]";
            if (!FieldLimits.CATEGORY.matcher(category.getName()).matches()) {
                checks.fail(field + ".name", "must be 1..32 characters of a-z, 0-9, '_', '-'");
            } else if (!names.add(category.getName())) {
                checks.fail(field + ".name", "category '" + category.getName() + "' is defined twice");
            }
            if (!category.hasPrice()) {
                checks.fail(field + ".price", "is required");
            } else {
                checks.money(field + ".price", category.getPrice(), 1, FieldLimits.PRICE_MINOR_MAX);
                if (currency == null) {
                    currency = category.getPrice().getCurrency();
                } else if (!currency.equals(category.getPrice().getCurrency())) {
                    checks.fail(field + ".price.currency", "all categories must use the same currency (" + currency
                            + ")");
                }
            }
            for (int r = 0; r < category.getRowsCount(); r++) {
                String row = category.getRows(r);
                if (!Checks.ROW.matcher(row).matches() || row.charAt(0) - 'A' >= layout.getRowCount()) {
                    checks.fail(field + ".rows[" + r + "]", "'" + Checks.abbreviate(row) + "' is not a row of this "
                            + "screen (A.." + (char) ('A' + layout.getRowCount() - 1) + ")");
                } else if (categoryOfRow.put(row, category.getName()) != null) {
                    checks.fail(field + ".rows[" + r + "]", "row " + row + " belongs to two categories");
                }
            }
        }
        for (int row = 0; row < layout.getRowCount(); row++) {
            String letter = String.valueOf((char) ('A' + row));
            if (!categoryOfRow.containsKey(letter)) {
                checks.fail("layout.categories", "row " + letter + " belongs to no category; every row needs one");
                break;
            }
        }
        int seats = layout.getRowCount() * layout.getSeatsPerRow();
        if (layout.getBlockedSeatIdsCount() > seats) {
            checks.fail("layout.blocked_seat_ids", "at most " + seats + " seats (every seat of the layout), had "
                    + layout.getBlockedSeatIdsCount());
            return;
        }
        Set<String> blocked = new HashSet<>();
        for (int i = 0; i < layout.getBlockedSeatIdsCount(); i++) {
            String seat = layout.getBlockedSeatIds(i);
            String field = "layout.blocked_seat_ids[" + i + "]";
            checks.seat(field, seat);
            if (!blocked.add(seat)) {
                checks.fail(field, "seat " + Checks.abbreviate(seat) + " is listed twice");
            }
            if (Checks.SEAT_ID.matcher(seat).matches() && (seat.charAt(0) - 'A' >= layout.getRowCount()
                    || Integer.parseInt(seat.substring(1)) > layout.getSeatsPerRow())) {
                checks.fail(field, "seat " + seat + " is outside the " + layout.getRowCount() + " x "
                        + layout.getSeatsPerRow() + " layout");
            }
        }
    }

    public void createShow(CreateShowRequest request) {
        Checks checks = new Checks();
        checks.id("movie_id", request.getMovieId(), "mov_");
        checks.id("screen_id", request.getScreenId(), "scr_");
        startsAt(checks, request.getStartsAtMillis());
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void updateShow(UpdateShowRequest request) {
        Checks checks = new Checks();
        checks.id("show_id", request.getShowId(), "shw_");
        if (request.hasStartsAtMillis()) {
            startsAt(checks, request.getStartsAtMillis());
        }
        if (!request.hasStartsAtMillis() && !request.getCancel()) {
            checks.fail("starts_at_millis", "nothing to change: set starts_at_millis or cancel");
        }
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    /** A start time in the range the state machine accepts (start plus running time can never overflow). */
    private static void startsAt(Checks checks, long startsAtMillis) {
        if (startsAtMillis < FieldLimits.STARTS_AT_MILLIS_MIN || startsAtMillis > FieldLimits.STARTS_AT_MILLIS_MAX) {
            checks.fail("starts_at_millis", "must be milliseconds since the epoch between "
                    + java.time.Instant.ofEpochMilli(FieldLimits.STARTS_AT_MILLIS_MIN) + " and "
                    + java.time.Instant.ofEpochMilli(FieldLimits.STARTS_AT_MILLIS_MAX) + ", in the future");
        }
    }

    public void holdSeats(HoldSeatsRequest request) {
        Checks checks = new Checks();
        checks.id("show_id", request.getShowId(), "shw_");
        seatSelection(checks, request.getSeatIdsList(), request.hasBestAvailable(), request.getBestAvailable());
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void bookSeats(BookSeatsRequest request) {
        Checks checks = new Checks();
        checks.id("show_id", request.getShowId(), "shw_");
        seatSelection(checks, request.getSeatIdsList(), request.hasBestAvailable(), request.getBestAvailable());
        payment(checks, request.hasPayment(), request.getPayment());
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    private void seatSelection(Checks checks, List<String> seatIds, boolean hasBest, BestAvailable best) {
        int maxSeats = config.limits().maxSeatsPerHold();
        if (!seatIds.isEmpty() && hasBest) {
            checks.fail("seat_ids", "give either seat_ids or best_available, not both");
        } else if (hasBest) {
            checks.range("best_available.count", best.getCount(), 1, maxSeats);
            if (!best.getCategory().isEmpty() && !FieldLimits.CATEGORY.matcher(best.getCategory()).matches()) {
                checks.fail("best_available.category", "must be a category name (a-z, 0-9, '_', '-') or empty");
            }
        } else {
            checks.seatIds("seat_ids", seatIds, maxSeats);
        }
    }

    public void extendHold(ExtendHoldRequest request) {
        Checks checks = new Checks();
        checks.id("hold_id", request.getHoldId(), "hld_");
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void releaseHold(ReleaseHoldRequest request) {
        Checks checks = new Checks();
        checks.id("hold_id", request.getHoldId(), "hld_");
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void confirmHold(ConfirmHoldRequest request) {
        Checks checks = new Checks();
        checks.id("hold_id", request.getHoldId(), "hld_");
        payment(checks, request.hasPayment(), request.getPayment());
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    private static void payment(Checks checks, boolean present, PaymentDetails payment) {
        if (!present) {
            checks.fail("payment", "is required (card number, expiry, cvc)");
            return;
        }
        if (!CARD_NUMBER.matcher(payment.getCardNumber()).matches()) {
            checks.fail("payment.card_number", "must be 12..19 digits without spaces");
        }
        checks.range("payment.expiry_month", payment.getExpiryMonth(), 1, 12);
        checks.range("payment.expiry_year", payment.getExpiryYear(), 2000, 2100);
        if (!CVC.matcher(payment.getCvc()).matches()) {
            checks.fail("payment.cvc", "must be 3 or 4 digits");
        }
        checks.text("payment.cardholder_name", payment.getCardholderName(), 0, FieldLimits.CARDHOLDER_NAME_LENGTH_MAX);
    }

    public void listMyBookings(ListMyBookingsRequest request) {
        Checks checks = new Checks();
        paging(checks, request.getPageSize(), request.getPageToken());
        checks.done();
    }

    public void listAllBookings(ListAllBookingsRequest request) {
        Checks checks = new Checks();
        paging(checks, request.getPageSize(), request.getPageToken());
        if (request.hasShowId()) {
            checks.id("show_id", request.getShowId(), "shw_");
        }
        if (request.hasUserId()) {
            checks.id("user_id", request.getUserId(), "usr_");
        }
        checks.done();
    }

    private static void paging(Checks checks, int pageSize, String pageToken) {
        checks.range("page_size", pageSize, 0, FieldLimits.PAGE_SIZE_MAX);
        checks.text("page_token", pageToken, 0, FieldLimits.PAGE_TOKEN_LENGTH_MAX);
    }

    public void cancelBooking(CancelBookingRequest request) {
        Checks checks = new Checks();
        checks.id("booking_id", request.getBookingId(), "bkg_");
        checks.text("reason", request.getReason(), 0, FieldLimits.REASON_LENGTH_MAX);
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void refundBooking(RefundBookingRequest request) {
        Checks checks = new Checks();
        checks.id("booking_id", request.getBookingId(), "bkg_");
        if (request.hasAmount()) {
            checks.money("amount", request.getAmount(), 1, FieldLimits.BOOKING_AMOUNT_MINOR_MAX);
        }
        checks.text("reason", request.getReason(), 1, FieldLimits.REASON_LENGTH_MAX);
        checks.idempotencyKey("idempotency_key", request.getIdempotencyKey(), maxKey());
        checks.done();
    }

    public void ask(AskRequest request) {
        Checks checks = new Checks();
        checks.text("question", request.getQuestion(), 1, config.assistant().maxQuestionLength());
        if (!request.getTimeZone().isEmpty()) {
            try {
                ZoneId.of(request.getTimeZone());
            } catch (DateTimeException e) {
                checks.fail("time_zone", "'" + Checks.abbreviate(request.getTimeZone())
                        + "' is not an IANA time zone such as Europe/Berlin");
            }
        }
        checks.done();
    }

    public void transferLeadership(TransferLeadershipRequest request) {
        Checks checks = new Checks();
        if (!request.getTargetNodeId().isEmpty() && !MEMBER_ID.matcher(request.getTargetNodeId()).matches()) {
            checks.fail("target_node_id", "is not a member id (a pod name, optionally followed by '~' and the volume generation)");
        }
        checks.done();
    }

    public void addMember(AddMemberRequest request) {
        Checks checks = new Checks();
        if (!MEMBER_ID.matcher(request.getNodeId()).matches()) {
            checks.fail("node_id", request.getNodeId().isEmpty() ? "is required"
                    : "is not a member id (a pod name: lower-case letters, digits, '-', at most 63; optionally "
                    + "followed by '~' and the volume generation, as in boxoffice-2~1796594897)");
        }
        if (request.getAddress().length() > PEER_ADDRESS_LENGTH_MAX) {
            checks.fail("address", "must be at most " + PEER_ADDRESS_LENGTH_MAX + " characters (host:port)");
        } else if (PeerSpec.addressProblem(request.getAddress()) != null) {
            // PeerSpec's sentence quotes the whole address; the client gets it cut to the echo bound.
            checks.fail("address", "'" + Checks.abbreviate(request.getAddress()) + "' is not host:port with a host "
                    + "name or address and a port 1..65535 (the node's peer endpoint, a DNS name in Kubernetes)");
        }
        checks.done();
    }

    public void removeMember(RemoveMemberRequest request) {
        Checks checks = new Checks();
        if (!MEMBER_ID.matcher(request.getNodeId()).matches()) {
            checks.fail("node_id", request.getNodeId().isEmpty() ? "is required" : "is not a member id");
        }
        checks.done();
    }
}
