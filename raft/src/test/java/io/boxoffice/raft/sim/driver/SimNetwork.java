package io.boxoffice.raft.sim.driver;

import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The simulated network behind every member's {@link Transport}: messages are lost, duplicated, delayed and
 * reordered from the run's one seed, links are cut (partitions, one-way cuts), and a snapshot copy streams the source
 * member's real snapshot file chunk by chunk, each chunk a later event that may fail. A paused member reads its
 * socket only when it resumes; a crashed one receives nothing.
 */
final class SimNetwork {

    static final int CHUNK_BYTES = 700;

    /** What the network needs from the cluster. */
    interface Hooks {
        /** A message leaves {@code fromId}: the ordering checks run here, and the process may crash. */
        void onSend(String fromId, int incarnation, Message message);

        /** When the member's pause ends, or -1 if it runs. */
        long pausedUntilMillis(String id);
    }

    private record Endpoint(int incarnation, Transport.Inbox inbox, Transport.SnapshotFiles files) {
    }

    private final EventQueue events;
    private final Random random;
    private final Hooks hooks;
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    private final Set<String> blockedLinks = new HashSet<>();

    double dropRate = 0.05;
    double duplicateRate = 0.02;
    double chunkFailureRate = 0.05;
    int maxDelayMillis = 12;
    private long messagesSent;
    private long snapshotChunksCopied;

    SimNetwork(EventQueue events, Random random, Hooks hooks) {
        this.events = events;
        this.random = random;
        this.hooks = hooks;
    }

    long messagesSent() {
        return messagesSent;
    }

    long snapshotChunksCopied() {
        return snapshotChunksCopied;
    }

    Transport transportFor(String id, int incarnation) {
        return new SimTransport(id, incarnation);
    }

    /** The process {@code incarnation} of {@code id} died: nothing reaches it or its copies any more. */
    void disconnect(String id, int incarnation) {
        Endpoint endpoint = endpoints.get(id);
        if (endpoint != null && endpoint.incarnation == incarnation) {
            endpoints.remove(id);
        }
    }

    void block(String from, String to) {
        blockedLinks.add(link(from, to));
    }

    void healLinks() {
        blockedLinks.clear();
    }

    boolean blocked(String from, String to) {
        return blockedLinks.contains(link(from, to));
    }

    private void deliverLater(Message message) {
        long delayMillis = 1 + random.nextInt(maxDelayMillis);
        if (random.nextDouble() < 0.02) {
            delayMillis += random.nextInt(100); // A slow message, overtaken by later ones.
        }
        events.at(events.nowMillis() + delayMillis, () -> deliver(message));
    }

    private void deliver(Message message) {
        Endpoint to = endpoints.get(message.to());
        if (to == null || blocked(message.from(), message.to())) {
            return;
        }
        long pausedUntil = hooks.pausedUntilMillis(message.to());
        if (pausedUntil >= 0) {
            events.at(pausedUntil, () -> deliver(message)); // Read from the socket when the process resumes.
            return;
        }
        to.inbox.deliver(message);
    }

    private static String link(String from, String to) {
        return from + "->" + to;
    }

    /** One member's transport; a new one per process. */
    private final class SimTransport implements Transport {
        private final String selfId;
        private final int incarnation;

        SimTransport(String selfId, int incarnation) {
            this.selfId = selfId;
            this.incarnation = incarnation;
        }

        @Override
        public void start(Inbox inbox, SnapshotFiles snapshots) {
            endpoints.put(selfId, new Endpoint(incarnation, inbox, snapshots));
        }

        @Override
        public void send(Message message) {
            if (!message.from().equals(selfId)) {
                throw new AssertionError(selfId + " sends a message from " + message.from() + ": " + message);
            }
            hooks.onSend(selfId, incarnation, message);
            messagesSent++;
            if (random.nextDouble() < dropRate) {
                return;
            }
            int copies = random.nextDouble() < duplicateRate ? 2 : 1;
            for (int i = 0; i < copies; i++) {
                deliverLater(message);
            }
        }

        @Override
        public void updatePeers(Map<String, String> addressesById) {
            // Members are reached by id; the address book only matters to a real network.
        }

        @Override
        public Cancellable fetchSnapshot(String sourceId, SnapshotMeta meta, long offset, SnapshotSink sink) {
            Stream stream = new Stream(selfId, incarnation, sourceId, meta, offset, sink);
            stream.scheduleNext();
            return stream::cancel;
        }

        @Override
        public void close() {
            disconnect(selfId, incarnation);
        }
    }

    /** One stream of a snapshot file from its source to a copying member, a chunk per event. */
    private final class Stream {
        private final String fetcherId;
        private final int fetcherIncarnation;
        private final String sourceId;
        private final SnapshotMeta meta;
        private final Transport.SnapshotSink sink;
        private long position;
        private Endpoint source;
        private FileChannel file;
        private long fileBytes;
        private boolean over;

        Stream(String fetcherId, int fetcherIncarnation, String sourceId, SnapshotMeta meta, long offset,
               Transport.SnapshotSink sink) {
            this.fetcherId = fetcherId;
            this.fetcherIncarnation = fetcherIncarnation;
            this.sourceId = sourceId;
            this.meta = meta;
            this.position = offset;
            this.sink = sink;
        }

        void scheduleNext() {
            events.at(events.nowMillis() + 1 + random.nextInt(6), this::next);
        }

        void cancel() {
            over = true;
            closeFile();
        }

        private void next() {
            if (over) {
                return;
            }
            Endpoint fetcher = endpoints.get(fetcherId);
            if (fetcher == null || fetcher.incarnation != fetcherIncarnation) {
                cancel(); // The copying process is gone.
                return;
            }
            long pausedUntil = hooks.pausedUntilMillis(fetcherId);
            if (pausedUntil >= 0) {
                events.at(pausedUntil, this::next);
                return;
            }
            Endpoint current = endpoints.get(sourceId);
            if (current == null || (source != null && current != source) || blocked(sourceId, fetcherId)
                    || blocked(fetcherId, sourceId) || random.nextDouble() < chunkFailureRate) {
                fail(new IOException("stream of snapshot " + meta.index() + " from " + sourceId + " broke at byte "
                        + position));
                return;
            }
            try {
                if (file == null) {
                    source = current;
                    Optional<FileChannel> opened = current.files.open(meta.index(), meta.term());
                    if (opened.isEmpty()) {
                        fail(new IOException(sourceId + " no longer holds snapshot " + meta.index()));
                        return;
                    }
                    file = opened.get();
                    fileBytes = file.size();
                }
                ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, fileBytes - position));
                while (chunk.hasRemaining()) {
                    if (file.read(chunk, position + chunk.position()) < 0) {
                        throw new IOException("snapshot file of " + sourceId + " ended early");
                    }
                }
                chunk.flip();
                int length = chunk.remaining();
                sink.chunk(position, fileBytes, chunk);
                position += length;
                snapshotChunksCopied++;
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            }
            if (position >= fileBytes) {
                over = true;
                closeFile();
                sink.completed();
            } else {
                scheduleNext();
            }
        }

        private void fail(Throwable cause) {
            over = true;
            closeFile();
            sink.failed(cause);
        }

        private void closeFile() {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                file = null;
            }
        }
    }
}
