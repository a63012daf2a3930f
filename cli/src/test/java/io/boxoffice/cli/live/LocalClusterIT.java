package io.boxoffice.cli.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.boxoffice.testkit.Eventually;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The local launcher and bookingctl against a real cluster: {@code ./boxoffice up} on a fresh state directory
 * (new keys, empty data) → the interactive menu driven through tmux (log in, movies, book two seats, my
 * bookings, cancel, log out) → book → SIGKILL the leader → book again → {@code ./boxoffice down}.
 *
 * <p>Runs in {@code verify} (failsafe), after the booking node, llm-service and the bookingctl jar are packaged;
 * skipped when they are not built ({@code ./mvnw -pl cli verify} alone) or with {@code -Dboxoffice.live.skip}.
 * Its own ports (offset 1400) and state directory keep it apart from a developer's running cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {

    static final int PORT_OFFSET = 1400;
    static final Duration UP_TIMEOUT = Duration.ofSeconds(240);

    Path root;
    Path state;
    Path cliJar;
    Path configDir;
    String tmuxSocket;
    String nodes;
    boolean clusterStarted;
    boolean clusterUp;

    @BeforeAll
    void locate() throws IOException {
        root = Path.of(System.getProperty("boxoffice.repo.root", "..")).toAbsolutePath().normalize();
        cliJar = Path.of(System.getProperty("bookingctl.jar", "target/boxoffice-cli-0.1.0-SNAPSHOT.jar")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(root.resolve("booking-node/target/quarkus-app/quarkus-run.jar"))
                && Files.isRegularFile(root.resolve("llm-service/target/quarkus-app/quarkus-run.jar"))
                && Files.isRegularFile(cliJar), "booking-node, llm-service and bookingctl must be packaged first "
                + "(./boxoffice test, or ./mvnw -B verify -pl booking-node,llm-service,cli -am)");
        state = root.resolve("cli/target/live-cluster");
        configDir = state.resolve("bookingctl-config");
        deleteRecursively(state);
        Files.createDirectories(state);
        tmuxSocket = "boxoffice-it-" + ProcessHandle.current().pid();
        nodes = "node1=127.0.0.1:" + (9101 + PORT_OFFSET) + ",node2=127.0.0.1:" + (9102 + PORT_OFFSET)
                + ",node3=127.0.0.1:" + (9103 + PORT_OFFSET);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (tmuxSocket != null) {
            run(List.of("tmux", "-L", tmuxSocket, "kill-server"), Duration.ofSeconds(10));
        }
        if (clusterStarted) {
            launcher(Duration.ofSeconds(90), "down");
        }
    }

    // ------------------------------------------------------------------ the scenario

    @Test
    @Order(1)
    void up_builds_keys_starts_three_nodes_and_llm_service_and_elects_a_leader() throws Exception {
        clusterStarted = true;
        Result up = launcher(UP_TIMEOUT, "up");
        assertThat(up.exit()).as(up.output()).isZero();
        assertThat(up.output()).contains("created the dev JWT key pair", "created the cluster peer token",
                "leader: node", "Boxoffice is up.", "./bookingctl");
        assertThat(state.resolve("secrets/jwt-private.pem")).exists();
        assertThat(Files.getPosixFilePermissions(state.resolve("secrets/jwt-private.pem")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Result status = launcher(Duration.ofSeconds(30), "status");
        assertThat(status.output().lines().filter(line -> line.matches("node\\d .* yes"))).hasSize(3);
        assertThat(status.output()).contains("leader");
        clusterUp = true;
    }

    @Test
    @Order(2)
    void the_menu_logs_in_lists_movies_books_two_seats_shows_them_cancels_and_logs_out() throws Exception {
        assumeTrue(clusterUp, "the cluster did not come up (see the first test)");
        assumeTrue(run(List.of("tmux", "-V"), Duration.ofSeconds(10)).exit() == 0, "tmux is not installed");
        String command = "env BOOKINGCTL_CONFIG_DIR=" + configDir.resolve("menu") + " BOOKINGCTL_NODES=" + nodes
                + " BOOKINGCTL_SKIP_BUILD=1 JAVA_HOME=" + System.getProperty("java.home") + " TERM=xterm-256color "
                + root.resolve("bookingctl") + " menu; sleep 30";
        Result started = run(List.of("tmux", "-L", tmuxSocket, "new-session", "-d", "-s", "menu", "-x", "200", "-y", "50",
                command), Duration.ofSeconds(20));
        assertThat(started.exit()).as(started.output()).isZero();

        Tmux tmux = new Tmux(tmuxSocket, "menu");
        tmux.await("Not logged in.", Duration.ofSeconds(60));
        tmux.type("1");
        tmux.await("Username:", Duration.ofSeconds(10));
        tmux.type("user2");
        tmux.await("Password:", Duration.ofSeconds(10));
        tmux.type("password2");
        tmux.await("Welcome, user2.", Duration.ofSeconds(60));
        assertThat(tmux.screen()).doesNotContain("password2");

        tmux.type("1");
        tmux.await("Movie number to see its shows", Duration.ofSeconds(30));
        assertThat(tmux.screen()).contains("TITLE", "MINUTES");
        tmux.type("1");
        tmux.await("STARTS", Duration.ofSeconds(30));

        tmux.type("2");
        tmux.await("Show number", Duration.ofSeconds(30));
        tmux.type("2");
        tmux.await("Seats (e.g. C5,C6)", Duration.ofSeconds(30));
        assertThat(tmux.screen()).contains("SCREEN", "o free");
        tmux.type("Z99");
        tmux.await("Seat Z99 does not exist in this screen.", Duration.ofSeconds(10));
        tmux.type("best 2");
        tmux.await("Card number", Duration.ofSeconds(30));
        assertThat(tmux.screen()).contains("Held ", "Test cards:", "4000000000000002", "expires in");
        tmux.type("4000000000000002");
        tmux.await("declined", Duration.ofSeconds(30));
        tmux.type("");
        String booked = tmux.awaitRegex("Booked (bkg_[A-Za-z0-9_-]+): ([A-Z][0-9]+,[A-Z][0-9]+)", Duration.ofSeconds(30));
        Matcher match = Pattern.compile("Booked (bkg_[A-Za-z0-9_-]+): ([A-Z][0-9]+,[A-Z][0-9]+)").matcher(booked);
        assertThat(match.find()).isTrue();
        String bookingId = match.group(1);
        String seats = match.group(2);

        tmux.type("3");
        tmux.await("Booking number for details", Duration.ofSeconds(30));
        assertThat(tmux.screen()).contains(bookingId, seats, "confirmed");
        tmux.type("");

        tmux.type("4");
        tmux.await("Booking number to cancel", Duration.ofSeconds(30));
        tmux.type("1");
        tmux.await("[y/N]", Duration.ofSeconds(10));
        assertThat(tmux.screen()).contains("full refund");
        tmux.type("y");
        tmux.await("Cancelled " + bookingId + "; refunded", Duration.ofSeconds(30));

        tmux.type("6");
        tmux.await("Logged out.", Duration.ofSeconds(10));
        tmux.type("0");
        tmux.await("Bye.", Duration.ofSeconds(10));
        String screen = tmux.screen();
        assertThat(screen).doesNotContain("Exception", "\tat ", "WARNING");
    }

    @Test
    @Order(3)
    void booking_goes_on_after_the_leader_is_killed() throws Exception {
        assumeTrue(clusterUp, "the cluster did not come up (see the first test)");
        Result login = bookingctl("login", "-u", "user1", "-p", "password1");
        assertThat(login.exit()).as(login.output()).isZero();
        Result shows = bookingctl("shows", "--output", "json");
        assertThat(shows.exit()).as(shows.output()).isZero();
        Matcher show = Pattern.compile("\"id\": \"(shw_[^\"]+)\"").matcher(shows.output());
        assertThat(show.find()).as(shows.output()).isTrue();
        String showId = show.group(1);

        Result first = bookingctl("book", showId, "--seats", "E3,E4", "--card", "4242424242424242");
        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("Booked ", "E3,E4");

        Result leader = launcher(Duration.ofSeconds(30), "leader");
        assertThat(leader.exit()).as(leader.output()).isZero();
        String leaderId = leader.output().trim();
        Result killed = launcher(Duration.ofSeconds(30), "kill", leaderId);
        assertThat(killed.exit()).as(killed.output()).isZero();
        Matcher elected = Pattern.compile("new leader: (node\\d) \\(seen after (\\d+) ms").matcher(killed.output());
        assertThat(elected.find()).as(killed.output()).isTrue();
        assertThat(elected.group(1)).isNotEqualTo(leaderId);

        // The client starts at the killed node (first in the list when it was node1) and must move on.
        Result second = bookingctl("book", showId, "--seats", "E5,E6");
        assertThat(second.exit()).as(second.output()).isZero();
        Result same = bookingctl("book", showId, "--seats", "E4,E5");
        assertThat(same.exit()).as(same.output()).isEqualTo(3);
        assertThat(same.output()).contains("already taken");

        Result bookings = bookingctl("bookings", "--output", "json");
        assertThat(bookings.output()).contains("E3", "E6");

        Result restarted = launcher(UP_TIMEOUT, "restart", leaderId);
        assertThat(restarted.exit()).as(restarted.output()).isZero();
        assertThat(restarted.output()).contains(leaderId + " ready");
    }

    @Test
    @Order(4)
    void down_stops_every_process() throws Exception {
        assumeTrue(clusterUp, "the cluster did not come up (see the first test)");
        List<Long> pids = new ArrayList<>();
        try (var files = Files.list(state.resolve("run"))) {
            for (Path file : files.toList()) {
                pids.add(Long.parseLong(Files.readString(file).trim()));
            }
        }
        assertThat(pids).hasSize(4);
        Result down = launcher(Duration.ofSeconds(90), "down");
        assertThat(down.exit()).as(down.output()).isZero();
        clusterStarted = false;
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
        Result status = launcher(Duration.ofSeconds(30), "status");
        assertThat(status.output()).contains("stopped").doesNotContain(" yes");
    }

    // ------------------------------------------------------------------ helpers

    record Result(int exit, String output) {
    }

    String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    Result launcher(Duration timeout, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("boxoffice").toString()));
        command.addAll(List.of(args));
        Map<String, String> env = new HashMap<>();
        env.put("BOXOFFICE_STATE_DIR", state.toString());
        env.put("BOXOFFICE_PORT_OFFSET", Integer.toString(PORT_OFFSET));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return run(command, env, timeout);
    }

    Result bookingctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("bookingctl").toString(), "--no-color"));
        command.addAll(List.of(args));
        return run(command, Map.of("BOOKINGCTL_CONFIG_DIR", configDir.resolve("cli").toString(), "BOOKINGCTL_NODES", nodes,
                "BOOKINGCTL_SKIP_BUILD", "1", "JAVA_HOME", System.getProperty("java.home")), Duration.ofSeconds(60));
    }

    static Result run(List<String> command, Duration timeout) throws Exception {
        return run(command, Map.of(), timeout);
    }

    static Result run(List<String> command, Map<String, String> env, Duration timeout) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path output = Files.createTempFile("live-it", ".out");
        builder.redirectOutput(output.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return new Result(-1, Files.readString(output) + "\n[timed out after " + timeout + "]");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        return new Result(process.exitValue(), text);
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path each : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }

    /**
     * A tmux pane: type lines into it, wait for text on it. A wait only counts matches that appeared after the
     * last line was typed, so text printed earlier (a previous prompt) never satisfies it.
     */
    static final class Tmux {
        private final String socket;
        private final String session;
        private String beforeTyping = "";

        Tmux(String socket, String session) {
            this.socket = socket;
            this.session = session;
        }

        void type(String line) throws Exception {
            beforeTyping = screen();
            if (!line.isEmpty()) {
                run(List.of("tmux", "-L", socket, "send-keys", "-t", session, "-l", line), Duration.ofSeconds(10));
            }
            run(List.of("tmux", "-L", socket, "send-keys", "-t", session, "Enter"), Duration.ofSeconds(10));
        }

        /** The pane with its scroll-back, lines joined where they wrapped. */
        String screen() throws Exception {
            return run(List.of("tmux", "-L", socket, "capture-pane", "-p", "-J", "-S", "-2000", "-t", session),
                    Duration.ofSeconds(10)).output();
        }

        private static int count(Pattern pattern, String text) {
            Matcher matcher = pattern.matcher(text);
            int count = 0;
            while (matcher.find()) {
                count++;
            }
            return count;
        }

        /** Waits until {@code text} appears more often than before the last typed line. */
        String await(String text, Duration timeout) {
            return awaitRegex(Pattern.quote(text), timeout);
        }

        /** Waits until {@code regex} matches more often than before the last typed line; returns the newest match on. */
        String awaitRegex(String regex, Duration timeout) {
            Pattern pattern = Pattern.compile(regex);
            int before = count(pattern, beforeTyping);
            String[] screen = {""};
            return Eventually.within(timeout).pollingEvery(Duration.ofMillis(200))
                    .withDiagnostics(() -> "the pane:\n" + screen[0])
                    .until("the menu to show /" + regex + "/", () -> {
                        screen[0] = screenOrEmpty();
                        if (count(pattern, screen[0]) <= before) {
                            return null;
                        }
                        Matcher matcher = pattern.matcher(screen[0]);
                        int last = 0;
                        while (matcher.find()) {
                            last = matcher.start();
                        }
                        return screen[0].substring(last);
                    });
        }

        private String screenOrEmpty() {
            try {
                return screen();
            } catch (Exception e) {
                return "";
            }
        }
    }
}
