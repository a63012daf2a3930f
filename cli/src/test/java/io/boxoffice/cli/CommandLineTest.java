package io.boxoffice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.testing.FakeNode;
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
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scriptable commands end to end over an in-process fake node: options, output formats, exit codes. */
class CommandLineTest {

    final FakeNode node = new FakeNode();
    final String name = "command-line-test-" + System.nanoTime();
    Server server;
    @TempDir
    Path config;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
        node.services().forEach(builder::addService);
        server = builder.build().start();
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    Run run(String... args) {
        return runWithInput("", args);
    }

    Run runWithInput(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        BookingCtl root = new BookingCtl(new PrintWriter(out, true), new PrintWriter(err, true),
                new BufferedReader(new StringReader(input)), Map.of("BOOKINGCTL_CONFIG_DIR", config.toString()),
                Clock.fixed(Instant.ofEpochMilli(FakeNode.NOW), ZoneOffset.UTC),
                (endpoints, policy) -> new ClusterClient(endpoints, policy,
                        endpoint -> InProcessChannelBuilder.forName(name).directExecutor().build(), millis -> { }, () -> 0.0),
                false);
        return new Run(BookingCtl.run(root, args), out.toString(), err.toString());
    }

    @Test
    void login_then_book_prints_the_booking_and_a_taken_seat_exits_3_with_one_line() {
        assertThat(run("login", "-u", "user1", "-p", "password1").out()).startsWith("Logged in as user1 (user)");

        Run booked = run("book", "shw_1", "--seats", "B1,B2", "--nodes", "n1=127.0.0.1:9101");
        assertThat(booked.exit()).isZero();
        assertThat(booked.out()).startsWith("Booked bkg_1: B1,B2 for 24.00 EUR");

        Run taken = run("book", "shw_1", "--seats", "B2,B3");
        assertThat(taken.exit()).isEqualTo(3);
        assertThat(taken.err()).isEqualTo("error: Seat B2 is already taken: pick other seats "
                + "(seats not available; nothing was held)\n");
    }

    @Test
    void global_options_work_after_the_subcommand_and_json_is_valid_proto_json() {
        run("login", "-u", "user1", "-p", "password1");
        Run json = run("movies", "--output", "json", "--no-color");
        assertThat(json.exit()).isZero();
        assertThat(json.out()).contains("\"movies\": [", "\"title\": \"Split Brain\"", "\"durationMinutes\": 125");
        Run bad = run("movies", "-o", "yaml");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("error: Invalid input: --output must be table or json, not 'yaml'\n");
    }

    @Test
    void commands_that_need_a_session_say_how_to_get_one() {
        Run run = run("bookings");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: Not logged in: run `bookingctl login`");
    }

    @Test
    void seat_options_must_name_seats_or_a_count() {
        run("login", "-u", "user1", "-p", "password1");
        Run neither = run("hold", "shw_1");
        assertThat(neither.err()).contains("give either --seats A1,A2 or --best N");
        Run held = run("hold", "shw_1", "--best", "2");
        assertThat(held.exit()).isZero();
        assertThat(held.out()).contains("Hold hld_1: B2,B3, 24.00 EUR, active, expires in 10:00",
                "bookingctl confirm hld_1 --card 4242424242424242");
    }

    @Test
    void a_booking_shows_the_refund_cut_off_its_cluster_states_and_every_answer_ends_in_one_newline() {
        run("login", "-u", "user1", "-p", "password1");
        run("book", "shw_1", "--seats", "B1,B2");
        String cutOff = io.boxoffice.cli.render.Formats.showTime(FakeNode.SHOW_START
                - FakeNode.FULL_REFUND_WINDOW_MILLIS, java.time.ZoneId.systemDefault());
        Run text = run("booking", "bkg_1", "--no-color");
        assertThat(text.out()).contains("refund    full if cancelled by " + cutOff + ", none after\n")
                .endsWith("\n").doesNotEndWith("\n\n");
        Run json = run("booking", "bkg_1", "-o", "json");
        assertThat(json.out()).contains("\"fullRefundUntilMillis\": \"" + (FakeNode.SHOW_START
                - FakeNode.FULL_REFUND_WINDOW_MILLIS) + "\"").endsWith("}\n");
        Run cancelled = run("cancel", "bkg_1");
        assertThat(cancelled.out()).isEqualTo("Cancelled bkg_1; refunded 24.00 EUR of 24.00 EUR.\n");
    }

    @Test
    void release_answers_with_the_hold_as_it_is_now_as_text_or_json() {
        run("login", "-u", "user1", "-p", "password1");
        run("hold", "shw_1", "--seats", "B4");
        Run released = run("release", "hld_1");
        assertThat(released.exit()).isZero();
        assertThat(released.out()).startsWith("Hold hld_1: B4").contains("released").endsWith("\n");
        run("hold", "shw_1", "--seats", "B5");
        Run json = run("release", "hld_2", "--output", "json");
        assertThat(json.out()).contains("\"id\": \"hld_2\"", "\"status\": \"HOLD_STATUS_RELEASED\"");
    }

    @Test
    void a_wrong_password_exits_4_and_leaves_no_session() {
        Run run = run("login", "-u", "user1", "-p", "nope");
        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.err()).contains("Not logged in, or the session expired (wrong user name or password)");
        assertThat(config.resolve("session")).doesNotExist();
    }

    @Test
    void ask_runs_the_proposed_action_only_on_yes_and_only_once() {
        run("login", "-u", "user1", "-p", "password1");
        run("book", "shw_1", "--seats", "B2,B3");
        node.assistantAnswer = io.boxoffice.cli.testing.AssistantAnswers.proposesCancel("bkg_1", 2400);

        Run noAnswer = run("ask", "cancel my Split Brain booking");
        assertThat(noAnswer.out()).contains("Cancel booking bkg_1 now? [y/N] Nothing changed.");
        Run declined = runWithInput("n\n", "ask", "cancel", "my", "Split", "Brain", "booking");
        assertThat(declined.out()).contains("Nothing changed.");
        Run json = runWithInput("y\n", "ask", "cancel my Split Brain booking", "-o", "json");
        assertThat(json.out()).contains("\"proposedAction\"").doesNotContain("[y/N]");
        assertThat(node.cancelsApplied.get()).as("no, end of input and JSON output change nothing").isZero();

        Run accepted = runWithInput("y\n", "ask", "cancel my Split Brain booking");
        assertThat(accepted.exit()).isZero();
        assertThat(accepted.out()).contains("Proposed, not done: Cancel booking bkg_1",
                "Cancelled bkg_1; refunded 24.00 EUR of 24.00 EUR.");
        assertThat(node.cancelsApplied.get()).isEqualTo(1);
    }
}
