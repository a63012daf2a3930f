package io.boxoffice.booking.app.views;

import io.boxoffice.booking.domain.Moneys;
import io.boxoffice.booking.domain.StateQueries;
import io.boxoffice.booking.domain.catalog.SeatLayout;
import io.boxoffice.booking.domain.holds.HoldCommands;
import io.boxoffice.proto.replicated.v1.AuditEventRecord;
import io.boxoffice.proto.replicated.v1.BookingRecord;
import io.boxoffice.proto.replicated.v1.HoldRecord;
import io.boxoffice.proto.replicated.v1.HoldState;
import io.boxoffice.proto.replicated.v1.LayoutRecord;
import io.boxoffice.proto.replicated.v1.MoneyRecord;
import io.boxoffice.proto.replicated.v1.MovieRecord;
import io.boxoffice.proto.replicated.v1.PaymentRecord;
import io.boxoffice.proto.replicated.v1.RefundRecord;
import io.boxoffice.proto.replicated.v1.ScreenRecord;
import io.boxoffice.proto.replicated.v1.SeatCategoryRecord;
import io.boxoffice.proto.replicated.v1.SeatLineRecord;
import io.boxoffice.proto.replicated.v1.ShowRecord;
import io.boxoffice.proto.replicated.v1.UserRecord;
import io.boxoffice.proto.v1.AuditEvent;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.CategoryAvailability;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.HoldStatus;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.Payment;
import io.boxoffice.proto.v1.PaymentStatus;
import io.boxoffice.proto.v1.Refund;
import io.boxoffice.proto.v1.RefundKind;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.Seat;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.SeatMap;
import io.boxoffice.proto.v1.SeatRow;
import io.boxoffice.proto.v1.SeatState;
import io.boxoffice.proto.v1.Show;
import io.boxoffice.proto.v1.ShowStatus;
import io.boxoffice.proto.v1.User;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public API's messages ({@code boxoffice.v1}) built from the state's records
 * ({@code boxoffice.replicated.v1}): the one place that knows both, so either side can change. Audit
 * events get their sentence here, from their structured fields.
 */
public final class PublicViews {

    private PublicViews() {
    }

    public static Money money(MoneyRecord money) {
        return Money.newBuilder().setAmountMinor(money.getAmountMinor()).setCurrency(money.getCurrency()).build();
    }

    public static MoneyRecord record(Money money) {
        return MoneyRecord.newBuilder().setAmountMinor(money.getAmountMinor()).setCurrency(money.getCurrency()).build();
    }

    public static User user(UserRecord user) {
        return User.newBuilder().setId(user.getId()).setUsername(user.getUsername()).addAllRoles(user.getRolesList())
                .setCreatedAtMillis(user.getCreatedAtMillis()).build();
    }

    public static Movie movie(MovieRecord movie) {
        return Movie.newBuilder().setId(movie.getId()).setTitle(movie.getTitle()).setDescription(movie.getDescription())
                .setDurationMinutes(movie.getDurationMinutes()).setAgeRating(movie.getAgeRating())
                .addAllGenres(movie.getGenresList()).setCreatedAtMillis(movie.getCreatedAtMillis())
                .setUpdatedAtMillis(movie.getUpdatedAtMillis()).build();
    }

    public static Screen screen(ScreenRecord screen) {
        return Screen.newBuilder().setId(screen.getId()).setName(screen.getName()).setLayout(layout(screen.getLayout()))
                .setCreatedAtMillis(screen.getCreatedAtMillis()).setUpdatedAtMillis(screen.getUpdatedAtMillis()).build();
    }

    public static ScreenLayout layout(LayoutRecord layout) {
        ScreenLayout.Builder view = ScreenLayout.newBuilder().setRowCount(layout.getRowCount())
                .setSeatsPerRow(layout.getSeatsPerRow()).addAllBlockedSeatIds(layout.getBlockedSeatIdsList());
        for (SeatCategoryRecord category : layout.getCategoriesList()) {
            view.addCategories(SeatCategory.newBuilder().setName(category.getName()).setPrice(money(category.getPrice()))
                    .addAllRows(category.getRowsList()));
        }
        return view.build();
    }

    public static LayoutRecord record(ScreenLayout layout) {
        LayoutRecord.Builder record = LayoutRecord.newBuilder().setRowCount(layout.getRowCount())
                .setSeatsPerRow(layout.getSeatsPerRow()).addAllBlockedSeatIds(layout.getBlockedSeatIdsList());
        for (SeatCategory category : layout.getCategoriesList()) {
            record.addCategories(SeatCategoryRecord.newBuilder().setName(category.getName())
                    .setPrice(record(category.getPrice())).addAllRows(category.getRowsList()));
        }
        return record.build();
    }

    /** A show with its movie's title, its screen's name and live seat counts (from {@code seats}, if known). */
    public static Show show(ShowRecord show, MovieRecord movie, ScreenRecord screen, StateQueries.SeatView seats) {
        Show.Builder view = Show.newBuilder().setId(show.getId()).setMovieId(show.getMovieId())
                .setScreenId(show.getScreenId()).setStartsAtMillis(show.getStartsAtMillis())
                .setStatus(switch (show.getState()) {
                    case SHOW_STATE_SCHEDULED -> ShowStatus.SHOW_STATUS_SCHEDULED;
                    case SHOW_STATE_CANCELLED -> ShowStatus.SHOW_STATUS_CANCELLED;
                    default -> ShowStatus.SHOW_STATUS_UNSPECIFIED;
                }).setCreatedAtMillis(show.getCreatedAtMillis()).setUpdatedAtMillis(show.getUpdatedAtMillis())
                .setMovieTitle(movie.getTitle()).setScreenName(screen.getName());
        if (seats != null) {
            view.setSeatsTotal(seats.sellableCount()).setSeatsFree(seats.freeCount());
        }
        return view.build();
    }

    public static SeatMap seatMap(StateQueries.SeatView seats, long asOfMillis) {
        SeatLayout layout = seats.layout();
        SeatMap.Builder map = SeatMap.newBuilder().setShowId(seats.show().getId()).setScreenId(seats.show().getScreenId())
                .setAsOfMillis(asOfMillis);
        Map<String, int[]> freeAndTotalByCategory = new LinkedHashMap<>();
        for (String category : layout.categories()) {
            freeAndTotalByCategory.put(category, new int[2]);
        }
        for (int row = 0; row < layout.rowCount(); row++) {
            SeatRow.Builder seatRow = SeatRow.newBuilder().setRow(SeatLayout.rowLabel(row));
            String category = layout.categoryOfRow(row);
            int[] counts = freeAndTotalByCategory.get(category);
            Money price = money(layout.priceOfCategory(category));
            for (int number = 1; number <= layout.seatsPerRow(); number++) {
                int index = row * layout.seatsPerRow() + number - 1;
                SeatState state = switch (seats.seat(index)) {
                    case FREE -> SeatState.SEAT_STATE_FREE;
                    case HELD -> SeatState.SEAT_STATE_HELD;
                    case BOOKED -> SeatState.SEAT_STATE_BOOKED;
                    case BLOCKED -> SeatState.SEAT_STATE_BLOCKED;
                };
                if (state != SeatState.SEAT_STATE_BLOCKED) {
                    counts[1]++;
                    if (state == SeatState.SEAT_STATE_FREE) {
                        counts[0]++;
                    }
                }
                seatRow.addSeats(Seat.newBuilder().setId(SeatLayout.seatId(row, number)).setNumber(number)
                        .setState(state).setCategory(category).setPrice(price).setMine(seats.mine(index)));
            }
            map.addRows(seatRow);
        }
        freeAndTotalByCategory.forEach((category, counts) -> map.addCategories(CategoryAvailability.newBuilder()
                .setCategory(category).setPrice(money(layout.priceOfCategory(category)))
                .setSeatsFree(counts[0]).setSeatsTotal(counts[1])));
        return map.build();
    }

    /** A hold; an active one past its expiry at {@code viewAtMillis} shows as expired. */
    public static Hold hold(HoldRecord hold, List<AuditEventRecord> audit, long viewAtMillis) {
        HoldStatus status = switch (hold.getState()) {
            case HOLD_STATE_ACTIVE -> hold.getExpiresAtMillis() <= viewAtMillis ? HoldStatus.HOLD_STATUS_EXPIRED
                    : HoldStatus.HOLD_STATUS_ACTIVE;
            case HOLD_STATE_CONFIRMED -> HoldStatus.HOLD_STATUS_CONFIRMED;
            case HOLD_STATE_RELEASED -> HoldStatus.HOLD_STATUS_RELEASED;
            case HOLD_STATE_EXPIRED -> HoldStatus.HOLD_STATUS_EXPIRED;
            default -> HoldStatus.HOLD_STATUS_UNSPECIFIED;
        };
        boolean expiredAtView = hold.getState() == HoldState.HOLD_STATE_ACTIVE && status == HoldStatus.HOLD_STATUS_EXPIRED;
        Hold.Builder view = Hold.newBuilder().setId(hold.getId()).setUserId(hold.getUserId()).setShowId(hold.getShowId())
                .addAllSeats(seatLines(hold.getSeatsList())).setAmount(money(hold.getAmount())).setStatus(status)
                .setCreatedAtMillis(hold.getCreatedAtMillis()).setExpiresAtMillis(hold.getExpiresAtMillis())
                .setStatusReason(expiredAtView ? HoldCommands.EXPIRY_REASON : hold.getStatusReason())
                .setBookingId(hold.getBookingId()).setMaxExpiresAtMillis(hold.getMaxExpiresAtMillis())
                .setUpdatedAtMillis(hold.getUpdatedAtMillis());
        hold.getPaymentsList().forEach(payment -> view.addPayments(payment(payment)));
        audit.forEach(event -> view.addAudit(auditEvent(event)));
        return view.build();
    }

    /** A booking with its show's labels (title, screen, start) as the command saw them. */
    public static Booking booking(BookingRecord booking, io.boxoffice.booking.domain.CommandOutcome.ShowLabels show,
                                  List<AuditEventRecord> audit) {
        Booking.Builder view = Booking.newBuilder().setId(booking.getId()).setUserId(booking.getUserId())
                .setShowId(booking.getShowId()).setHoldId(booking.getHoldId()).addAllSeats(seatLines(booking.getSeatsList()))
                .setAmount(money(booking.getAmount()))
                .setStatus(switch (booking.getState()) {
                    case BOOKING_STATE_CONFIRMED -> BookingStatus.BOOKING_STATUS_CONFIRMED;
                    case BOOKING_STATE_CANCELLED -> BookingStatus.BOOKING_STATUS_CANCELLED;
                    default -> BookingStatus.BOOKING_STATUS_UNSPECIFIED;
                })
                .setPayment(payment(booking.getPayment())).setRefunded(money(booking.getRefunded()))
                .setCreatedAtMillis(booking.getCreatedAtMillis()).setUpdatedAtMillis(booking.getUpdatedAtMillis())
                .setStatusReason(booking.getStatusReason());
        if (show != null) {
            view.setShowStartsAtMillis(show.startsAtMillis()).setMovieTitle(show.movieTitle())
                    .setScreenName(show.screenName()).setFullRefundUntilMillis(show.fullRefundUntilMillis());
        }
        audit.forEach(event -> view.addAudit(auditEvent(event)));
        return view.build();
    }

    public static Payment payment(PaymentRecord payment) {
        Payment.Builder view = Payment.newBuilder().setId(payment.getId())
                .setStatus(switch (payment.getState()) {
                    case PAYMENT_STATE_CAPTURED -> PaymentStatus.PAYMENT_STATUS_CAPTURED;
                    case PAYMENT_STATE_DECLINED -> PaymentStatus.PAYMENT_STATUS_DECLINED;
                    case PAYMENT_STATE_PARTIALLY_REFUNDED -> PaymentStatus.PAYMENT_STATUS_PARTIALLY_REFUNDED;
                    case PAYMENT_STATE_REFUNDED -> PaymentStatus.PAYMENT_STATUS_REFUNDED;
                    case PAYMENT_STATE_VOIDED -> PaymentStatus.PAYMENT_STATUS_VOIDED;
                    default -> PaymentStatus.PAYMENT_STATUS_UNSPECIFIED;
                })
                .setAmount(money(payment.getAmount())).setRefunded(money(payment.getRefunded()))
                .setCardLast4(payment.getCardLast4()).setCardBrand(payment.getCardBrand())
                .setDeclineCode(payment.getDeclineCode()).setMessage(payment.getMessage())
                .setCreatedAtMillis(payment.getCreatedAtMillis()).setHoldId(payment.getHoldId())
                .setBookingId(payment.getBookingId());
        for (RefundRecord refund : payment.getRefundsList()) {
            view.addRefunds(Refund.newBuilder().setId(refund.getId()).setAmount(money(refund.getAmount()))
                    .setKind(switch (refund.getKind()) {
                        case REFUND_KIND_CANCELLATION -> RefundKind.REFUND_KIND_CANCELLATION;
                        case REFUND_KIND_ADMIN -> RefundKind.REFUND_KIND_ADMIN;
                        case REFUND_KIND_PAYMENT_NOT_APPLIED -> RefundKind.REFUND_KIND_PAYMENT_NOT_APPLIED;
                        case REFUND_KIND_SHOW_CANCELLED -> RefundKind.REFUND_KIND_SHOW_CANCELLED;
                        default -> RefundKind.REFUND_KIND_UNSPECIFIED;
                    }).setReason(refund.getReason()).setCreatedAtMillis(refund.getCreatedAtMillis())
                    .setActorUserId(refund.getActorUserId()));
        }
        return view.build();
    }

    private static List<SeatLine> seatLines(List<SeatLineRecord> lines) {
        return lines.stream().map(line -> SeatLine.newBuilder().setSeatId(line.getSeatId())
                .setCategory(line.getCategory()).setPrice(money(line.getPrice())).build()).toList();
    }

    /** An audit event with its kind's public name and a sentence built from its fields. */
    public static AuditEvent auditEvent(AuditEventRecord event) {
        return AuditEvent.newBuilder().setAtMillis(event.getAtMillis()).setLogIndex(event.getLogIndex())
                .setKind(AuditSentences.kind(event.getKind())).setActorUserId(event.getActorUserId())
                .setMessage(AuditSentences.sentence(event)).setHoldId(event.getHoldId())
                .setBookingId(event.getBookingId()).build();
    }

    static String format(MoneyRecord money) {
        return Moneys.format(money);
    }
}
