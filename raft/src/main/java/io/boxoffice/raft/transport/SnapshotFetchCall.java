package io.boxoffice.raft.transport;

import io.boxoffice.proto.raft.v1.FetchSnapshotRequest;
import io.boxoffice.proto.raft.v1.RaftPeerGrpc;
import io.boxoffice.proto.raft.v1.SnapshotChunk;
import io.boxoffice.raft.core.SnapshotMeta;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.Executor;

/**
 * The client side of {@code RaftPeer.FetchSnapshot}: asks for one chunk at a time (manual flow control), so
 * a slow disk on the follower slows the sender instead of filling memory. Callbacks run on the
 * transport's fetch thread, one at a time.
 */
final class SnapshotFetchCall implements Transport.Cancellable, ClientResponseObserver<FetchSnapshotRequest,
        SnapshotChunk> {

    private final Transport.SnapshotSink sink;
    private ClientCallStreamObserver<FetchSnapshotRequest> call;
    private volatile boolean cancelled;
    private boolean ended;

    private SnapshotFetchCall(Transport.SnapshotSink sink) {
        this.sink = sink;
    }

    static SnapshotFetchCall start(ManagedChannel channel, Executor executor, String clusterId, String requesterId,
                                   SnapshotMeta meta, long offset, Transport.SnapshotSink sink) {
        SnapshotFetchCall fetch = new SnapshotFetchCall(sink);
        FetchSnapshotRequest request = FetchSnapshotRequest.newBuilder().setClusterId(clusterId)
                .setSnapshotIndex(meta.index()).setSnapshotTerm(meta.term()).setOffset(offset)
                .setRequesterId(requesterId).build();
        RaftPeerGrpc.newStub(channel).withExecutor(executor).fetchSnapshot(request, fetch);
        return fetch;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<FetchSnapshotRequest> requestStream) {
        this.call = requestStream;
        requestStream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(SnapshotChunk chunk) {
        if (cancelled || ended) {
            return;
        }
        try {
            sink.chunk(chunk.getOffset(), chunk.getTotalBytes(), chunk.getData().asReadOnlyByteBuffer());
        } catch (RuntimeException e) {
            ended = true;
            call.cancel("the follower refused a chunk", e);
            sink.failed(e);
            return;
        }
        call.request(1);
    }

    @Override
    public void onError(Throwable error) {
        if (!cancelled && !ended) {
            ended = true;
            sink.failed(error);
        }
    }

    @Override
    public void onCompleted() {
        if (!cancelled && !ended) {
            ended = true;
            sink.completed();
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
        ClientCallStreamObserver<FetchSnapshotRequest> current = call;
        if (current != null) {
            current.cancel("copy no longer needed", null);
        }
    }
}
