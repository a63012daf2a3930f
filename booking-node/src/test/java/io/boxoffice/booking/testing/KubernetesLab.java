package io.boxoffice.booking.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A StatefulSet's network on this machine, through {@code scripts/k8s-lab.sh}: one network namespace per
 * "pod" on the bridge {@value #BRIDGE} (10.233.0.0/24, this namespace is 10.233.0.1), and a dnsmasq
 * answering {@code <pod>.}{@value #DOMAIN}. Needs root, {@code ip} (iproute2) and {@code dnsmasq}.
 */
public final class KubernetesLab implements AutoCloseable {

    public static final String BRIDGE = "bxlab0";
    public static final String DOMAIN = "boxoffice-headless.default.svc.cluster.local";
    private static final long SCRIPT_TIMEOUT_SECONDS = 30;

    private final Path script;
    private final Path dir;

    private KubernetesLab(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
    }

    /**
     * What is missing for the lab, or {@code null} when it can run: root, {@code ip}, {@code dnsmasq}, and a
     * free bridge (another run, or a crashed one, may hold it).
     */
    public static String missingPrerequisites() {
        List<String> missing = new ArrayList<>();
        if (!"0".equals(run(List.of("id", "-u")).strip())) {
            missing.add("root (network namespaces and a bridge need CAP_NET_ADMIN; CI runs as root)");
        }
        for (String tool : List.of("ip", "dnsmasq")) {
            if (onPath(tool) == null) {
                missing.add("'" + tool + "' (install it: apt-get install -y "
                        + (tool.equals("ip") ? "iproute2" : "dnsmasq-base") + ")");
            }
        }
        if (missing.isEmpty() && exitCode(List.of("ip", "link", "show", BRIDGE)) == 0) {
            missing.add("a free lab: the bridge " + BRIDGE + " exists, so another run uses the lab or a crashed "
                    + "one left it; if none runs, remove it: scripts/k8s-lab.sh down <its dir> or ip link del " + BRIDGE);
        }
        return missing.isEmpty() ? null : "this test needs " + String.join(", ", missing);
    }

    /** Brings the bridge and dnsmasq up; removes leftovers of a crashed run of the given pods first. */
    public static KubernetesLab up(Path dir, List<String> pods) {
        Path script = Path.of("..", "scripts", "k8s-lab.sh").toAbsolutePath().normalize();
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("scripts/k8s-lab.sh not found at " + script);
        }
        for (String pod : pods) {
            // Only reached when the bridge is absent (checked above), so no live lab owns these names.
            exitCode(List.of("ip", "netns", "del", pod));
        }
        KubernetesLab lab = new KubernetesLab(script, dir);
        lab.script("up", dir.toString());
        return lab;
    }

    /** Creates the pod's namespace with {@code ip} and its DNS record. */
    public void createPod(String pod, String ip) {
        script("pod-create", dir.toString(), pod, ip);
    }

    /** SIGKILLs everything in the pod, removes its namespace and its DNS record (the pod is gone). */
    public void deletePod(String pod) {
        script("pod-delete", dir.toString(), pod);
    }

    /** The prefix that runs a command inside the pod's namespace. */
    public List<String> inPod(String pod) {
        return List.of("ip", "netns", "exec", pod);
    }

    public static String dnsName(String pod) {
        return pod + "." + DOMAIN;
    }

    /** Deletes every pod, the bridge and dnsmasq. */
    @Override
    public void close() {
        script("down", dir.toString());
    }

    private void script(String... arguments) {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(arguments));
        Result result = execute(command);
        if (result.exitCode != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + result.exitCode + "): "
                    + result.output);
        }
    }

    private static String onPath(String tool) {
        List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "")
                .split(File.pathSeparator)));
        directories.addAll(List.of("/usr/sbin", "/sbin"));
        for (String directory : directories) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
                return Path.of(directory, tool).toString();
            }
        }
        return null;
    }

    private static String run(List<String> command) {
        return execute(command).output;
    }

    private static int exitCode(List<String> command) {
        return execute(command).exitCode;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result execute(List<String> command) {
        Path output = null;
        try {
            // Output through a file, not a pipe: dnsmasq forks into the background and could keep a pipe open.
            output = Files.createTempFile("k8s-lab", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, command + " did not finish in " + SCRIPT_TIMEOUT_SECONDS + " s");
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("error=2")) {
                return new Result(127, e.getMessage()); // Not installed.
            }
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // A temporary file left behind is harmless.
                }
            }
        }
    }
}
