package io.boxoffice.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.testkit.Eventually;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeProcessTest {

    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path directory;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private NodeProcess node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private NodeProcess echo() {
        node = NodeProcess.builder("echo-1").mainClass(EchoMain.class.getName(), System.getProperty("java.class.path"))
                .heapMegabytes(32).arguments("--flag", "value").environment(Map.of("NODE_COLOUR", "blue"))
                .logFile(directory.resolve("logs/echo-1.log")).stdoutLines(lines::add).build();
        return node;
    }

    private void send(String line) throws IOException {
        OutputStream stdin = node.stdin();
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    @Test
    void the_spec_is_one_java_command_with_heap_options_properties_main_and_arguments() {
        NodeProcess.Spec spec = NodeProcess.builder("n1").prefix(List.of("ip", "netns", "exec", "bx1-n1"))
                .java(Path.of("/opt/jdk/bin/java")).heapMegabytes(192).jvmOptions("-Xss512k")
                .systemProperties(Map.of("boxoffice.node-id", "n1")).jar(Path.of("/app/quarkus-run.jar"))
                .logFile(directory.resolve("n1.log")).spec();
        assertThat(spec.command()).containsExactly("ip", "netns", "exec", "bx1-n1", "/opt/jdk/bin/java", "-Xmx192m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Dboxoffice.node-id=n1", "-jar",
                "/app/quarkus-run.jar");
        assertThatThrownBy(() -> NodeProcess.builder("n2").logFile(directory.resolve("n2.log")).spec())
                .hasMessageContaining("jar(...) or mainClass(...)");
    }

    @Test
    void stdout_lines_reach_the_consumer_and_stderr_the_log_with_the_environment_passed_on() throws Exception {
        echo().start();
        Eventually.within(BOUND).until("the ready line", () -> lines.stream().anyMatch(l -> l.startsWith("ready ")));
        send("hello");
        Eventually.within(BOUND).until("the echo", () -> lines.contains("echo hello"));
        assertThat(Files.readString(node.logFile())).contains("==== start 1 of echo-1", "started with --flag value",
                "NODE_COLOUR=blue");
    }

    @Test
    void a_crash_is_reported_once_and_a_kill_is_not_a_crash() throws Exception {
        echo().start();
        Eventually.within(BOUND).until("the ready line", () -> !lines.isEmpty());
        send("exit 3");
        assertThat(node.waitForExit(BOUND)).isTrue();
        assertThat(node.exitValue()).isEqualTo(3);
        assertThat(node.exitedUnexpectedly()).isTrue();
        assertThat(node.takeUnexpectedExit()).hasValueSatisfying(text -> assertThat(text)
                .contains("echo-1", "exited on its own with status 3", node.logFile().toString()));
        assertThat(node.takeUnexpectedExit()).isEmpty();

        node.start();
        long secondPid = node.pid();
        Eventually.within(BOUND).until("the second ready line", () -> lines.contains("ready " + secondPid));
        node.kill();
        assertThat(node.isAlive()).isFalse();
        assertThat(node.exitedUnexpectedly()).isFalse();
        assertThat(Files.readString(node.logFile())).contains("==== start 2 of echo-1");
    }

    @Test
    void pause_freezes_the_process_until_resume_and_terminate_stops_a_paused_one() throws Exception {
        echo().start();
        Eventually.within(BOUND).until("the ready line", () -> !lines.isEmpty());
        node.pause();
        assertThat(node.isPaused()).isTrue();
        Eventually.within(BOUND).until("state T (stopped) in /proc", () -> processState(node.pid()) == 'T');
        send("while paused");
        Thread.sleep(300); // Give a running process ample time to answer: a frozen one must not.
        assertThat(lines).doesNotContain("echo while paused");
        node.resume();
        Eventually.within(BOUND).until("the echo after resume", () -> lines.contains("echo while paused"));
        node.pause();
        assertThat(node.terminate(BOUND)).as("SIGTERM after SIGCONT ends it").isTrue();
        assertThat(node.exitedUnexpectedly()).isFalse();
    }

    @Test
    void inherited_variables_with_a_cleared_prefix_are_not_passed_on() throws Exception {
        node = NodeProcess.builder("env").mainClass(EchoMain.class.getName(), System.getProperty("java.class.path"))
                .heapMegabytes(32).withoutInheritedEnvironment("PAT").logFile(directory.resolve("env.log"))
                .stdoutLines(lines::add).start();
        Eventually.within(BOUND).until("the ready line", () -> !lines.isEmpty());
        assertThat(Files.readString(node.logFile())).contains("PATH inherited=false");
        node.kill();
        lines.clear();
        echo().start();
        Eventually.within(BOUND).until("the ready line", () -> !lines.isEmpty());
        assertThat(Files.readString(node.logFile())).contains("PATH inherited=true");
    }

    private static char processState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException e) {
            return '?';
        }
    }
}
