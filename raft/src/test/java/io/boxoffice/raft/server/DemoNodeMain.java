package io.boxoffice.raft.server;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.RaftStatus;
import io.boxoffice.raft.errors.NotLeaderException;
import io.boxoffice.raft.storage.RocksDbLogStore;
import io.boxoffice.raft.storage.SnapshotStore;
import io.boxoffice.raft.transport.GrpcTransport;
import io.boxoffice.raft.transport.GrpcTransportConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One demo cluster member as its own process: {@link RaftServer} over {@link GrpcTransport} and
 * {@link RocksDbLogStore}, with a {@link KvStateMachine}. Driven by a line protocol on stdin, one
 * request per line, answered on stdout as {@code <requestId> ok <text>} or
 * {@code <requestId> err <ExceptionName> <leader hint or message>}:
 * <pre>
 *   &lt;id&gt; put &lt;key&gt; &lt;value&gt;   replicate key=value
 *   &lt;id&gt; get &lt;key&gt;           linearizable read
 *   &lt;id&gt; dump                sorted key=value pairs, stale read of this node's state
 *   &lt;id&gt; status              role, term, leader, commit and applied index
 * </pre>
 * Arguments: {@code id dataDir port peers(id=host:port,...) clusterId token snapshotEveryEntries}.
 */
public final class DemoNodeMain {

    private DemoNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        String id = args[0];
        Path dataDir = Path.of(args[1]);
        int port = Integer.parseInt(args[2]);
        Configuration bootstrap = parsePeers(args[3]);
        GrpcTransport transport = new GrpcTransport(
                GrpcTransportConfig.defaults(id, args[4], "127.0.0.1", port, args[5]));
        KvStateMachine machine = new KvStateMachine();
        RaftServerConfig config = RaftServerConfig.defaults(id, bootstrap)
                .withSnapshotEveryEntries(Long.parseLong(args[6]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (RaftServer<byte[]> server = new RaftServer<>(config, new RocksDbLogStore(dataDir.resolve("log")),
                new SnapshotStore(dataDir.resolve("snapshots")), transport, machine, RaftObserver.NONE,
                cause -> Runtime.getRuntime().halt(70))) {
            server.start();
            say(out, "ready " + id);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                handle(server, machine, line.split(" "), out);
            }
        }
    }

    private static void handle(RaftServer<byte[]> server, KvStateMachine machine, String[] request, PrintStream out) {
        String requestId = request[0];
        CompletableFuture<String> answer = switch (request[1]) {
            case "put" -> server.propose(KvStateMachine.put(request[2], request[3]))
                    .thenApply(previous -> new String(previous, StandardCharsets.UTF_8));
            case "get" -> server.read(() -> String.valueOf(machine.get(request[2])), ReadConsistency.LINEARIZABLE);
            case "dump" -> server.read(() -> dump(machine.copy()), ReadConsistency.STALE);
            case "status" -> CompletableFuture.completedFuture(describe(server.status()));
            default -> CompletableFuture.failedFuture(new IllegalArgumentException("unknown request " + request[1]));
        };
        answer.whenComplete((text, error) -> say(out, requestId + (error == null ? " ok " + text : " err " + describe(error))));
    }

    private static String describe(RaftStatus status) {
        return status.role() + " " + status.term() + " " + status.leaderId() + " " + status.commitIndex() + " "
                + status.appliedIndex();
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof NotLeaderException notLeader) {
            return "NotLeaderException " + notLeader.leaderId().orElse("-");
        }
        return cause.getClass().getSimpleName() + " " + cause.getMessage();
    }

    private static String dump(Map<String, String> values) {
        List<String> pairs = new ArrayList<>();
        values.forEach((key, value) -> pairs.add(key + "=" + value));
        return String.join(",", pairs);
    }

    private static synchronized void say(PrintStream out, String line) {
        out.println(line);
    }

    static Configuration parsePeers(String peers) {
        Map<String, String> addresses = new HashMap<>();
        for (String peer : peers.split(",")) {
            String[] parts = peer.split("=", 2);
            addresses.put(parts[0], parts[1]);
        }
        List<Member> members = new ArrayList<>();
        addresses.forEach((memberId, address) -> members.add(new Member(memberId, address, true)));
        return Configuration.ofVoters(members);
    }
}
