package io.boxoffice.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.core.message.TimeoutNow;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GrpcTransportTest {

    private static final String TOKEN = "test-peer-token-0123456789";
    private static final long WAIT_MILLIS = 5_000;

    private final List<GrpcTransport> transports = new ArrayList<>();

    @AfterEach
    void closeAll() {
        transports.forEach(GrpcTransport::close);
    }

    @Test
    void when_two_peers_are_connected_then_every_message_type_arrives_in_both_directions() throws Exception {
        var inboxA = new LinkedBlockingQueue<Message>();
        var inboxB = new LinkedBlockingQueue<Message>();
        GrpcTransport a = started(config("a", "cluster-1", 0, TOKEN), inboxA);
        GrpcTransport b = started(config("b", "cluster-1", 0, TOKEN), inboxB);
        a.updatePeers(Map.of("a", address(a), "b", address(b)));
        b.updatePeers(Map.of("a", address(a), "b", address(b)));

        List<Message> toB = SampleMessages.all("a", "b");
        List<Message> toA = SampleMessages.all("b", "a");
        toB.forEach(a::send);
        toA.forEach(b::send);

        assertThat(take(inboxB, toB.size())).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(toB);
        assertThat(take(inboxA, toA.size())).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(toA);
        assertThat(a.counters().sent()).isEqualTo(toB.size());
        assertThat(b.counters().received()).isEqualTo(toB.size());
    }

    @Test
    void when_the_sender_presents_a_wrong_token_then_nothing_is_delivered_and_the_call_is_counted() throws Exception {
        var inboxB = new LinkedBlockingQueue<Message>();
        GrpcTransport intruder = started(config("a", "cluster-1", 0, "not-the-right-token-42"), new LinkedBlockingQueue<>());
        GrpcTransport b = started(config("b", "cluster-1", 0, TOKEN), inboxB);
        intruder.updatePeers(Map.of("b", address(b)));

        sendUntil(intruder, () -> b.counters().rejectedUnauthenticated() > 0);

        assertThat(inboxB.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(b.counters().received()).isZero();
    }

    @Test
    void when_the_sender_belongs_to_another_cluster_then_nothing_is_delivered() throws Exception {
        var inboxB = new LinkedBlockingQueue<Message>();
        GrpcTransport stranger = started(config("a", "cluster-2", 0, TOKEN), new LinkedBlockingQueue<>());
        GrpcTransport b = started(config("b", "cluster-1", 0, TOKEN), inboxB);
        stranger.updatePeers(Map.of("b", address(b)));

        sendUntil(stranger, () -> b.counters().rejectedInvalid() > 0);

        assertThat(inboxB.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void when_a_peer_goes_down_and_comes_back_then_messages_flow_again() throws Exception {
        GrpcTransport a = started(config("a", "cluster-1", 0, TOKEN), new LinkedBlockingQueue<>());
        int portB = connectToFreshPeerThenStopIt(a);
        long sentBeforeOutage = a.counters().sent();
        for (int i = 0; i < 50; i++) {
            a.send(new TimeoutNow(1, "a", "b"));
            Thread.sleep(5);
        }
        var inboxRestarted = new LinkedBlockingQueue<Message>();
        GrpcTransport restarted = started(config("b", "cluster-1", portB, TOKEN), inboxRestarted);

        sendUntil(a, () -> !inboxRestarted.isEmpty());
        assertThat(restarted.counters().received()).isPositive();
        assertThat(a.counters().sent()).isGreaterThan(sentBeforeOutage);
    }

    @Test
    void the_first_message_to_a_peer_that_restarted_while_nothing_was_sent_to_it_is_delivered() throws Exception {
        // A follower sends nothing to the other follower for as long as the leader lives; when the leader dies,
        // its first message to it is a pre-vote. Had that peer restarted meanwhile, the stream to it broke
        // unnoticed, and the pre-vote used to be dropped on it, costing the election a round.
        GrpcTransport a = started(config("a", "cluster-1", 0, TOKEN), new LinkedBlockingQueue<>());
        int portB = connectToFreshPeerThenStopIt(a);
        var inboxRestarted = new LinkedBlockingQueue<Message>();
        started(config("b", "cluster-1", portB, TOKEN), inboxRestarted);
        Thread.sleep(1_000); // quiet: several reconnect delays (at most 200 ms each here)
        a.send(new TimeoutNow(7, "a", "b"));

        assertThat(inboxRestarted.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS)).as("the one message sent")
                .isEqualTo(new TimeoutNow(7, "a", "b"));
        assertThat(a.counters().droppedStreamFailed()).isZero();
    }

    @Test
    void when_the_peer_queue_is_full_then_send_drops_without_blocking() throws Exception {
        int unreachablePort;
        try (ServerSocket probe = new ServerSocket(0)) {
            unreachablePort = probe.getLocalPort(); // Closed again below, so nobody listens there.
        }
        GrpcTransport a = started(config("a", "cluster-1", 0, TOKEN).withMaxQueuedMessagesPerPeer(8),
                new LinkedBlockingQueue<>());
        a.updatePeers(Map.of("b", "127.0.0.1:" + unreachablePort));
        int attempts = 100_000;

        long startNanos = System.nanoTime();
        for (int i = 0; i < attempts; i++) {
            a.send(new TimeoutNow(1, "a", "b"));
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);

        assertThat(elapsedMillis).isLessThan(2_000);
        // At most the queue plus the one message the sender holds while waiting can be kept.
        assertThat(a.counters().droppedQueueFull()).isGreaterThanOrEqualTo(attempts - 9);
        assertThat(a.counters().sent()).isZero();
    }

    @Test
    void when_a_peer_that_does_not_know_the_sender_yet_answers_then_the_answer_reaches_it() throws Exception {
        // A new learner (b) gets the leader's (a) appends before the configuration naming a reaches it.
        var inboxA = new LinkedBlockingQueue<Message>();
        var inboxB = new LinkedBlockingQueue<Message>();
        int portA;
        try (ServerSocket probe = new ServerSocket(0)) {
            portA = probe.getLocalPort();
        }
        GrpcTransport a = started(config("a", "cluster-1", portA, TOKEN).withAdvertisedAddress("127.0.0.1:" + portA),
                inboxA);
        GrpcTransport b = started(config("b", "cluster-1", 0, TOKEN), inboxB);
        a.updatePeers(Map.of("b", address(b)));

        a.send(new TimeoutNow(1, "a", "b"));
        assertThat(inboxB.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isNotNull();
        b.send(new TimeoutNow(1, "b", "a"));

        assertThat(inboxA.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS)).usingRecursiveComparison()
                .isEqualTo(new TimeoutNow(1, "b", "a"));
        assertThat(b.counters().droppedUnknownPeer()).isZero();
        // The configuration takes over again: a peer it does not name is forgotten.
        b.updatePeers(Map.of());
        b.send(new TimeoutNow(1, "b", "a"));
        assertThat(b.counters().droppedUnknownPeer()).isEqualTo(1);
    }

    @Test
    void when_the_sender_advertises_no_address_then_a_stranger_cannot_answer_it() throws Exception {
        var inboxB = new LinkedBlockingQueue<Message>();
        GrpcTransport a = started(config("a", "cluster-1", 0, TOKEN), new LinkedBlockingQueue<>());
        GrpcTransport b = started(config("b", "cluster-1", 0, TOKEN), inboxB);
        a.updatePeers(Map.of("b", address(b)));

        a.send(new TimeoutNow(1, "a", "b"));
        assertThat(inboxB.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS)).isNotNull();
        b.send(new TimeoutNow(1, "b", "a"));

        assertThat(b.counters().droppedUnknownPeer()).isEqualTo(1);
    }

    @Test
    void messages_for_a_member_not_in_the_address_book_are_dropped_and_counted() throws Exception {
        GrpcTransport a = started(config("a", "cluster-1", 0, TOKEN), new LinkedBlockingQueue<>());

        a.send(new TimeoutNow(1, "a", "nobody"));

        assertThat(a.counters().droppedUnknownPeer()).isEqualTo(1);
    }

    @Test
    void an_invalid_configuration_lists_every_problem() {
        var bad = new GrpcTransportConfig("", "", "", 70_000, "short", 0, 0, 0, 10, null, "no-port", 10, 0);

        assertThat(bad.problems()).hasSize(11);
    }

    private GrpcTransport started(GrpcTransportConfig config, LinkedBlockingQueue<Message> inbox) {
        GrpcTransport transport = new GrpcTransport(config);
        transports.add(transport);
        transport.start(inbox::add, (index, term) -> java.util.Optional.empty());
        return transport;
    }

    private static GrpcTransportConfig config(String selfId, String clusterId, int port, String token) {
        return GrpcTransportConfig.defaults(selfId, clusterId, "127.0.0.1", port, token)
                .withReconnectBackoffMillis(10, 200);
    }

    /** Starts peer b, has {@code a} deliver to it, stops it and returns its port (for b's restart). */
    private int connectToFreshPeerThenStopIt(GrpcTransport a) throws Exception {
        var inboxB = new LinkedBlockingQueue<Message>();
        GrpcTransport b = started(config("b", "cluster-1", 0, TOKEN), inboxB);
        a.updatePeers(Map.of("b", address(b)));
        sendUntil(a, () -> !inboxB.isEmpty());
        int port = b.boundPort();
        b.close();
        return port;
    }

    private static String address(GrpcTransport transport) {
        return "127.0.0.1:" + transport.boundPort();
    }

    /** Keeps sending (Raft would re-send too) until the condition holds; fails after a bounded wait. */
    private static void sendUntil(GrpcTransport sender, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
            sender.send(new TimeoutNow(1, "a", "b"));
            Thread.sleep(10);
        }
    }

    private static List<Message> take(LinkedBlockingQueue<Message> inbox, int count) throws InterruptedException {
        List<Message> messages = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (messages.size() < count && System.nanoTime() < deadline) {
            Message m = inbox.poll(50, TimeUnit.MILLISECONDS);
            if (m != null) {
                messages.add(m);
            }
        }
        return messages;
    }
}
