package io.boxoffice.deploy.live.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checkout's private Docker daemon (scripts/containers/daemon.sh, docker.sh): started if needed, used through
 * the docker client, and stopped at the end only if this test started it.
 */
public final class Docker {

    private static final Duration COMMAND_BOUND = Duration.ofSeconds(120);

    private final Path root;
    private final boolean startedHere;

    private Docker(Path root, boolean startedHere) {
        this.root = root;
        this.startedHere = startedHere;
    }

    /** Starts the daemon (installing docker.io first when missing, as root) unless it runs already. */
    public static Docker start(Path root) {
        Commands.Result started = Commands.run(root, Map.of(), Duration.ofMinutes(10),
                List.of("scripts/containers/daemon.sh", "start")).orFail();
        return new Docker(root, started.stdout().contains("started: yes"));
    }

    public Commands.Result run(String... arguments) {
        return run(COMMAND_BOUND, arguments);
    }

    public Commands.Result run(Duration bound, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("scripts/containers/docker.sh");
        command.addAll(List.of(arguments));
        return Commands.run(root, Map.of(), bound, command);
    }

    /** Like {@link #run} but fails the test when docker exits non-zero; returns its trimmed output. */
    public String check(String... arguments) {
        return run(arguments).orFail().stdout().trim();
    }

    public boolean startedHere() {
        return startedHere;
    }

    /** Stops the daemon if this test started it (it also removes the netns mount the daemon leaves). */
    public void stopIfStartedHere() {
        if (startedHere) {
            Commands.run(root, Map.of(), Duration.ofMinutes(2), List.of("scripts/containers/daemon.sh", "stop")).orFail();
        }
    }
}
