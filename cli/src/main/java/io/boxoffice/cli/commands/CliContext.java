package io.boxoffice.cli.commands;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.client.Endpoint;
import io.boxoffice.cli.client.NotLoggedInException;
import io.boxoffice.cli.client.RetryPolicy;
import io.boxoffice.cli.client.Session;
import io.boxoffice.cli.client.SessionStore;
import io.boxoffice.cli.render.Ansi;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Everything a command needs, built once per run from the global options and the environment: where the
 * nodes are, the session, the output streams, colours, clock and time zone. Commands never read
 * {@code System.getenv} or {@code System.out} themselves, so tests drive them with their own.
 */
public final class CliContext implements AutoCloseable {

    /** How results are printed. */
    public enum OutputFormat { TABLE, JSON }

    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader in;
    private final Map<String, String> env;
    private final List<Endpoint> endpoints;
    private final RetryPolicy policy;
    private final OutputFormat format;
    private final Ansi ansi;
    private final boolean verbose;
    private final Clock clock;
    private final ZoneId zone;
    private final SessionStore sessions;
    private final BiFunction<List<Endpoint>, RetryPolicy, ClusterClient> clientFactory;
    private ClusterClient client;

    public CliContext(PrintWriter out, PrintWriter err, BufferedReader in, Map<String, String> env,
                      List<Endpoint> endpoints, RetryPolicy policy, OutputFormat format, Ansi ansi, boolean verbose,
                      Clock clock, ZoneId zone, SessionStore sessions,
                      BiFunction<List<Endpoint>, RetryPolicy, ClusterClient> clientFactory) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
        this.endpoints = endpoints;
        this.policy = policy;
        this.format = format;
        this.ansi = ansi;
        this.verbose = verbose;
        this.clock = clock;
        this.zone = zone;
        this.sessions = sessions;
        this.clientFactory = clientFactory;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public BufferedReader in() {
        return in;
    }

    public Map<String, String> env() {
        return env;
    }

    public List<Endpoint> endpoints() {
        return endpoints;
    }

    public RetryPolicy policy() {
        return policy;
    }

    public OutputFormat format() {
        return format;
    }

    public boolean json() {
        return format == OutputFormat.JSON;
    }

    public Ansi ansi() {
        return ansi;
    }

    public Clock clock() {
        return clock;
    }

    public ZoneId zone() {
        return zone;
    }

    public SessionStore sessions() {
        return sessions;
    }

    /** The shared connection to the cluster, opened on first use. */
    public synchronized ClusterClient client() {
        if (client == null) {
            client = clientFactory.apply(endpoints, policy);
            if (verbose) {
                client.onRetry((attempt, failed, status, next, delay) -> err.println("retry: attempt " + attempt
                        + " on " + failed.label() + " failed with " + status.getCode() + " (" + status.getDescription()
                        + "); next " + next.label() + " in " + delay + " ms"));
            }
        }
        return client;
    }

    /** A client over the shared connection with its own policy (the load generator wants fewer retries). */
    public ClusterClient newClient(RetryPolicy otherPolicy) {
        return clientFactory.apply(endpoints, otherPolicy);
    }

    public Optional<Session> session() {
        return sessions.load();
    }

    /** The API authenticated with the stored session; calls fail with a login hint when there is none. */
    public BoxofficeApi api() {
        return new BoxofficeApi(client(), () -> sessions.load().map(Session::token)
                .orElseThrow(NotLoggedInException::new));
    }

    /** The API authenticated with {@code session}. */
    public BoxofficeApi api(Session session) {
        return new BoxofficeApi(client(), session::token);
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        out.flush();
        err.flush();
    }
}
