package io.boxoffice.raft.transport;

import io.boxoffice.proto.raft.v1.DeliverAck;
import io.boxoffice.proto.raft.v1.PeerEnvelope;
import io.boxoffice.proto.raft.v1.RaftPeerGrpc;
import io.boxoffice.raft.core.message.Message;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * The outbound half of the transport towards one peer: a bounded queue drained by one sender
 * thread into one long-lived client stream, opened when the sender starts and kept open while
 * there is nothing to send. When the stream fails the thread waits a jittered, exponentially
 * growing delay and opens a new one at once, whether or not a message waits; meanwhile the queue
 * absorbs what it can and further messages are dropped (Raft re-sends what matters).
 *
 * <p>The thread writes only while gRPC reports the stream ready, so at most one flow-control
 * window of bytes is buffered below the queue: memory stays bounded even when the peer is slow.
 */
final class PeerSender implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PeerSender.class);
    /** How often a waiting sender rechecks the closed flag; bounds close() latency. */
    private static final long POLL_MILLIS = 100;

    private final String peerId;
    private final String address;
    private final String clusterId;
    /** This node's advertised address, stamped on every envelope; empty when not advertised. */
    private final String senderAddress;
    private final ManagedChannel channel;
    private final ArrayBlockingQueue<Message> queue;
    private final Backoff backoff;
    private final Counters counters;
    private final Thread thread;
    private volatile boolean closed;

    /** Counters shared by every sender of one transport. */
    record Counters(LongAdder sent, LongAdder droppedQueueFull, LongAdder droppedStreamFailed) {
    }

    /** The channel to this peer, shared with snapshot copies from it. */
    ManagedChannel channel() {
        return channel;
    }

    PeerSender(String peerId, String address, String clusterId, String senderAddress, ManagedChannel channel,
               int maxQueuedMessages, Backoff backoff, Counters counters) {
        this.peerId = peerId;
        this.address = address;
        this.clusterId = clusterId;
        this.senderAddress = senderAddress == null ? "" : senderAddress;
        this.channel = channel;
        this.queue = new ArrayBlockingQueue<>(maxQueuedMessages);
        this.backoff = backoff;
        this.counters = counters;
        this.thread = Thread.ofPlatform().daemon().name("raft-send-" + peerId).unstarted(this::run);
    }

    String address() {
        return address;
    }

    void start() {
        thread.start();
    }

    /** Never blocks: a full queue drops the message. */
    void offer(Message message) {
        if (closed || !queue.offer(message)) {
            counters.droppedQueueFull().increment();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        channel.shutdownNow();
    }

    void awaitTermination(long timeoutMillis) throws InterruptedException {
        thread.join(timeoutMillis);
        channel.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void run() {
        Stream stream = null;
        long nextNudgeNanos = System.nanoTime();
        try {
            while (!closed) {
                // The stream is kept open while there is nothing to send, and reopened as soon as it fails: the
                // first message after a quiet spell (a pre-vote to a peer that restarted since we last wrote to
                // it) then finds a connected stream, instead of being dropped on the broken one and waiting for
                // Raft to send it again an election timeout later.
                if (stream == null) {
                    stream = Stream.open(channel);
                } else if (stream.failed) {
                    stream = reconnectAfterFailure(stream);
                    continue;
                }
                Message message = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (message == null) {
                    if (stream.requests.isReady()) {
                        backoff.reset();
                    } else if (System.nanoTime() - nextNudgeNanos >= 0) {
                        nextNudgeNanos = nudgeReconnect();
                    }
                    continue;
                }
                if (!awaitReady(stream)) {
                    counters.droppedStreamFailed().increment();
                    continue;
                }
                stream.requests.onNext(PeerEnvelope.newBuilder().setClusterId(clusterId)
                        .setSenderAddress(senderAddress).setMessage(ProtoCodec.encode(message)).build());
                counters.sent().increment();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() interrupts; the loop's condition ends it.
        } finally {
            if (stream != null) {
                stream.cancel();
            }
        }
    }

    /**
     * Waits until the stream can take a message, or fails. While the channel is not connected the
     * wait nudges it to reconnect now and then, with our own jittered backoff instead of gRPC's
     * (which grows to two minutes).
     */
    private boolean awaitReady(Stream stream) throws InterruptedException {
        long nextNudgeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff.nextDelayMillis());
        while (!closed && !stream.failed && !stream.requests.isReady()) {
            stream.awaitChange(POLL_MILLIS);
            if (System.nanoTime() - nextNudgeNanos >= 0) {
                nextNudgeNanos = nudgeReconnect();
            }
        }
        if (stream.failed || closed) {
            return false;
        }
        backoff.reset();
        return true;
    }

    /**
     * The channel is not connected: try now, on our own jittered backoff rather than gRPC's (which grows to two
     * minutes). Returns when to try again.
     */
    private long nudgeReconnect() {
        channel.resetConnectBackoff();
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff.nextDelayMillis());
    }

    private Stream reconnectAfterFailure(Stream failed) throws InterruptedException {
        LOG.debugf("stream to %s at %s failed (%s); reconnecting", peerId, address, failed.failure);
        failed.cancel();
        Thread.sleep(backoff.nextDelayMillis());
        channel.resetConnectBackoff();
        return Stream.open(channel);
    }

    /** One client stream; {@code failed} flips when the server ends it or the connection breaks. */
    private static final class Stream implements ClientResponseObserver<PeerEnvelope, DeliverAck> {
        private ClientCallStreamObserver<PeerEnvelope> requests;
        private volatile boolean failed;
        private volatile Throwable failure;

        static Stream open(ManagedChannel channel) {
            Stream stream = new Stream();
            // waitForReady: a stream opened while the peer is down waits for the connection
            // instead of failing at once, so a reconnect needs no busy retry loop.
            RaftPeerGrpc.newStub(channel).withWaitForReady().deliver(stream);
            return stream;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<PeerEnvelope> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(this::signal);
        }

        @Override
        public void onNext(DeliverAck ack) {
            // The server answers only when it ends the stream; nothing to do per message.
        }

        @Override
        public void onError(Throwable error) {
            failure = error;
            failed = true;
            signal();
        }

        @Override
        public void onCompleted() {
            failed = true;
            signal();
        }

        /** Waits for readiness or failure; checking under the lock means no signal is missed. */
        synchronized void awaitChange(long timeoutMillis) throws InterruptedException {
            if (!failed && !requests.isReady()) {
                wait(timeoutMillis);
            }
        }

        private synchronized void signal() {
            notifyAll();
        }

        void cancel() {
            if (!failed) {
                requests.cancel("sender closed or replaced", null);
            }
        }
    }
}
