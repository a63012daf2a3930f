package io.boxoffice.testkit.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs short system commands ({@code ip}, {@code kill}, {@code dnsmasq}) with a bound, and fails loudly with
 * their output when they fail. Output goes through a temporary file, not a pipe: a command that starts a
 * daemon (dnsmasq forks into the background) could otherwise keep the pipe, and this call, open.
 */
public final class Shell {

    private static final long COMMAND_TIMEOUT_SECONDS = 30;

    private Shell() {
    }

    /** Exit status and combined stdout/stderr of one command; exit 127 when the program is not installed. */
    public record Result(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /** Runs {@code command}; throws with its output unless it exits 0. */
    public static String run(String... command) {
        return run(List.of(command));
    }

    public static String run(List<String> command) {
        Result result = tryRun(command);
        if (!result.succeeded()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + result.exitCode() + "): "
                    + result.output().strip());
        }
        return result.output();
    }

    /** Runs {@code command} and reports its exit status instead of throwing on failure. */
    public static Result tryRun(List<String> command) {
        Path output = null;
        try {
            output = Files.createTempFile("boxoffice-shell", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in "
                        + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (output != null && e.getMessage() != null && e.getMessage().contains("error=2")) {
                return new Result(127, command.getFirst() + " is not installed: " + e.getMessage());
            }
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(output);
        }
    }

    /** Whether {@code tool} is on the PATH or in /usr/sbin, /sbin (where iproute2 and dnsmasq live). */
    public static boolean installed(String tool) {
        return !which(tool).equals(tool);
    }

    /** The full path of {@code tool} on the PATH or in /usr/sbin, /sbin; the bare name when not found. */
    public static String which(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String directory : (path + File.pathSeparator + "/usr/sbin" + File.pathSeparator + "/sbin")
                .split(File.pathSeparator)) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
                return Path.of(directory, tool).toString();
            }
        }
        return tool;
    }

    /** Whether this JVM runs as root (network namespaces and bridges need CAP_NET_ADMIN). */
    public static boolean isRoot() {
        Result id = tryRun(List.of("id", "-u"));
        return id.succeeded() && id.output().strip().equals("0");
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A temporary file left behind is harmless.
        }
    }
}
