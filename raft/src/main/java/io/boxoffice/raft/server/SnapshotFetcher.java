package io.boxoffice.raft.server;

import io.boxoffice.raft.core.SnapshotFetch;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.storage.IncomingSnapshot;
import io.boxoffice.raft.storage.SnapshotStore;
import io.boxoffice.raft.transport.Transport;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * Copies the snapshot file a leader offered (§7) into this node's {@link SnapshotStore}: one copy at a
 * time, resumed where it broke off (at most {@link #MAX_ATTEMPTS} streams), verified, then reported to the
 * driver, which lets the core install it. A new offer cancels the copy in progress.
 *
 * <p>Threading: {@link #start} and {@link #cancel} on the driver thread; the transport's callbacks on its
 * fetch thread; {@code report} is called from the fetch thread and must hand over to the driver.
 */
final class SnapshotFetcher {

    private static final Logger LOG = Logger.getLogger(SnapshotFetcher.class);
    /** Streams per copy before giving up; the leader offers again after an election timeout. */
    static final int MAX_ATTEMPTS = 5;

    private final String selfId;
    private final Transport transport;
    private final SnapshotStore snapshots;
    private final BiConsumer<SnapshotMeta, Boolean> report;
    private Copy current;

    SnapshotFetcher(String selfId, Transport transport, SnapshotStore snapshots,
                    BiConsumer<SnapshotMeta, Boolean> report) {
        this.selfId = selfId;
        this.transport = transport;
        this.snapshots = snapshots;
        this.report = report;
    }

    /** Starts copying {@code fetch}, abandoning any other copy. */
    synchronized void start(SnapshotFetch fetch) {
        if (current != null) {
            current.abandon();
        }
        LOG.infof("%s: copying snapshot %d (term %d) from %s", selfId, fetch.meta().index(), fetch.meta().term(),
                fetch.sourceId());
        current = new Copy(fetch, snapshots.incoming(fetch.meta()));
        current.stream();
    }

    /** Abandons the copy in progress, if any. */
    synchronized void cancel() {
        if (current != null) {
            current.abandon();
            current = null;
        }
    }

    private synchronized void finished(Copy copy, boolean ok) {
        if (current != copy) {
            return; // Abandoned meanwhile: nobody waits for it.
        }
        current = null;
        report.accept(copy.fetch.meta(), ok);
    }

    /** One snapshot being copied, possibly over several streams. */
    private final class Copy implements Transport.SnapshotSink {
        private final SnapshotFetch fetch;
        private final IncomingSnapshot incoming;
        private final long startNanos = System.nanoTime();
        private Transport.Cancellable stream;
        private int attempts;
        private volatile boolean abandoned;

        Copy(SnapshotFetch fetch, IncomingSnapshot incoming) {
            this.fetch = fetch;
            this.incoming = incoming;
        }

        void stream() {
            attempts++;
            stream = transport.fetchSnapshot(fetch.sourceId(), fetch.meta(), incoming.size(), this);
        }

        void abandon() {
            abandoned = true;
            if (stream != null) {
                stream.cancel();
            }
            incoming.close();
        }

        @Override
        public void chunk(long offset, long fileBytes, ByteBuffer data) {
            if (abandoned) {
                throw new IllegalStateException("copy abandoned");
            }
            incoming.append(offset, fileBytes, data);
        }

        @Override
        public void completed() {
            if (abandoned) {
                return;
            }
            boolean ok;
            try {
                incoming.complete();
                ok = true;
                LOG.infof("%s: copied snapshot %d (%d bytes) from %s in %d ms", selfId, fetch.meta().index(),
                        incoming.size(), fetch.sourceId(), (System.nanoTime() - startNanos) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: the copy of snapshot %d from %s is unusable", selfId, fetch.meta().index(),
                        fetch.sourceId());
                ok = false;
            }
            finished(this, ok);
        }

        @Override
        public void failed(Throwable cause) {
            if (abandoned) {
                return;
            }
            synchronized (SnapshotFetcher.this) {
                if (current == this && attempts < MAX_ATTEMPTS && !(cause instanceof IllegalArgumentException)) {
                    LOG.infof("%s: copying snapshot %d from %s broke off at byte %d (%s); resuming", selfId,
                            fetch.meta().index(), fetch.sourceId(), incoming.size(), cause.toString());
                    stream();
                    return;
                }
            }
            LOG.warnf("%s: copying snapshot %d from %s failed after %d attempts: %s", selfId, fetch.meta().index(),
                    fetch.sourceId(), attempts, cause.toString());
            incoming.close();
            finished(this, false);
        }
    }
}
