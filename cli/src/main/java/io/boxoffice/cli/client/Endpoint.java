package io.boxoffice.cli.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One booking node's client gRPC endpoint, as given to {@code --nodes}: {@code host:port}, or
 * {@code id=host:port} when the member id is known. With ids the client can follow the leader hint a
 * node returns (the hint names a member id, never an address); without them it tries the next node.
 *
 * @param nodeId member id, empty when not given
 * @param host   host name or address
 * @param port   client gRPC port
 */
public record Endpoint(Optional<String> nodeId, String host, int port) {

    public Endpoint {
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " must be between 1 and 65535");
        }
    }

    /** {@code host:port}. */
    public String address() {
        return host + ":" + port;
    }

    /** The id when known, else the address: how the endpoint is named in messages. */
    public String label() {
        return nodeId.map(id -> id + " (" + address() + ")").orElse(address());
    }

    /** Parses one {@code [id=]host:port}; the message of the exception says what is wrong. */
    public static Endpoint parse(String text) {
        String entry = text.trim();
        Optional<String> id = Optional.empty();
        int equals = entry.indexOf('=');
        if (equals >= 0) {
            String name = entry.substring(0, equals).trim();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("node '" + text + "': the id before '=' is empty");
            }
            id = Optional.of(name);
            entry = entry.substring(equals + 1).trim();
        }
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            throw new IllegalArgumentException("node '" + text + "' must be host:port or id=host:port, "
                    + "for example 127.0.0.1:9101 or node1=127.0.0.1:9101");
        }
        String host = entry.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("node '" + text + "': port is not a number");
        }
        try {
            return new Endpoint(id, host, port);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("node '" + text + "': " + e.getMessage());
        }
    }

    /** Parses a comma-separated list; at least one entry, no address twice. */
    public static List<Endpoint> parseList(String text) {
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> addresses = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            Endpoint endpoint = parse(part);
            if (!addresses.add(endpoint.address())) {
                throw new IllegalArgumentException("node address " + endpoint.address() + " is listed twice");
            }
            endpoints.add(endpoint);
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no node address given: pass --nodes host:port[,host:port...]");
        }
        return List.copyOf(endpoints);
    }
}
