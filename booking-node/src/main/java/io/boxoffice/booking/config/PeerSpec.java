package io.boxoffice.booking.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One bootstrap member as written in {@code boxoffice.peers}: {@code id=host:port}.
 *
 * @param id      member id, for example {@code boxoffice-0}
 * @param address peer address {@code host:port}; a DNS name in Kubernetes, never a pod IP
 */
public record PeerSpec(String id, String address) {

    /** Member ids: what a StatefulSet pod name or a DNS label may hold. */
    static final Pattern MEMBER_ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})?|\\[[0-9a-fA-F:]+]");

    /**
     * Parses every entry; the problems found (each saying how to fix it) are added to {@code problems}
     * and the well-formed entries are returned.
     */
    public static List<PeerSpec> parseAll(String key, List<String> entries, List<String> problems) {
        List<PeerSpec> specs = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        Set<String> addresses = new LinkedHashSet<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            PeerSpec spec = parse(key, entry, problems);
            if (spec == null) {
                continue;
            }
            if (!ids.add(spec.id())) {
                problems.add(key + " names member '" + spec.id() + "' twice; give each member one entry");
            }
            if (!addresses.add(spec.address())) {
                problems.add(key + " gives address " + spec.address()
                        + " to two members; each member needs its own address");
            }
            specs.add(spec);
        }
        return specs;
    }

    private static PeerSpec parse(String key, String entry, List<String> problems) {
        int equals = entry.indexOf('=');
        if (equals <= 0) {
            problems.add(key + " entry '" + entry + "' must look like id=host:port, for example "
                    + "boxoffice-0=boxoffice-0.boxoffice-peers:7070");
            return null;
        }
        String id = entry.substring(0, equals).trim();
        String address = entry.substring(equals + 1).trim();
        boolean ok = true;
        if (!MEMBER_ID.matcher(id).matches()) {
            problems.add(key + " entry '" + entry + "': member id '" + id
                    + "' must be lower-case letters, digits and '-', at most 63 characters (a DNS label)");
            ok = false;
        }
        String addressProblem = addressProblem(address);
        if (addressProblem != null) {
            problems.add(key + " entry '" + entry + "': " + addressProblem);
            ok = false;
        }
        return ok ? new PeerSpec(id, address) : null;
    }

    /** Why {@code address} is not a usable {@code host:port}, or {@code null} when it is. */
    public static String addressProblem(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return "address '" + address + "' must be host:port";
        }
        String host = address.substring(0, colon);
        if (!HOST.matcher(host).matches()) {
            return "host '" + host + "' in '" + address + "' is not a host name or address";
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                return "port in '" + address + "' must be between 1 and 65535";
            }
        } catch (NumberFormatException e) {
            return "port in '" + address + "' is not a number";
        }
        return null;
    }
}
