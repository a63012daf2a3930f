package io.boxoffice.cli.render;

import io.boxoffice.proto.v1.AuditEvent;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingStatus;
import io.boxoffice.proto.v1.ClusterStatus;
import io.boxoffice.proto.v1.Hold;
import io.boxoffice.proto.v1.Movie;
import io.boxoffice.proto.v1.NodeRole;
import io.boxoffice.proto.v1.NodeStatus;
import io.boxoffice.proto.v1.Refund;
import io.boxoffice.proto.v1.Screen;
import io.boxoffice.proto.v1.SeatLine;
import io.boxoffice.proto.v1.Show;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;

/** Tables and detail views of the API's messages, for the menu and for {@code --output table}. */
public final class Views {

    /** Lag beyond which a node is reported as lagging rather than healthy. */
    static final long LAG_HEALTHY_ENTRIES_MAX = 100;

    private Views() {
    }

    public static String movies(List<Movie> movies, Ansi ansi) {
        Table table = new Table("#", "ID", "TITLE", "MINUTES", "RATING", "GENRES");
        int number = 1;
        for (Movie movie : movies) {
            table.row(number++, movie.getId(), movie.getTitle(), movie.getDurationMinutes(), movie.getAgeRating(),
                    String.join(", ", movie.getGenresList()));
        }
        return table.isEmpty() ? "No movies.\n" : table.render(ansi);
    }

    public static String shows(List<Show> shows, ZoneId zone, Ansi ansi) {
        Table table = new Table("#", "ID", "MOVIE", "SCREEN", "STARTS", "FREE", "STATUS");
        int number = 1;
        for (Show show : shows) {
            table.row(number++, show.getId(), show.getMovieTitle(), show.getScreenName(),
                    Formats.showTime(show.getStartsAtMillis(), zone), show.getSeatsFree() + "/" + show.getSeatsTotal(),
                    Formats.enumName(show.getStatus(), "SHOW_STATUS_"));
        }
        return table.isEmpty() ? "No shows.\n" : table.render(ansi);
    }

    public static String screens(List<Screen> screens, Ansi ansi) {
        Table table = new Table("ID", "NAME", "ROWS", "SEATS/ROW", "CATEGORIES", "BLOCKED");
        for (Screen screen : screens) {
            table.row(screen.getId(), screen.getName(), screen.getLayout().getRowCount(),
                    screen.getLayout().getSeatsPerRow(), screen.getLayout().getCategoriesList().stream()
                            .map(category -> category.getName() + " " + Formats.money(category.getPrice()))
                            .collect(Collectors.joining(", ")),
                    String.join(",", screen.getLayout().getBlockedSeatIdsList()));
        }
        return table.isEmpty() ? "No screens.\n" : table.render(ansi);
    }

    public static String bookings(List<Booking> bookings, ZoneId zone, Ansi ansi) {
        Table table = new Table("#", "BOOKING", "MOVIE", "STARTS", "SEATS", "AMOUNT", "STATUS", "REFUNDED");
        int number = 1;
        for (Booking booking : bookings) {
            table.row(number++, booking.getId(), booking.getMovieTitle(),
                    Formats.showTime(booking.getShowStartsAtMillis(), zone), seats(booking.getSeatsList()),
                    Formats.money(booking.getAmount()), status(booking, ansi),
                    booking.getRefunded().getAmountMinor() > 0 ? Formats.money(booking.getRefunded()) : "");
        }
        return table.isEmpty() ? "No bookings yet.\n" : table.render(ansi);
    }

    private static String status(Booking booking, Ansi ansi) {
        String status = Formats.enumName(booking.getStatus(), "BOOKING_STATUS_");
        return switch (booking.getStatus()) {
            case BOOKING_STATUS_CONFIRMED -> ansi.green(status);
            case BOOKING_STATUS_CANCELLED -> ansi.grey(status);
            default -> status;
        };
    }

    public static String holds(List<Hold> holds, long nowMillis, Ansi ansi) {
        Table table = new Table("HOLD", "SHOW", "SEATS", "AMOUNT", "STATUS", "EXPIRES IN");
        for (Hold hold : holds) {
            table.row(hold.getId(), hold.getShowId(), seats(hold.getSeatsList()), Formats.money(hold.getAmount()),
                    Formats.enumName(hold.getStatus(), "HOLD_STATUS_"),
                    Formats.countdown(hold.getExpiresAtMillis() - nowMillis));
        }
        return table.isEmpty() ? "No active holds.\n" : table.render(ansi);
    }

    public static String hold(Hold hold, long nowMillis) {
        return "Hold " + hold.getId() + ": " + seats(hold.getSeatsList()) + ", " + Formats.money(hold.getAmount())
                + ", " + Formats.enumName(hold.getStatus(), "HOLD_STATUS_") + ", expires in "
                + Formats.countdown(hold.getExpiresAtMillis() - nowMillis) + "\n";
    }

    public static String booking(Booking booking, ZoneId zone, Ansi ansi) {
        StringBuilder out = new StringBuilder();
        out.append(ansi.bold("Booking " + booking.getId())).append('\n');
        out.append("  movie     ").append(booking.getMovieTitle()).append('\n');
        out.append("  screen    ").append(booking.getScreenName()).append('\n');
        out.append("  starts    ").append(Formats.showTime(booking.getShowStartsAtMillis(), zone)).append('\n');
        out.append("  seats     ").append(seatsWithPrices(booking.getSeatsList())).append('\n');
        out.append("  amount    ").append(Formats.money(booking.getAmount())).append('\n');
        if (booking.getStatus() == BookingStatus.BOOKING_STATUS_CONFIRMED && booking.getFullRefundUntilMillis() > 0) {
            out.append("  refund    full if cancelled by ")
                    .append(Formats.showTime(booking.getFullRefundUntilMillis(), zone)).append(", none after\n");
        }
        out.append("  status    ").append(status(booking, ansi));
        if (!booking.getStatusReason().isEmpty()) {
            out.append(" (").append(booking.getStatusReason()).append(')');
        }
        out.append('\n');
        if (booking.hasPayment()) {
            out.append("  payment   ").append(booking.getPayment().getCardBrand()).append(" ****")
                    .append(booking.getPayment().getCardLast4()).append(", ")
                    .append(Formats.enumName(booking.getPayment().getStatus(), "PAYMENT_STATUS_")).append('\n');
            for (Refund refund : booking.getPayment().getRefundsList()) {
                out.append("  refund    ").append(Formats.money(refund.getAmount())).append(" (")
                        .append(Formats.enumName(refund.getKind(), "REFUND_KIND_")).append(refund.getReason().isEmpty()
                                ? "" : ": " + refund.getReason()).append(")\n");
            }
        }
        if (booking.getRefunded().getAmountMinor() > 0) {
            out.append("  refunded  ").append(Formats.money(booking.getRefunded())).append('\n');
        }
        if (booking.getAuditCount() > 0) {
            out.append("  history\n");
            for (AuditEvent event : booking.getAuditList()) {
                out.append("    ").append(Formats.showTime(event.getAtMillis(), zone)).append("  ")
                        .append(event.getKind()).append("  ").append(event.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    public static String seats(List<SeatLine> seats) {
        return seats.stream().map(SeatLine::getSeatId).collect(Collectors.joining(","));
    }

    static String seatsWithPrices(List<SeatLine> seats) {
        return seats.stream().map(seat -> seat.getSeatId() + " (" + seat.getCategory() + " "
                + Formats.money(seat.getPrice()) + ")").collect(Collectors.joining(", "));
    }

    /** The node table of {@code cluster status}. */
    public static String cluster(ClusterStatus status, Ansi ansi) {
        Table table = new Table("NODE", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "LAG", "MATCH", "VOTER", "HEALTH",
                "ADDRESS");
        for (NodeStatus node : status.getNodesList()) {
            table.row(node.getId(), role(node.getRole(), ansi), node.getTerm(), node.getLeaderId(), node.getCommitIndex(),
                    node.getAppliedIndex(), node.getLag(), node.getMatchIndex(), node.getVoter() ? "yes" : "learner",
                    health(node, ansi), node.getAddress());
        }
        return "cluster " + status.getClusterId() + ", leader " + (status.getLeaderId().isEmpty() ? "(none)"
                : status.getLeaderId()) + ", term " + status.getTerm() + " (reported by " + status.getReportingNodeId()
                + ")\n" + table.render(ansi);
    }

    static String role(NodeRole role, Ansi ansi) {
        String name = Formats.enumName(role, "NODE_ROLE_");
        return switch (role) {
            case NODE_ROLE_LEADER -> ansi.boldGreen(name);
            case NODE_ROLE_UNREACHABLE -> ansi.boldRed(name);
            case NODE_ROLE_CANDIDATE, NODE_ROLE_PRE_CANDIDATE -> ansi.yellow(name);
            default -> name;
        };
    }

    /** "ok", "lagging", "applying" or "down", from what the reporting node knows. */
    public static String healthWord(NodeStatus node) {
        if (node.getRole() == NodeRole.NODE_ROLE_UNREACHABLE) {
            return "down";
        }
        if (node.getLag() > LAG_HEALTHY_ENTRIES_MAX) {
            return "lagging";
        }
        if (node.getCommitIndex() - node.getAppliedIndex() > LAG_HEALTHY_ENTRIES_MAX) {
            return "applying";
        }
        return "ok";
    }

    static String health(NodeStatus node, Ansi ansi) {
        String word = healthWord(node);
        return switch (word) {
            case "ok" -> ansi.green(word);
            case "down" -> ansi.boldRed(word);
            default -> ansi.yellow(word);
        };
    }
}
