package io.boxoffice.cli.menu;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.client.Endpoint;
import io.boxoffice.cli.client.RetryPolicy;
import io.boxoffice.cli.client.SessionStore;
import io.boxoffice.cli.render.Ansi;
import io.boxoffice.cli.testing.AssistantAnswers;
import io.boxoffice.cli.testing.FakeNode;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.Seat;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The menu driven by scripted input against an in-process fake node that answers like a booking node,
 * including its errors: every error a user can meet must show as one line and the menu must go on.
 */
class InteractiveMenuTest {

    static final long NOW = FakeNode.NOW;

    final FakeNode node = new FakeNode();
    final String name = "menu-test-" + System.nanoTime();
    Server server;
    ClusterClient client;
    @TempDir
    Path config;

    @BeforeEach
    void start() throws Exception {
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
        node.services().forEach(builder::addService);
        server = builder.build().start();
        client = new ClusterClient(List.of(new Endpoint(Optional.of("n1"), "127.0.0.1", 9101)),
                new RetryPolicy(2, 1, 1, 5000), endpoint -> InProcessChannelBuilder.forName(name).directExecutor().build(),
                millis -> { }, () -> 0.0);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    String run(String... lines) {
        StringWriter output = new StringWriter();
        Terminal terminal = new Terminal.Streams(new BufferedReader(new StringReader(String.join("\n", lines) + "\n")),
                new PrintWriter(output, true), Ansi.OFF);
        SessionStore sessions = new SessionStore(config.resolve("session"));
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        InteractiveMenu menu = new InteractiveMenu(terminal, sessions,
                session -> new BoxofficeApi(client, session::token), new BoxofficeApi(client, () -> null), clock,
                ZoneOffset.UTC);
        assertThat(menu.run()).isZero();
        String text = output.toString();
        assertThat(text).doesNotContain("Exception", "\tat ", "io.grpc");
        return text;
    }

    @Test
    void the_whole_flow_login_movies_book_with_a_declined_card_then_a_good_one_bookings_cancel_logout() {
        String out = run(
                "1", "user1", "password1",           // log in
                "1", "1",                            // movies, then the shows of movie 1
                "2", "1", "A1,A2",                   // book show 1: A1 is taken
                "best 2",                            // best available instead
                "4000000000000002",                  // declined card: the hold stays
                "",                                  // the default test card
                "3", "",                             // my bookings
                "4", "1", "y",                       // cancel it
                "6", "0");                           // log out, quit
        assertThat(out).contains("Welcome, user1.", "Split Brain", "125");
        assertThat(out).contains("Seat A1 is already taken: pick other seats");
        assertThat(out).contains("Held B2,B3 for 24.00 EUR", "Test cards:", "hold expires in 10:00");
        assertThat(out).contains("Not possible now: payment declined (card_declined)");
        assertThat(out).contains("Booked bkg_1: B2,B3, paid 24.00 EUR.");
        assertThat(out).containsPattern("1 +bkg_1 +Split Brain .* B2,B3 +24.00 EUR +confirmed");
        assertThat(out).contains("The show starts in 1d 0h: you get a full refund of 24.00 EUR.");
        assertThat(out).contains("Cancelled bkg_1; refunded 24.00 EUR of 24.00 EUR.");
        assertThat(out).contains("Logged out.", "Bye.");
        assertThat(node.cards).containsExactly("4000000000000002", "4242424242424242");
    }

    @Test
    void every_user_error_gets_a_one_line_explanation_and_the_menu_goes_on() {
        String out = run(
                "7",                                 // unknown choice before login
                "1", "user1", "wrong",               // wrong password
                "1", "", "1", "user1", "",           // empty user name, then empty password
                "1", "user1", "password1",
                "9",                                 // unknown menu entry
                "1", "x", "5", "",                   // not-a-number and out-of-range movie numbers
                "2", "1", "Q", "Z9", "C1", "A3,A3", "best", "",   // bad seat inputs, then back
                "5", "when is my show?",             // the assistant is down
                "4",                                 // nothing to cancel
                "0");
        assertThat(out).contains("Unknown choice '7': type 1 to log in or 0 to quit.");
        assertThat(out).contains("Not logged in, or the session expired (wrong user name or password): log in again");
        assertThat(out).contains("No user name given: nothing changed.", "No password given: nothing changed.");
        assertThat(out).contains("Unknown choice '9': type a number from the menu.");
        assertThat(out).contains("Type a number from 1 to 1, or press Enter to go back.");
        assertThat(out).contains("'Q' is not a seat: a seat is a row letter and a number, for example C5.");
        assertThat(out).contains("Seat Z9 does not exist in this screen.", "Seat C1 does not exist in this screen.");
        assertThat(out).contains("Seat A3 is listed twice.");
        assertThat(out).contains("Type 'best N' or 'best N category'");
        assertThat(out).contains("The service is unavailable right now after 2 attempts: the assistant service at "
                + "127.0.0.1:8190 is unreachable");
        assertThat(out).contains("No confirmed bookings to cancel.");
        for (String line : out.split("\n")) {
            if (line.startsWith("✗") || line.startsWith("!")) {
                assertThat(line.length()).as(line).isLessThan(300);
            }
        }
    }

    @Test
    void releasing_a_hold_frees_its_seats() {
        String out = run("1", "user1", "password1", "2", "1", "B4", "r", "0");
        assertThat(out).contains("Held B4 for 12.00 EUR", "Released the hold; the seats are free again.");
    }

    @Test
    void an_unreachable_cluster_is_explained_with_the_next_step() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        client.close();
        // A real TCP channel to a port nobody listens on: the refused connection of a stopped cluster.
        client = new ClusterClient(List.of(new Endpoint(Optional.of("n1"), "127.0.0.1", closedPort)),
                new RetryPolicy(2, 1, 1, 5000), io.boxoffice.cli.client.Channels::plaintext, millis -> { }, () -> 0.0);
        String out = run("1", "user1", "password1", "0");
        assertThat(out).contains("No booking node answered (last tried n1 (127.0.0.1:" + closedPort + ")) after 2 attempts: "
                + "is the cluster running? Start it with ./boxoffice up");
    }

    @Test
    void refund_previews_follow_the_cut_off_the_server_states_on_the_booking() {
        Booking booking = Booking.newBuilder().setShowStartsAtMillis(NOW + 3 * 3_600_000L)
                .setFullRefundUntilMillis(NOW + 3_600_000L)
                .setAmount(Money.newBuilder().setAmountMinor(2400).setCurrency("EUR")).build();
        assertThat(InteractiveMenu.refundPreview(booking, NOW)).contains("full refund of 24.00 EUR")
                .contains("Full refunds end 2h 00m before the show");
        assertThat(InteractiveMenu.refundPreview(booking, NOW + 2 * 3_600_000L)).contains("no refund")
                .contains("less than 2h 00m");
        assertThat(InteractiveMenu.refundPreview(booking, NOW + 4 * 3_600_000L)).contains("has started");

        // Another cluster's window (30 minutes): the menu follows it, nothing is assumed.
        Booking shortWindow = booking.toBuilder().setFullRefundUntilMillis(NOW + 150 * 60_000L).build();
        assertThat(InteractiveMenu.refundPreview(shortWindow, NOW + 2 * 3_600_000L)).contains("full refund of 24.00 EUR")
                .contains("Full refunds end 30m before the show");
        assertThat(InteractiveMenu.refundPreview(shortWindow, NOW + 160 * 60_000L)).contains("no refund");

        // A server that does not state it: the policy's shape, no invented numbers.
        Booking unstated = booking.toBuilder().clearFullRefundUntilMillis().build();
        assertThat(InteractiveMenu.refundPreview(unstated, NOW)).contains("the cluster's policy")
                .doesNotContain("24.00").doesNotContainPattern("\\d+h \\d+m before");
    }

    // ------------------------------------------------------------------ the assistant's proposed actions

    /** Logs in and books B2,B3 (bkg_1, 24.00 EUR) through the menu; returns the menu input for that. */
    static List<String> loginAndBook() {
        return List.of("1", "user1", "password1", "2", "1", "best 2", "");
    }

    String runScript(List<String> prefix, String... lines) {
        List<String> all = new java.util.ArrayList<>(prefix);
        all.addAll(List.of(lines));
        return run(all.toArray(String[]::new));
    }

    @Test
    void a_declined_proposal_changes_nothing() {
        node.assistantAnswer = AssistantAnswers.proposesCancel("bkg_1", 2400);
        String out = runScript(loginAndBook(), "5", "cancel my Split Brain booking", "n", "0");
        assertThat(out).contains("Proposed, not done: Cancel booking bkg_1", "Cancel booking bkg_1 now? [y/N] ",
                "Nothing changed.");
        assertThat(node.cancelsApplied.get()).isZero();
        assertThat(node.cancelKeys).isEmpty();
        assertThat(node.bookings.get("bkg_1").getStatus()).isEqualTo(io.boxoffice.proto.v1.BookingStatus.BOOKING_STATUS_CONFIRMED);
    }

    @Test
    void an_accepted_proposal_changes_exactly_one_booking_as_the_user() {
        node.assistantAnswer = AssistantAnswers.proposesCancel("bkg_1", 2400);
        String out = runScript(loginAndBook(), "5", "cancel my Split Brain booking", "y", "0");
        assertThat(out).contains("Cancelled bkg_1; refunded 24.00 EUR of 24.00 EUR.");
        assertThat(node.cancelsApplied.get()).isEqualTo(1);
        assertThat(node.cancelKeys).hasSize(1).allSatisfy(key -> assertThat(key).startsWith("bkctl-"));
        assertThat(node.bookings.get("bkg_1").getStatusReason()).isEqualTo("cancelled by the user through the assistant");
    }

    @Test
    void an_accepted_proposal_retried_after_a_lost_answer_changes_nothing_more() {
        node.assistantAnswer = AssistantAnswers.proposesCancel("bkg_1", 2400);
        node.cancelsToLoseAnswerOf.set(1); // applied, then the answer is lost: the client retries with the same key
        String out = runScript(loginAndBook(), "5", "cancel my Split Brain booking", "y", "0");
        assertThat(out).contains("Cancelled bkg_1; refunded 24.00 EUR of 24.00 EUR.");
        assertThat(node.cancelKeys).hasSize(2);
        assertThat(node.cancelKeys.get(1)).isEqualTo(node.cancelKeys.get(0));
        assertThat(node.cancelsApplied.get()).isEqualTo(1);
    }

    @Test
    void an_accepted_hold_goes_on_to_the_payment_prompt() {
        node.assistantAnswer = AssistantAnswers.proposesHold("shw_1", 2);
        String out = run("1", "user1", "password1", "5", "hold 2 seats for Split Brain tomorrow", "yes", "", "0");
        assertThat(out).contains("Place this hold now? [y/N] ", "Held B2,B3 for 24.00 EUR", "Booked bkg_1: B2,B3, paid 24.00 EUR.");
        assertThat(node.holdsApplied.get()).isEqualTo(1);
    }

    @Test
    void a_facts_only_answer_says_the_model_is_not_loaded_once() {
        node.assistantAnswer = AssistantAnswers.factsOnly("You have no bookings.");
        String out = run("1", "user1", "password1", "5", "what did I book?", "0");
        assertThat(out).contains("You have no bookings.");
        assertThat(out.split("not loaded", -1)).as("'not loaded' appears once").hasSize(2);
    }
}
