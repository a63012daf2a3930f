package io.boxoffice.raft.transport;

import com.google.protobuf.UnsafeByteOperations;
import io.boxoffice.proto.raft.v1.FetchSnapshotRequest;
import io.boxoffice.proto.raft.v1.SnapshotChunk;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Serves {@code RaftPeer.FetchSnapshot}: streams a snapshot file to a follower in chunks, reading the
 * next chunk only when gRPC's flow control says the follower can take it, so neither side ever holds more
 * than a chunk or two in memory. File reads run on the transport's snapshot thread, never on a network
 * thread. At most {@code maxSnapshotStreams} files are sent at once; a further fetch is refused with
 * RESOURCE_EXHAUSTED and retried by the follower.
 */
final class SnapshotSender {

    private static final Logger LOG = Logger.getLogger(SnapshotSender.class);

    private final GrpcTransportConfig config;
    private final Transport.SnapshotFiles files;
    private final ExecutorService executor;
    private final AtomicInteger activeStreams = new AtomicInteger();

    SnapshotSender(GrpcTransportConfig config, Transport.SnapshotFiles files, ExecutorService executor) {
        this.config = config;
        this.files = files;
        this.executor = executor;
    }

    void fetch(FetchSnapshotRequest request, StreamObserver<SnapshotChunk> responses) {
        if (!config.clusterId().equals(request.getClusterId())) {
            responses.onError(Status.FAILED_PRECONDITION.withDescription("fetch for cluster '"
                    + request.getClusterId() + "' reached cluster '" + config.clusterId() + "'").asRuntimeException());
            return;
        }
        if (activeStreams.incrementAndGet() > config.maxSnapshotStreams()) {
            activeStreams.decrementAndGet();
            responses.onError(Status.RESOURCE_EXHAUSTED.withDescription("already sending "
                    + config.maxSnapshotStreams() + " snapshots; retry shortly").asRuntimeException());
            return;
        }
        Optional<FileChannel> file;
        long size;
        try {
            file = files.open(request.getSnapshotIndex(), request.getSnapshotTerm());
            size = file.isPresent() ? file.get().size() : 0;
        } catch (IOException | RuntimeException e) {
            activeStreams.decrementAndGet();
            LOG.warnf(e, "cannot open snapshot %d for %s", request.getSnapshotIndex(), request.getRequesterId());
            responses.onError(Status.INTERNAL.withDescription("cannot read the snapshot: " + e).asRuntimeException());
            return;
        }
        if (file.isEmpty()) {
            activeStreams.decrementAndGet();
            responses.onError(Status.NOT_FOUND.withDescription("no snapshot at index " + request.getSnapshotIndex()
                    + " term " + request.getSnapshotTerm() + " here any more; wait for the next offer")
                    .asRuntimeException());
            return;
        }
        if (request.getOffset() > size) {
            activeStreams.decrementAndGet();
            closeQuietly(file.get());
            responses.onError(Status.OUT_OF_RANGE.withDescription("offset " + request.getOffset() + " beyond the "
                    + size + "-byte snapshot file").asRuntimeException());
            return;
        }
        ServerCallStreamObserver<SnapshotChunk> observer = (ServerCallStreamObserver<SnapshotChunk>) responses;
        Stream stream = new Stream(observer, file.get(), request.getOffset(), size);
        observer.setOnCancelHandler(stream::cancel);
        observer.setOnReadyHandler(stream::schedule);
        LOG.infof("sending snapshot %d (%d bytes, from offset %d) to %s", request.getSnapshotIndex(), size,
                request.getOffset(), request.getRequesterId());
        stream.schedule();
    }

    private static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (IOException e) {
            // A read-only file; nothing was written that closing could lose.
        }
    }

    /** One file being sent. Its pump runs on the snapshot thread only. */
    private final class Stream {
        private final ServerCallStreamObserver<SnapshotChunk> observer;
        private final FileChannel file;
        private final long size;
        private final AtomicBoolean finished = new AtomicBoolean();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean cancelled;
        private long offset;

        Stream(ServerCallStreamObserver<SnapshotChunk> observer, FileChannel file, long offset, long size) {
            this.observer = observer;
            this.file = file;
            this.offset = offset;
            this.size = size;
        }

        void schedule() {
            if (finished.get() || !scheduled.compareAndSet(false, true)) {
                return;
            }
            try {
                executor.execute(this::pump);
            } catch (RejectedExecutionException e) {
                cancel(); // The transport is closing.
            }
        }

        void cancel() {
            cancelled = true;
            finish();
        }

        private void pump() {
            scheduled.set(false);
            try {
                // Bounded by the file: each round sends one chunk and advances the offset.
                while (!cancelled && !finished.get() && observer.isReady()) {
                    if (offset == size) {
                        observer.onCompleted();
                        finish();
                        return;
                    }
                    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(config.snapshotChunkBytes(), size - offset));
                    while (chunk.hasRemaining()) {
                        if (file.read(chunk, offset + chunk.position()) < 0) {
                            throw new IOException("snapshot file shorter than " + size + " bytes");
                        }
                    }
                    chunk.flip();
                    observer.onNext(SnapshotChunk.newBuilder().setOffset(offset).setTotalBytes(size)
                            .setData(UnsafeByteOperations.unsafeWrap(chunk)).build());
                    offset += chunk.limit();
                }
            } catch (IOException | RuntimeException e) {
                LOG.warnf(e, "sending a snapshot file failed at offset %d", offset);
                if (!cancelled) {
                    observer.onError(Status.INTERNAL.withDescription("cannot read the snapshot: " + e)
                            .asRuntimeException());
                }
                finish();
            }
        }

        private void finish() {
            if (finished.compareAndSet(false, true)) {
                activeStreams.decrementAndGet();
                closeQuietly(file);
            }
        }
    }
}
