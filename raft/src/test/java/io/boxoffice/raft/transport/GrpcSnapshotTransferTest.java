package io.boxoffice.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.storage.IncomingSnapshot;
import io.boxoffice.raft.storage.SnapshotStore;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot files travel between peers over {@code RaftPeer.FetchSnapshot}: chunked, resumable, authenticated. */
class GrpcSnapshotTransferTest {

    private static final String TOKEN = "test-peer-token-0123456789";
    private static final SnapshotMeta META = new SnapshotMeta(900, 3,
            Configuration.ofVoters(List.of(new Member("a", "a:1", true), new Member("b", "b:1", true))));

    @TempDir
    Path directory;

    private final List<GrpcTransport> transports = new ArrayList<>();

    @AfterEach
    void closeAll() {
        transports.forEach(GrpcTransport::close);
    }

    @Test
    void a_follower_copies_a_multi_chunk_snapshot_file_identical_to_the_leader_s() throws Exception {
        SnapshotStore leaderFiles = new SnapshotStore(directory.resolve("a"));
        SnapshotStore followerFiles = new SnapshotStore(directory.resolve("b"));
        byte[] payload = new byte[5 * 1024 * 1024 + 3];
        new Random(1).nextBytes(payload);
        leaderFiles.write(META, out -> out.write(payload));
        GrpcTransport b = connectedPair(leaderFiles, TOKEN);

        AtomicInteger chunks = new AtomicInteger();
        try (IncomingSnapshot copy = followerFiles.incoming(META)) {
            Outcome outcome = fetch(b, "a", 0, copy, chunks);
            assertThat(outcome.failure()).isNull();
            copy.complete();
        }

        assertThat(chunks.get()).as("streamed in 1 MiB chunks").isGreaterThanOrEqualTo(5);
        try (InputStream in = followerFiles.openPayload(META)) {
            assertThat(in.readAllBytes()).isEqualTo(payload);
        }
    }

    @Test
    void a_copy_resumes_at_an_offset() throws Exception {
        SnapshotStore leaderFiles = new SnapshotStore(directory.resolve("a"));
        leaderFiles.write(META, out -> out.write(new byte[3 * 1024 * 1024]));
        GrpcTransport b = connectedPair(leaderFiles, TOKEN);
        List<Long> offsets = new ArrayList<>();

        CompletableFuture<Throwable> done = new CompletableFuture<>();
        b.fetchSnapshot("a", META, 2 * 1024 * 1024, new Transport.SnapshotSink() {
            @Override
            public void chunk(long offset, long fileBytes, ByteBuffer data) {
                offsets.add(offset);
            }

            @Override
            public void completed() {
                done.complete(null);
            }

            @Override
            public void failed(Throwable cause) {
                done.complete(cause);
            }
        });

        assertThat(done.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(offsets.get(0)).isEqualTo(2 * 1024 * 1024);
    }

    @Test
    void a_snapshot_the_leader_no_longer_holds_fails_the_copy_with_not_found() throws Exception {
        SnapshotStore leaderFiles = new SnapshotStore(directory.resolve("a"));
        GrpcTransport b = connectedPair(leaderFiles, TOKEN);

        Outcome outcome = fetch(b, "a", 0, null, new AtomicInteger());

        assertThat(outcome.failure()).hasMessageContaining("NOT_FOUND");
    }

    @Test
    void a_peer_without_the_cluster_credential_cannot_fetch_a_snapshot() throws Exception {
        SnapshotStore leaderFiles = new SnapshotStore(directory.resolve("a"));
        leaderFiles.write(META, out -> out.write(new byte[10]));
        GrpcTransport b = connectedPair(leaderFiles, "not-the-right-token-42");

        Outcome outcome = fetch(b, "a", 0, null, new AtomicInteger());

        assertThat(outcome.failure()).hasMessageContaining("UNAUTHENTICATED");
    }

    private record Outcome(Throwable failure) {
    }

    private static Outcome fetch(GrpcTransport from, String sourceId, long offset, IncomingSnapshot copy,
                                 AtomicInteger chunks) throws Exception {
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        from.fetchSnapshot(sourceId, META, offset, new Transport.SnapshotSink() {
            @Override
            public void chunk(long chunkOffset, long fileBytes, ByteBuffer data) {
                chunks.incrementAndGet();
                if (copy != null) {
                    copy.append(chunkOffset, fileBytes, data);
                }
            }

            @Override
            public void completed() {
                done.complete(new Outcome(null));
            }

            @Override
            public void failed(Throwable cause) {
                done.complete(new Outcome(cause));
            }
        });
        return done.get(20, TimeUnit.SECONDS);
    }

    /** Peer a serves {@code files}; peer b (returned) presents {@code bToken}. */
    private GrpcTransport connectedPair(SnapshotStore files, String bToken) {
        GrpcTransport a = new GrpcTransport(GrpcTransportConfig.defaults("a", "c1", "127.0.0.1", 0, TOKEN));
        GrpcTransport b = new GrpcTransport(GrpcTransportConfig.defaults("b", "c1", "127.0.0.1", 0, bToken));
        transports.add(a);
        transports.add(b);
        a.start(message -> { }, files::openFile);
        b.start(message -> { }, (index, term) -> java.util.Optional.empty());
        Map<String, String> book = Map.of("a", "127.0.0.1:" + a.boundPort(), "b", "127.0.0.1:" + b.boundPort());
        a.updatePeers(book);
        b.updatePeers(book);
        return b;
    }
}
