package io.boxoffice.testkit.network;

import io.boxoffice.testkit.process.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pods on one Linux machine: each pod is a network namespace with its own address
 * ({@code 10.197.<subnet>.<host>}) on a bridge that this machine is also on ({@code .254}), so every node
 * listens on the same ports, as pods do, and clients here reach each one at its own address. The one
 * network lab of the live tests and the verifier.
 *
 * <ul>
 *   <li><b>Partitions</b> are blackhole routes inside the namespaces: a packet from one side to the other is
 *       dropped silently (an established TCP connection stalls, as under a real partition; a new one fails at
 *       once). {@link #heal} removes them.</li>
 *   <li><b>DNS</b> (optional): a dnsmasq on the bridge answers {@code <pod>.}{@value #DNS_DOMAIN} like a
 *       headless Service, with a 1 s TTL; a deleted pod's record goes, and a pod created again with another
 *       address is found under its old name, as with a StatefulSet.</li>
 * </ul>
 *
 * <p>The bridge is created first and doubles as a lock on the subnet: while it exists, another run (or a
 * crashed one) owns the subnet and {@link #open} fails with {@link SubnetInUseException} without touching
 * anything; {@link #openFirstFree} moves on to the next subnet. Needs root (CAP_NET_ADMIN), iproute2, and
 * dnsmasq for DNS. {@link #close} removes everything the lab created.
 *
 * <p>Thread-safe.
 */
public final class NetworkLab implements AutoCloseable {

    public static final String DNS_DOMAIN = "boxoffice-headless.default.svc.cluster.local";
    private static final int HOST_ADDRESS = 254;

    private final int subnet;
    private final Path directory;
    private final boolean dns;
    private final Map<String, Integer> pods = new LinkedHashMap<>();
    private final Set<String> cutLinks = new LinkedHashSet<>();
    private boolean open;

    private NetworkLab(int subnet, Path directory, boolean dns) {
        this.subnet = subnet;
        this.directory = directory;
        this.dns = dns;
    }

    /** Why this machine cannot run a lab (root, {@code ip}, {@code dnsmasq} when DNS is wanted), or null. */
    public static String unavailableReason(boolean dns) {
        List<String> missing = new ArrayList<>();
        if (!Shell.isRoot()) {
            missing.add("root (network namespaces and a bridge need CAP_NET_ADMIN): run the tests with sudo");
        }
        if (!Shell.installed("ip")) {
            missing.add("'ip' (apt-get install -y iproute2)");
        }
        if (dns && !Shell.installed("dnsmasq")) {
            missing.add("'dnsmasq' (apt-get install -y dnsmasq-base)");
        }
        return missing.isEmpty() ? null : "a network lab needs " + String.join(", ", missing);
    }

    /**
     * Opens the lab on {@code 10.197.<subnet>.0/24}, keeping its DNS files under {@code directory}.
     *
     * @throws SubnetInUseException when another lab holds the subnet (nothing was changed)
     */
    public static NetworkLab open(int subnet, Path directory, boolean dns) {
        if (subnet < 1 || subnet > 250) {
            throw new IllegalArgumentException("subnet must be 1..250, got " + subnet);
        }
        NetworkLab lab = new NetworkLab(subnet, directory, dns);
        lab.create();
        return lab;
    }

    /** The first subnet from {@code firstSubnet} on (wrapping after 250) that no other lab holds. */
    public static NetworkLab openFirstFree(int firstSubnet, int subnetsTried, Path directory, boolean dns) {
        SubnetInUseException last = null;
        for (int offset = 0; offset < subnetsTried; offset++) {
            int subnet = (firstSubnet - 1 + offset) % 250 + 1;
            try {
                return open(subnet, directory, dns);
            } catch (SubnetInUseException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no free network lab subnet among " + subnetsTried + " from " + firstSubnet,
                last);
    }

    private synchronized void create() {
        Shell.Result bridgeAdded = Shell.tryRun(List.of("ip", "link", "add", bridge(), "type", "bridge"));
        if (!bridgeAdded.succeeded()) {
            throw new SubnetInUseException("subnet " + subnet + " is in use (" + bridgeAdded.output().strip()
                    + "); if no run uses it, remove it with: ip link del " + bridge());
        }
        open = true;
        try {
            removeLeftovers();
            // A bridge takes the lowest MAC of its ports unless it has its own: deleting a pod's port would
            // then change the bridge's MAC under the other pods' ARP caches, and their packets to this
            // machine (DNS, clients) would vanish until those entries expire.
            Shell.run("ip", "link", "set", bridge(), "address", String.format("02:b0:c5:00:00:%02x", subnet));
            Shell.run("ip", "link", "set", bridge(), "up");
            Shell.run("ip", "addr", "add", hostAddress() + "/24", "dev", bridge());
            if (dns) {
                startDns();
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public int subnet() {
        return subnet;
    }

    /** This machine's address on the lab bridge (where the DNS server listens). */
    public String hostAddress() {
        return address(HOST_ADDRESS);
    }

    public String address(int host) {
        return "10.197." + subnet + "." + host;
    }

    /** The address the pod has now. */
    public synchronized String address(String pod) {
        Integer host = pods.get(pod);
        if (host == null) {
            throw new IllegalArgumentException("no pod " + pod + " in lab " + subnet);
        }
        return address(host);
    }

    /** The pod's headless-service DNS name (answered while the pod exists, when the lab has DNS). */
    public static String dnsName(String pod) {
        return pod + "." + DNS_DOMAIN;
    }

    /** The network namespace of a pod. */
    public String namespace(String pod) {
        return "bx" + subnet + "-" + pod;
    }

    /** The prefix that runs a command inside the pod's namespace (it execs: the process is the command). */
    public List<String> inPod(String pod) {
        return List.of("ip", "netns", "exec", namespace(pod));
    }

    /**
     * Creates the pod's namespace with address {@code 10.197.<subnet>.<host>} (1..253) on the bridge, and its
     * DNS record. A pod may be created again after {@link #deletePod}, with another address.
     */
    public synchronized String createPod(String pod, int host) {
        requireOpen();
        if (host < 1 || host >= HOST_ADDRESS) {
            throw new IllegalArgumentException("host must be 1.." + (HOST_ADDRESS - 1) + ", got " + host);
        }
        if (pods.containsKey(pod)) {
            throw new IllegalStateException("pod " + pod + " exists; delete it first");
        }
        if (pods.containsValue(host)) {
            throw new IllegalStateException(address(host) + " belongs to another pod");
        }
        String namespace = namespace(pod);
        Shell.run("ip", "netns", "add", namespace);
        pods.put(pod, host);
        Shell.run("ip", "link", "add", hostVeth(host), "type", "veth", "peer", "name", "eth0", "netns", namespace);
        Shell.run("ip", "link", "set", hostVeth(host), "master", bridge());
        Shell.run("ip", "link", "set", hostVeth(host), "up");
        Shell.run("ip", "-n", namespace, "addr", "add", address(host) + "/24", "dev", "eth0");
        Shell.run("ip", "-n", namespace, "link", "set", "eth0", "up");
        Shell.run("ip", "-n", namespace, "link", "set", "lo", "up");
        if (dns) {
            Shell.run("ip", "-n", namespace, "route", "add", "default", "via", hostAddress());
            // `ip netns exec` mounts /etc/netns/<namespace>/* over /etc: the pod resolves through the lab's DNS.
            writeFile(Path.of("/etc/netns", namespace, "resolv.conf"), "nameserver " + hostAddress() + "\n");
            writeFile(Path.of("/etc/netns", namespace, "hostname"), pod + "\n");
            writeDnsRecords();
        }
        return address(host);
    }

    /** SIGKILLs everything in the pod and removes its namespace and DNS record: the pod is gone. */
    public synchronized void deletePod(String pod) {
        Integer host = pods.remove(pod);
        if (host == null) {
            return;
        }
        cutLinks.removeIf(link -> link.startsWith(pod + ">") || link.endsWith(">" + pod));
        if (dns) {
            writeDnsRecords();
        }
        removeNamespace(namespace(pod), host);
    }

    /** Pods by name, with their host numbers. */
    public synchronized Map<String, Integer> pods() {
        return Map.copyOf(pods);
    }

    /** Drops every packet between the two groups, both ways; pods in neither group keep every link. */
    public synchronized void partition(Collection<String> sideA, Collection<String> sideB) {
        for (String a : sideA) {
            for (String b : sideB) {
                cut(a, b);
                cut(b, a);
            }
        }
    }

    /** Drops the packets {@code from} sends to {@code to} (one way; TCP needs both, so the link is cut). */
    public synchronized void cut(String from, String to) {
        requireOpen();
        if (cutLinks.add(from + ">" + to)) {
            Shell.run("ip", "-n", namespace(from), "route", "add", "blackhole", address(to) + "/32");
        }
    }

    /** Removes every cut: full connectivity again. */
    public synchronized void heal() {
        for (String link : List.copyOf(cutLinks)) {
            String[] ends = link.split(">");
            if (pods.containsKey(ends[0]) && pods.containsKey(ends[1])) {
                Shell.tryRun(List.of("ip", "-n", namespace(ends[0]), "route", "del", address(ends[1]) + "/32"));
            }
            cutLinks.remove(link);
        }
    }

    /** The links cut now, as {@code from>to}. */
    public synchronized Set<String> cutLinks() {
        return Set.copyOf(cutLinks);
    }

    /** Deletes every pod, the DNS server and the bridge. Idempotent. */
    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        cutLinks.clear();
        for (Map.Entry<String, Integer> pod : List.copyOf(pods.entrySet())) {
            removeNamespace(namespace(pod.getKey()), pod.getValue());
        }
        pods.clear();
        if (dns) {
            stopDns();
        }
        Shell.tryRun(List.of("ip", "link", "del", bridge()));
    }

    // ---------------------------------------------------------------- namespaces

    private String bridge() {
        return "bx" + subnet + "br";
    }

    private String hostVeth(int host) {
        return "bx" + subnet + "v" + host;
    }

    private void removeNamespace(String namespace, int host) {
        Shell.Result pids = Shell.tryRun(List.of("ip", "netns", "pids", namespace));
        List<String> running = pids.succeeded() ? pids.output().lines().map(String::strip)
                .filter(line -> !line.isEmpty()).toList() : List.of();
        if (!running.isEmpty()) {
            List<String> kill = new ArrayList<>(List.of("kill", "-9"));
            kill.addAll(running);
            Shell.tryRun(kill);
        }
        Shell.tryRun(List.of("ip", "link", "del", hostVeth(host)));
        Shell.tryRun(List.of("ip", "netns", "del", namespace));
        deleteRecursively(Path.of("/etc/netns", namespace));
    }

    /** Namespaces and links of a crashed run on this subnet; called only while this lab holds the bridge. */
    private void removeLeftovers() {
        Shell.Result namespaces = Shell.tryRun(List.of("ip", "netns", "list"));
        if (namespaces.succeeded()) {
            for (String line : namespaces.output().lines().toList()) {
                String name = line.split(" ")[0];
                if (name.startsWith("bx" + subnet + "-")) {
                    Shell.tryRun(List.of("ip", "netns", "del", name));
                    deleteRecursively(Path.of("/etc/netns", name));
                }
            }
        }
        Shell.Result links = Shell.tryRun(List.of("ip", "-o", "link", "show"));
        if (links.succeeded()) {
            for (String line : links.output().lines().toList()) {
                String[] fields = line.split(":\\s+");
                if (fields.length > 1) {
                    String name = fields[1].split("@")[0];
                    if (name.matches("bx" + subnet + "v\\d+")) {
                        Shell.tryRun(List.of("ip", "link", "del", name));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- DNS

    private Path hostsFile() {
        return directory.resolve("hosts");
    }

    private Path dnsPidFile() {
        return directory.resolve("dnsmasq.pid");
    }

    private void startDns() {
        writeFile(hostsFile(), "");
        // --bind-interfaces: listen on the bridge address only, so labs on other subnets can run their own.
        Shell.run(Shell.which("dnsmasq"), "--no-resolv", "--no-hosts", "--addn-hosts=" + hostsFile(),
                "--listen-address=" + hostAddress(), "--bind-interfaces", "--local-ttl=1", "--neg-ttl=1",
                "--pid-file=" + dnsPidFile(), "--log-facility=" + directory.resolve("dnsmasq.log"), "--user=root");
    }

    private void writeDnsRecords() {
        StringBuilder hosts = new StringBuilder();
        pods.forEach((pod, host) -> hosts.append(address(host)).append(' ').append(dnsName(pod)).append('\n'));
        writeFile(hostsFile(), hosts.toString());
        dnsPid().ifPresent(pid -> Shell.run("kill", "-HUP", pid)); // dnsmasq rereads its hosts files on SIGHUP.
    }

    private java.util.Optional<String> dnsPid() {
        try {
            return Files.isRegularFile(dnsPidFile())
                    ? java.util.Optional.of(Files.readString(dnsPidFile()).strip()) : java.util.Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopDns() {
        dnsPid().ifPresent(pid -> Shell.tryRun(List.of("kill", pid)));
        try {
            Files.deleteIfExists(dnsPidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("the lab on subnet " + subnet + " is closed");
        }
    }

    private static void writeFile(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Another lab holds the subnet's bridge. */
    public static final class SubnetInUseException extends RuntimeException {
        SubnetInUseException(String message) {
            super(message);
        }
    }
}
