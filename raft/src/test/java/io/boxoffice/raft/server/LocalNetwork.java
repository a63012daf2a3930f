package io.boxoffice.raft.server;

import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-process network for driver tests: delivers directly, copies snapshot files in small chunks on a
 * thread of their own, and can isolate members.
 */
final class LocalNetwork {

    static final int CHUNK_BYTES = 4096;

    private final Map<String, Transport.Inbox> inboxesById = new ConcurrentHashMap<>();
    private final Map<String, Transport.SnapshotFiles> filesById = new ConcurrentHashMap<>();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();

    Transport transportFor(String id) {
        return new Transport() {
            @Override
            public void start(Inbox inbox, SnapshotFiles snapshots) {
                inboxesById.put(id, inbox);
                filesById.put(id, snapshots);
            }

            @Override
            public void send(Message message) {
                Inbox target = inboxesById.get(message.to());
                if (target != null && reachable(message.from(), message.to())) {
                    target.deliver(message);
                }
            }

            @Override
            public void updatePeers(Map<String, String> addressesById) {
                // Everyone is reachable by id in-process.
            }

            @Override
            public Cancellable fetchSnapshot(String sourceId, SnapshotMeta meta, long offset, SnapshotSink sink) {
                AtomicBoolean cancelled = new AtomicBoolean();
                Thread.ofPlatform().daemon().name("local-snapshot-copy-" + id).start(() ->
                        copy(id, sourceId, meta, offset, sink, cancelled));
                return () -> cancelled.set(true);
            }

            @Override
            public void close() {
                inboxesById.remove(id);
                filesById.remove(id);
            }
        };
    }

    private void copy(String id, String sourceId, SnapshotMeta meta, long offset, Transport.SnapshotSink sink,
                      AtomicBoolean cancelled) {
        Transport.SnapshotFiles files = filesById.get(sourceId);
        Optional<FileChannel> file = files == null || !reachable(id, sourceId) ? Optional.empty()
                : files.open(meta.index(), meta.term());
        if (file.isEmpty()) {
            sink.failed(new IOException(sourceId + " has no snapshot " + meta.index() + " for " + id));
            return;
        }
        try (FileChannel channel = file.get()) {
            long size = channel.size();
            for (long position = offset; position < size; ) {
                if (cancelled.get()) {
                    return;
                }
                if (!reachable(id, sourceId)) {
                    throw new IOException("link to " + sourceId + " cut");
                }
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, size - position));
                while (chunk.hasRemaining()) {
                    channel.read(chunk, position + chunk.position());
                }
                chunk.flip();
                sink.chunk(position, size, chunk);
                position += chunk.limit();
            }
            if (!cancelled.get()) {
                sink.completed();
            }
        } catch (IOException | RuntimeException e) {
            if (!cancelled.get()) {
                sink.failed(e);
            }
        }
    }

    private boolean reachable(String a, String b) {
        return !isolated.contains(a) && !isolated.contains(b);
    }

    void isolate(String id) {
        isolated.add(id);
    }

    void heal(String id) {
        isolated.remove(id);
    }
}
