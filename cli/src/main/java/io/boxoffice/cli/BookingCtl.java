package io.boxoffice.cli;

import io.boxoffice.cli.bench.BenchCommand;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.client.Endpoint;
import io.boxoffice.cli.client.ErrorExplainer;
import io.boxoffice.cli.client.NodeList;
import io.boxoffice.cli.client.RetryPolicy;
import io.boxoffice.cli.client.SessionStore;
import io.boxoffice.cli.commands.AdminCommands;
import io.boxoffice.cli.commands.CliContext;
import io.boxoffice.cli.commands.ClusterCommands;
import io.boxoffice.cli.commands.MenuCommand;
import io.boxoffice.cli.commands.UserCommands;
import io.boxoffice.cli.render.Ansi;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code bookingctl}: the Boxoffice command line. Without a subcommand it opens the interactive menu.
 * Global options may be given before or after the subcommand.
 */
@Command(name = "bookingctl", mixinStandardHelpOptions = true, version = "bookingctl 0.1.0",
        description = "Book movie tickets on a Boxoffice cluster, operate the cluster, and load-test it.",
        footer = {"", "Environment: BOOKINGCTL_NODES (node list), BOOKINGCTL_CONFIG_DIR (session directory), "
                + "NO_COLOR (plain output), BOOKINGCTL_DEBUG=1 (stack traces).",
                "Exit status: 0 ok, 1 error, 2 usage, 3 conflict (seat taken, declined, ...), 4 not logged in, "
                + "5 cluster unavailable."},
        subcommands = {
                MenuCommand.class,
                UserCommands.Login.class, UserCommands.Logout.class, UserCommands.WhoAmI.class,
                UserCommands.Movies.class, UserCommands.Shows.class, UserCommands.Seats.class,
                UserCommands.HoldSeats.class, UserCommands.Holds.class, UserCommands.Extend.class,
                UserCommands.Release.class, UserCommands.Confirm.class, UserCommands.Book.class,
                UserCommands.Bookings.class, UserCommands.ShowBooking.class, UserCommands.Cancel.class,
                UserCommands.Ask.class,
                AdminCommands.MovieCommand.class, AdminCommands.ScreenCommand.class, AdminCommands.ShowCommand.class,
                AdminCommands.UserCommand.class, AdminCommands.Refund.class, AdminCommands.AllBookings.class,
                ClusterCommands.class, BenchCommand.class})
public final class BookingCtl implements Callable<Integer> {

    @Option(names = "--nodes", scope = ScopeType.INHERIT, paramLabel = "[ID=]HOST:PORT,...",
            description = "Booking nodes' client gRPC endpoints (default: $BOOKINGCTL_NODES, the launcher's "
                    + ".boxoffice/nodes, or " + NodeList.LAUNCHER_DEFAULT + ").")
    String nodes;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "table|json",
            description = "Output format of results (default: table).")
    String output;

    @Option(names = "--no-color", scope = ScopeType.INHERIT, description = "Plain output without ANSI colours.")
    boolean noColor;

    @Option(names = "--timeout-ms", scope = ScopeType.INHERIT, paramLabel = "MILLIS",
            description = "Deadline of one attempt of a call (default: 10000).")
    Long timeoutMillis;

    @Option(names = "--attempts", scope = ScopeType.INHERIT, paramLabel = "N",
            description = "Attempts per call, across nodes, through failovers (default: 8).")
    Integer attempts;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Print every retry to stderr.")
    boolean verbose;

    @CommandLine.Spec
    CommandSpec spec;

    private final PrintWriter out;
    private final PrintWriter err;
    private final BufferedReader in;
    private final Map<String, String> env;
    private final Clock clock;
    private final BiFunction<List<Endpoint>, RetryPolicy, ClusterClient> clientFactory;
    private final boolean terminal;
    private CliContext context;

    public BookingCtl(PrintWriter out, PrintWriter err, BufferedReader in, Map<String, String> env, Clock clock,
                      BiFunction<List<Endpoint>, RetryPolicy, ClusterClient> clientFactory, boolean terminal) {
        this.out = out;
        this.err = err;
        this.in = in;
        this.env = env;
        this.clock = clock;
        this.clientFactory = clientFactory;
        this.terminal = terminal;
    }

    /** Held so the level is not lost when the logger is garbage-collected. */
    private static final java.util.logging.Logger GRPC_LOGGER = java.util.logging.Logger.getLogger("io.grpc");

    public static void main(String[] args) {
        // gRPC's INFO messages (transport details) are noise in a terminal; warnings still show.
        GRPC_LOGGER.setLevel(java.util.logging.Level.WARNING);
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BookingCtl root = new BookingCtl(out, err, in, System.getenv(), Clock.systemUTC(), ClusterClient::connect,
                io.boxoffice.cli.menu.Terminal.stdinIsTerminal());
        int status = run(root, args);
        System.exit(status);
    }

    /** Parses and runs {@code args}; every failure becomes a one-line message on stderr and an exit status. */
    public static int run(BookingCtl root, String... args) {
        CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(root.out);
        commandLine.setErr(root.err);
        commandLine.setExecutionExceptionHandler((failure, line, parsed) -> {
            root.err.println(root.ansi().red("error: ") + ErrorExplainer.explain(failure));
            if (root.env.containsKey("BOOKINGCTL_DEBUG")) {
                failure.printStackTrace(root.err);
            }
            root.err.flush();
            return ErrorExplainer.exitCode(failure);
        });
        try {
            return commandLine.execute(args);
        } finally {
            if (root.context != null) {
                root.context.close();
            }
            root.out.flush();
            root.err.flush();
        }
    }

    /** Without a subcommand: the menu. */
    @Override
    public Integer call() throws Exception {
        return new MenuCommand().runWith(context());
    }

    /** The context of the running command; {@code spec} may be any command's spec. */
    public static CliContext context(CommandSpec spec) {
        return ((BookingCtl) spec.root().userObject()).context();
    }

    Ansi ansi() {
        boolean colour = terminal && !noColor && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
        return Ansi.of(colour || env.containsKey("BOOKINGCTL_FORCE_COLOR") && !noColor);
    }

    public synchronized CliContext context() {
        if (context == null) {
            CliContext.OutputFormat format = switch (output == null ? "table" : output.toLowerCase()) {
                case "table", "text" -> CliContext.OutputFormat.TABLE;
                case "json" -> CliContext.OutputFormat.JSON;
                default -> throw new IllegalArgumentException("--output must be table or json, not '" + output + "'");
            };
            List<Endpoint> endpoints = NodeList.resolve(nodes, env);
            RetryPolicy policy = RetryPolicy.DEFAULT;
            if (timeoutMillis != null) {
                policy = policy.withAttemptTimeoutMillis(timeoutMillis);
            }
            if (attempts != null) {
                policy = policy.withAttemptsMax(attempts);
            }
            context = new CliContext(out, err, in, env, endpoints, policy, format, ansi(), verbose, clock,
                    ZoneId.systemDefault(), SessionStore.fromEnvironment(env), clientFactory);
        }
        return context;
    }
}
