package io.boxoffice.testkit.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.testkit.Eventually;
import io.boxoffice.testkit.process.NodeProcess;
import io.boxoffice.testkit.process.Shell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab on this machine for real: pods reach each other at their own addresses, a partition drops the
 * traffic and heal restores it, DNS names follow a pod that comes back with another address. Needs root,
 * iproute2 and dnsmasq (./boxoffice test installs them); skipped without them, with the reason.
 */
class NetworkLabTest {

    private static final int PORT = 7070;

    @TempDir
    Path directory;
    private NetworkLab lab;
    private final List<NodeProcess> processes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        String unavailable = NetworkLab.unavailableReason(true);
        Assumptions.assumeTrue(unavailable == null, "SKIPPED: " + unavailable);
        lab = NetworkLab.openFirstFree(201, 40, directory.resolve("lab"), true);
    }

    @AfterEach
    void close() {
        processes.forEach(NodeProcess::close);
        if (lab != null) {
            lab.close();
            assertThat(Shell.tryRun(List.of("ip", "netns", "list")).output()).doesNotContain("bx" + lab.subnet() + "-");
            assertThat(Shell.tryRun(List.of("ip", "link", "show", "bx" + lab.subnet() + "br")).succeeded()).isFalse();
        }
    }

    @Test
    void pods_reach_each_other_until_partitioned_and_again_after_heal() {
        assertThat(lab.createPod("a", 1)).isEqualTo(lab.address(1));
        lab.createPod("b", 2);
        lab.createPod("c", 3);
        listen("b");
        assertThat(connect("a", lab.address("b"))).isEqualTo("connected");

        lab.partition(List.of("a"), List.of("b", "c"));
        assertThat(lab.cutLinks()).containsExactlyInAnyOrder("a>b", "b>a", "a>c", "c>a");
        assertThat(connect("a", lab.address("b"))).startsWith("failed");
        assertThat(connect("c", lab.address("b"))).as("pods on one side keep their link").isEqualTo("connected");

        lab.heal();
        assertThat(lab.cutLinks()).isEmpty();
        assertThat(connect("a", lab.address("b"))).isEqualTo("connected");
    }

    @Test
    void a_pod_created_again_with_another_address_keeps_its_dns_name() {
        lab.createPod("boxoffice-0", 10);
        lab.createPod("boxoffice-1", 11);
        assertThat(resolve("boxoffice-1", NetworkLab.dnsName("boxoffice-0"))).isEqualTo(lab.address(10));
        lab.deletePod("boxoffice-0");
        lab.createPod("boxoffice-0", 20);
        Eventually.within(Duration.ofSeconds(10)).withDiagnostics(this::dnsFiles).until("the new address in DNS",
                () -> resolve("boxoffice-1", NetworkLab.dnsName("boxoffice-0")).equals(lab.address(20)));
        assertThatThrownBy(() -> lab.createPod("boxoffice-2", 20)).hasMessageContaining("belongs to another pod");
    }

    @Test
    void a_second_lab_cannot_take_a_subnet_in_use() {
        assertThatThrownBy(() -> NetworkLab.open(lab.subnet(), directory.resolve("other"), false))
                .isInstanceOf(NetworkLab.SubnetInUseException.class).hasMessageContaining("ip link del");
    }

    private void listen(String pod) {
        List<String> lines = new CopyOnWriteArrayList<>();
        processes.add(probe(pod + "-listener", pod, lines, "listen", Integer.toString(PORT)));
        Eventually.within(Duration.ofSeconds(20)).until("a listener in " + pod, () -> lines.contains("listening"));
    }

    private String connect(String pod, String address) {
        List<String> lines = new CopyOnWriteArrayList<>();
        NodeProcess probe = probe(pod + "-connect", pod, lines, "connect", address, Integer.toString(PORT));
        processes.add(probe);
        return Eventually.within(Duration.ofSeconds(20)).until("the connect result from " + pod,
                () -> lines.isEmpty() ? null : lines.getFirst());
    }

    private NodeProcess probe(String name, String pod, List<String> lines, String... arguments) {
        return NodeProcess.builder(name).prefix(lab.inPod(pod)).heapMegabytes(32)
                .mainClass(ProbeMain.class.getName(), System.getProperty("java.class.path")).arguments(arguments)
                .logFile(directory.resolve(name + ".log")).stdoutLines(lines::add).start();
    }

    private String dnsFiles() {
        try {
            return "hosts:\n" + java.nio.file.Files.readString(directory.resolve("lab/hosts")) + "dnsmasq log:\n"
                    + java.nio.file.Files.readString(directory.resolve("lab/dnsmasq.log")) + "last answer: "
                    + resolve("boxoffice-1", NetworkLab.dnsName("boxoffice-0"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private String resolve(String fromPod, String name) {
        List<String> command = new java.util.ArrayList<>(lab.inPod(fromPod));
        command.addAll(List.of("getent", "hosts", name));
        Shell.Result result = Shell.tryRun(command);
        return result.succeeded() ? result.output().strip().split("\\s+")[0] : "";
    }
}
