package io.boxoffice.verifier.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChaosCommandTest {

    @Test
    void durations_accept_units() {
        assertThat(ChaosCommand.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ChaosCommand.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(ChaosCommand.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ChaosCommand.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ChaosCommand.parseDuration("45")).isEqualTo(Duration.ofSeconds(45));
        assertThatThrownBy(() -> ChaosCommand.parseDuration("soon")).hasMessageContaining("not a duration");
    }

    @Test
    void fault_lists_parse_and_reject_unknown_kinds() {
        assertThat(ChaosCommand.faultKinds(List.of("kill-leader", "partition_halves")))
                .containsExactly(FaultKind.KILL_LEADER, FaultKind.PARTITION_HALVES);
        assertThat(ChaosCommand.faultKinds(List.of("none"))).isEmpty();
        assertThat(ChaosCommand.faultKinds(null)).containsExactly(FaultKind.values());
        assertThatThrownBy(() -> ChaosCommand.faultKinds(List.of("meteor"))).hasMessageContaining("unknown fault 'meteor'");
    }

    @Test
    void the_replay_command_in_a_report_reproduces_the_options() {
        ChaosOptions original = new ChaosOptions(5, 12, Duration.ofMinutes(3), 4242, 8, 2_500,
                List.of(FaultKind.PAUSE, FaultKind.ISOLATE_LEADER), 500, 4_000, 1_000, 4_000,
                Path.of("/tmp/out"), Path.of("/tmp/node.jar"), Path.of("/usr/bin/java"), 42, 256, false);
        String replay = ChaosReport.replayCommand(original);
        assertThat(replay).startsWith("sudo scripts/chaos.sh ");
        ChaosCommand command = new ChaosCommand();
        new CommandLine(command).parseArgs(replay.substring("sudo scripts/chaos.sh ".length()).split(" "));
        command.nodeJar = Path.of("/tmp/node.jar");
        command.java = Path.of("/usr/bin/java");
        command.output = Path.of("/tmp/out");
        assertThat(command.options()).isEqualTo(original);
        assertThat(original.schedule().plan()).isEqualTo(command.options().schedule().plan());
    }

    @Test
    void invalid_options_are_listed_together() {
        assertThatThrownBy(() -> new ChaosOptions(4, 0, Duration.ofSeconds(10), 1, 1, 100, List.of(), 500, 4_000,
                1_000, 4_000, Path.of("/tmp"), Path.of("/tmp/n.jar"), Path.of("java"), 42, 256, false))
                .hasMessageContaining("--members").hasMessageContaining("--clients").hasMessageContaining("--seats")
                .hasMessageContaining("--hold-millis");
    }
}
