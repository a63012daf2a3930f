package io.boxoffice.cli.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One network namespace per booking node, joined by a bridge that the host (where the clients run) is also
 * on, so every node has its own address ({@code 10.197.<subnet>.<slot>}) and the same ports as every other
 * node, exactly as pods have. Partitions are blackhole routes inside the namespaces: a packet from one side
 * to the other is dropped silently (an established TCP connection stalls, as under a real partition; a new
 * connection fails at once). Heal removes the routes. Needs root (CAP_NET_ADMIN) and iproute2.
 *
 * <p>Names carry the subnet number, so runs with different subnets can coexist; {@link #close()} removes
 * everything this lab created.
 */
final class NetworkLab implements AutoCloseable {

    private final int subnet;
    private final int slots;
    private final Set<String> blackholes = new HashSet<>();
    private boolean open;

    /**
     * @param subnet third octet of the lab's 10.197.x.0/24 network (1..250); also names the lab
     * @param slots  namespaces to create (slot 1..slots)
     */
    NetworkLab(int subnet, int slots) {
        if (subnet < 1 || subnet > 250) {
            throw new IllegalArgumentException("subnet must be 1..250, got " + subnet);
        }
        if (slots < 1 || slots > 9) {
            throw new IllegalArgumentException("slots must be 1..9, got " + slots);
        }
        this.subnet = subnet;
        this.slots = slots;
    }

    /** True when this process may create namespaces (root with iproute2). */
    static String unavailableReason() {
        Shell.Result id = Shell.tryRun(List.of("id", "-u"));
        if (id.exitCode() != 0 || !id.output().strip().equals("0")) {
            return "network namespaces need root (id -u = " + id.output().strip() + ")";
        }
        Shell.Result ip = Shell.tryRun(List.of("ip", "-V"));
        if (ip.exitCode() != 0) {
            return "iproute2 ('ip') is not installed";
        }
        return null;
    }

    /**
     * Creates the lab. The bridge is created first and doubles as a lock on the subnet: when it exists,
     * another run (or a crashed one) owns the subnet and this fails with {@link SubnetInUseException}
     * without touching anything. Once the bridge is ours, leftovers of a crashed run on this subnet
     * (namespaces, veths) are removed.
     */
    void open() {
        Shell.Result bridgeAdded = Shell.tryRun(List.of("ip", "link", "add", bridge(), "type", "bridge"));
        if (bridgeAdded.exitCode() != 0) {
            throw new SubnetInUseException("subnet " + subnet + " is in use (" + bridgeAdded.output().strip()
                    + "); if no run uses it, remove it with: ip link del " + bridge());
        }
        open = true;
        removeLeftoverNodes();
        Shell.run("ip", "link", "set", bridge(), "up");
        Shell.run("ip", "addr", "add", hostAddress() + "/24", "dev", bridge());
        for (int slot = 1; slot <= slots; slot++) {
            String namespace = namespace(slot);
            Shell.run("ip", "netns", "add", namespace);
            Shell.run("ip", "link", "add", hostVeth(slot), "type", "veth", "peer", "name", "eth-bx", "netns",
                    namespace);
            Shell.run("ip", "link", "set", hostVeth(slot), "master", bridge());
            Shell.run("ip", "link", "set", hostVeth(slot), "up");
            Shell.run("ip", "-n", namespace, "addr", "add", address(slot) + "/24", "dev", "eth-bx");
            Shell.run("ip", "-n", namespace, "link", "set", "eth-bx", "up");
            Shell.run("ip", "-n", namespace, "link", "set", "lo", "up");
        }
    }

    int subnet() {
        return subnet;
    }

    String namespace(int slot) {
        return "bx" + subnet + "-n" + slot;
    }

    String address(int slot) {
        return "10.197." + subnet + "." + slot;
    }

    String hostAddress() {
        return "10.197." + subnet + ".254";
    }

    private String bridge() {
        return "bx" + subnet + "br";
    }

    private String hostVeth(int slot) {
        return "bx" + subnet + "v" + slot;
    }

    /** Drops every packet between the two groups (both directions); slots in neither group are untouched. */
    void partition(Collection<Integer> sideA, Collection<Integer> sideB) {
        for (int a : sideA) {
            for (int b : sideB) {
                cut(a, b);
                cut(b, a);
            }
        }
    }

    /** Drops packets from {@code from} to {@code to} (one direction; TCP needs both, so this cuts the link). */
    void cut(int from, int to) {
        String key = from + ">" + to;
        if (blackholes.add(key)) {
            Shell.run("ip", "-n", namespace(from), "route", "add", "blackhole", address(to) + "/32");
        }
    }

    /** Removes every blackhole route: full connectivity again. */
    void heal() {
        for (String key : new ArrayList<>(blackholes)) {
            String[] parts = key.split(">");
            Shell.tryRun(List.of("ip", "-n", namespace(Integer.parseInt(parts[0])), "route", "del",
                    address(Integer.parseInt(parts[1])) + "/32"));
            blackholes.remove(key);
        }
    }

    /** Links currently cut, as {@code from>to} slot pairs. */
    Set<String> cutLinks() {
        return Set.copyOf(blackholes);
    }

    private void removeLeftoverNodes() {
        for (int slot = 1; slot <= 9; slot++) {
            Shell.tryRun(List.of("ip", "netns", "del", namespace(slot)));
            Shell.tryRun(List.of("ip", "link", "del", hostVeth(slot)));
        }
    }

    /** Another run holds the subnet's bridge. */
    static final class SubnetInUseException extends RuntimeException {
        SubnetInUseException(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        blackholes.clear();
        removeLeftoverNodes();
        Shell.tryRun(List.of("ip", "link", "del", bridge()));
    }
}
