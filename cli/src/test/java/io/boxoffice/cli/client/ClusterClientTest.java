package io.boxoffice.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.proto.v1.AskChunk;
import io.boxoffice.proto.v1.AskDone;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.AssistantServiceGrpc;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.Booking;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.PaymentDetails;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's retry, leader-following and idempotency rules against three in-process "nodes" whose
 * behaviour each test scripts: they answer like booking nodes do (UNAVAILABLE with the leader hint and
 * retry-after trailers, FAILED_PRECONDITION for a taken seat) and remember results by idempotency key.
 */
class ClusterClientTest {

    /** What one scripted node does with the n-th request it receives (0-based). */
    interface Script {
        Booking answer(int nth, BookSeatsRequest request);
    }

    /** A fake node: records what it received, answers per script, deduplicates by idempotency key. */
    static final class FakeNode extends BookingServiceGrpc.BookingServiceImplBase {
        final String id;
        final List<BookSeatsRequest> received = new CopyOnWriteArrayList<>();
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        final AtomicInteger count = new AtomicInteger();
        volatile Script script;

        FakeNode(String id, Script script) {
            this.id = id;
            this.script = script;
        }

        @Override
        public void bookSeats(BookSeatsRequest request, StreamObserver<Booking> observer) {
            received.add(request);
            try {
                observer.onNext(script.answer(count.getAndIncrement(), request));
                observer.onCompleted();
            } catch (io.grpc.StatusRuntimeException e) {
                observer.onError(e);
            }
        }
    }

    /** The cluster's replicated memory of idempotency keys: a retried key returns the first booking. */
    final Map<String, Booking> bookingsByKey = new ConcurrentHashMap<>();
    final AtomicInteger bookingsApplied = new AtomicInteger();
    final List<Server> servers = new ArrayList<>();
    final List<Long> sleeps = new CopyOnWriteArrayList<>();
    final String prefix = "cluster-client-test-" + System.nanoTime() + "-";

    Booking apply(BookSeatsRequest request) {
        return bookingsByKey.computeIfAbsent(request.getIdempotencyKey(), key -> Booking.newBuilder()
                .setId("bkg_" + bookingsApplied.incrementAndGet()).setShowId(request.getShowId()).build());
    }

    static io.grpc.StatusRuntimeException notLeader(String leaderHint) {
        Metadata trailers = new Metadata();
        trailers.put(RetryPolicy.RETRY_AFTER_MILLIS, "100");
        if (leaderHint != null) {
            trailers.put(RetryPolicy.LEADER_HINT, leaderHint);
        }
        return Status.UNAVAILABLE.withDescription("this node could not reach the leader").asRuntimeException(trailers);
    }

    FakeNode start(String id, Script script) throws Exception {
        FakeNode node = new FakeNode(id, script);
        io.grpc.ServerInterceptor capture = new io.grpc.ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, Metadata headers,
                                                                       io.grpc.ServerCallHandler<Q, R> next) {
                String authorization = headers.get(ClusterClient.AUTHORIZATION);
                node.authorizations.add(authorization == null ? "" : authorization);
                return next.startCall(call, headers);
            }
        };
        servers.add(InProcessServerBuilder.forName(prefix + id).directExecutor()
                .addService(ServerInterceptors.intercept(node, capture)).build().start());
        return node;
    }

    ClusterClient client(RetryPolicy policy, String... ids) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            endpoints.add(new Endpoint(java.util.Optional.of(ids[i]), "127.0.0.1", 9101 + i));
        }
        Function<Endpoint, String> name = endpoint -> prefix + endpoint.nodeId().orElseThrow();
        return new ClusterClient(endpoints, policy, endpoint -> InProcessChannelBuilder.forName(name.apply(endpoint))
                .directExecutor().build(), sleeps::add, () -> 0.0);
    }

    static Booking book(ClusterClient client, String key) {
        BookSeatsRequest request = BookSeatsRequest.newBuilder().setShowId("shw_1").addSeatIds("A1")
                .setPayment(PaymentDetails.newBuilder().setCardNumber("4242424242424242")).setIdempotencyKey(key).build();
        return client.call("token-1", channel -> BookingServiceGrpc.newBlockingStub(channel).bookSeats(request));
    }

    @AfterEach
    void stop() {
        servers.forEach(Server::shutdownNow);
    }

    @Test
    void when_a_follower_names_the_leader_then_the_next_attempt_goes_there_at_once_with_the_same_key() throws Exception {
        FakeNode follower = start("n1", (nth, request) -> { throw notLeader("n3"); });
        FakeNode other = start("n2", (nth, request) -> apply(request));
        FakeNode leader = start("n3", (nth, request) -> apply(request));
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n1", "n2", "n3")) {
            Booking booking = book(client, "key-1");

            assertThat(booking.getId()).isEqualTo("bkg_1");
            assertThat(follower.received).hasSize(1);
            assertThat(other.received).isEmpty();
            assertThat(leader.received).extracting(BookSeatsRequest::getIdempotencyKey).containsExactly("key-1");
            // Following a hint to a node not tried yet needs no backoff.
            assertThat(sleeps).isEmpty();
            assertThat(client.preferredEndpoint().nodeId()).contains("n3");
        }
    }

    @Test
    void when_the_leader_fails_after_applying_then_the_retry_returns_the_first_booking_and_books_once() throws Exception {
        // The leader applies the booking, then the answer is lost (a leader change): UNAVAILABLE.
        FakeNode leader = start("n1", (nth, request) -> {
            Booking booking = apply(request);
            if (nth == 0) {
                throw Status.UNAVAILABLE.withDescription("leader changed; retry with the same idempotency key")
                        .asRuntimeException();
            }
            return booking;
        });
        FakeNode next = start("n2", (nth, request) -> apply(request));
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n1", "n2")) {
            Booking booking = book(client, "key-2");

            assertThat(booking.getId()).isEqualTo("bkg_1");
            assertThat(bookingsApplied).hasValue(1);
            assertThat(leader.received).hasSize(1);
            assertThat(next.received).extracting(BookSeatsRequest::getIdempotencyKey).containsExactly("key-2");
            assertThat(leader.received.get(0)).isEqualTo(next.received.get(0));
        }
    }

    @Test
    void when_a_node_stops_gracefully_then_its_call_in_flight_completes_and_the_next_call_moves_on_with_its_key()
            throws Exception {
        // Real sockets, as a booking node stops: grpc-java's graceful shutdown (no new calls, GOAWAY, the call in
        // flight finishes). The client must see its in-flight booking, then UNAVAILABLE for the next call, which it
        // retries on another node with the same key.
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FakeNode stopping = new FakeNode("n1", (nth, request) -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return apply(request);
        });
        FakeNode next = new FakeNode("n2", (nth, request) -> apply(request));
        Server stoppingServer = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
                new java.net.InetSocketAddress("127.0.0.1", 0)).addService(stopping).build().start();
        Server nextServer = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
                new java.net.InetSocketAddress("127.0.0.1", 0)).addService(next).build().start();
        servers.add(stoppingServer);
        servers.add(nextServer);
        List<Endpoint> endpoints = List.of(new Endpoint(java.util.Optional.of("n1"), "127.0.0.1", stoppingServer.getPort()),
                new Endpoint(java.util.Optional.of("n2"), "127.0.0.1", nextServer.getPort()));
        try (ClusterClient client = new ClusterClient(endpoints, RetryPolicy.DEFAULT, Channels::plaintext, sleeps::add,
                () -> 0.0)) {
            java.util.concurrent.CompletableFuture<Booking> inFlight = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> book(client, "key-in-flight"));
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            stoppingServer.shutdown();
            release.countDown();

            assertThat(inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS).getId()).isEqualTo("bkg_1");
            Booking after = book(client, "key-after");

            assertThat(after.getId()).isEqualTo("bkg_2");
            assertThat(stopping.received).extracting(BookSeatsRequest::getIdempotencyKey).containsExactly("key-in-flight");
            assertThat(next.received).extracting(BookSeatsRequest::getIdempotencyKey).containsExactly("key-after");
            assertThat(bookingsApplied).hasValue(2);
            assertThat(client.preferredEndpoint().nodeId()).contains("n2");
        }
    }

    @Test
    void when_a_node_is_down_then_the_client_tries_the_next_one() throws Exception {
        // n1 has no server at all: the in-process channel fails like a refused connection.
        FakeNode n2 = start("n2", (nth, request) -> apply(request));
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n1", "n2")) {
            assertThat(book(client, "key-3").getId()).isEqualTo("bkg_1");
            assertThat(n2.received).hasSize(1);
            assertThat(sleeps).hasSize(1).allMatch(delay -> delay > 0);
        }
    }

    @Test
    void when_the_hinted_leader_was_already_tried_then_the_client_backs_off_and_moves_on() throws Exception {
        // Both nodes blame the other (a leader change in flight): no busy ping-pong without backoff.
        FakeNode n1 = start("n1", (nth, request) -> { throw notLeader("n2"); });
        FakeNode n2 = start("n2", (nth, request) -> { throw notLeader("n1"); });
        FakeNode n3 = start("n3", (nth, request) -> apply(request));
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n1", "n2", "n3")) {
            assertThat(book(client, "key-4").getId()).isEqualTo("bkg_1");
            assertThat(n1.received).hasSize(1);
            assertThat(n2.received).hasSize(1);
            assertThat(n3.received).hasSize(1);
            // n1 -> n2 follows the hint at once; n2 names n1, already tried: backoff (at least the retry-after).
            assertThat(sleeps).containsExactly(100L);
        }
    }

    @Test
    void a_taken_seat_is_not_retried() throws Exception {
        FakeNode n1 = start("n1", (nth, request) -> {
            Metadata trailers = new Metadata();
            trailers.put(RetryPolicy.TAKEN_SEATS, "A1");
            throw Status.FAILED_PRECONDITION.withDescription("seat A1 is booked").asRuntimeException(trailers);
        });
        FakeNode n2 = start("n2", (nth, request) -> apply(request));
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n1", "n2")) {
            assertThatThrownBy(() -> book(client, "key-5")).isInstanceOfSatisfying(CallFailedException.class, failure -> {
                assertThat(failure.code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(failure.attempts()).isEqualTo(1);
                assertThat(failure.trailers().get(RetryPolicy.TAKEN_SEATS)).isEqualTo("A1");
            });
            assertThat(n1.received).hasSize(1);
            assertThat(n2.received).isEmpty();
            assertThat(sleeps).isEmpty();
        }
    }

    @Test
    void attempts_are_bounded_and_the_last_failure_is_reported() throws Exception {
        FakeNode n1 = start("n1", (nth, request) -> { throw notLeader(null); });
        FakeNode n2 = start("n2", (nth, request) -> { throw notLeader(null); });
        RetryPolicy policy = new RetryPolicy(5, 50, 1000, 1000);
        try (ClusterClient client = client(policy, "n1", "n2")) {
            assertThatThrownBy(() -> book(client, "key-6")).isInstanceOfSatisfying(CallFailedException.class, failure -> {
                assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(failure.attempts()).isEqualTo(5);
            });
            assertThat(n1.received.size() + n2.received.size()).isEqualTo(5);
            assertThat(n1.received).hasSize(3);
            assertThat(n1.received).extracting(BookSeatsRequest::getIdempotencyKey).containsOnly("key-6");
            assertThat(n2.received).extracting(BookSeatsRequest::getIdempotencyKey).containsOnly("key-6");
            // Four backoffs, exponential from 50 ms with jitter 0 (x0.5), never below the 100 ms retry-after.
            assertThat(sleeps).containsExactly(100L, 100L, 100L, 200L);
        }
    }

    @Test
    void a_node_that_does_not_answer_in_time_is_left_for_the_next_with_the_same_key() throws Exception {
        FakeNode slow = start("n1", (nth, request) -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return apply(request);
        });
        FakeNode fast = start("n2", (nth, request) -> apply(request));
        RetryPolicy policy = new RetryPolicy(3, 10, 100, 200);
        servers.forEach(Server::shutdownNow);
        servers.clear();
        // The slow node needs its own executor, so its sleep does not block the client's thread.
        servers.add(InProcessServerBuilder.forName(prefix + "n1").addService(slow).build().start());
        servers.add(InProcessServerBuilder.forName(prefix + "n2").directExecutor().addService(fast).build().start());
        try (ClusterClient client = new ClusterClient(List.of(
                new Endpoint(java.util.Optional.of("n1"), "127.0.0.1", 9101),
                new Endpoint(java.util.Optional.of("n2"), "127.0.0.1", 9102)), policy,
                endpoint -> InProcessChannelBuilder.forName(prefix + endpoint.nodeId().orElseThrow()).build(),
                sleeps::add, () -> 0.0)) {
            assertThat(book(client, "key-7").getShowId()).isEqualTo("shw_1");
            assertThat(fast.received).extracting(BookSeatsRequest::getIdempotencyKey).containsExactly("key-7");
        }
    }

    @Test
    void every_call_carries_the_bearer_token_and_login_carries_none() throws Exception {
        FakeNode n1 = start("n1", (nth, request) -> apply(request));
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n1")) {
            book(client, "key-8");
            client.call(null, channel -> BookingServiceGrpc.newBlockingStub(channel).bookSeats(
                    BookSeatsRequest.newBuilder().setIdempotencyKey("key-9").build()));
            assertThat(n1.authorizations).containsExactly("Bearer token-1", "");
        }
    }

    @Test
    void an_unknown_leader_hint_makes_the_client_try_the_next_node() throws Exception {
        FakeNode n1 = start("n1", (nth, request) -> { throw notLeader("node-that-is-not-listed"); });
        FakeNode n2 = start("n2", (nth, request) -> apply(request));
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n1", "n2")) {
            assertThat(book(client, "key-10").getId()).isEqualTo("bkg_1");
            assertThat(n2.received).hasSize(1);
            assertThat(sleeps).containsExactly(100L);
        }
    }

    /** A fake assistant that fails the first stream before any message, and the second after one. */
    static final class FlakyAssistant extends AssistantServiceGrpc.AssistantServiceImplBase {
        final AtomicInteger calls = new AtomicInteger();
        final boolean failMidStream;

        FlakyAssistant(boolean failMidStream) {
            this.failMidStream = failMidStream;
        }

        @Override
        public void ask(AskRequest request, StreamObserver<AskChunk> observer) {
            int call = calls.getAndIncrement();
            if (!failMidStream && call == 0) {
                observer.onError(Status.UNAVAILABLE.withDescription("warming up").asRuntimeException());
                return;
            }
            observer.onNext(AskChunk.newBuilder().setGeneratedText("hello").build());
            if (failMidStream) {
                observer.onError(Status.UNAVAILABLE.withDescription("connection lost").asRuntimeException());
                return;
            }
            observer.onNext(AskChunk.newBuilder().setDone(AskDone.newBuilder().setFinishReason("stop")).build());
            observer.onCompleted();
        }
    }

    @Test
    void a_stream_is_retried_before_its_first_message_but_never_after() throws Exception {
        FlakyAssistant beforeFirst = new FlakyAssistant(false);
        servers.add(InProcessServerBuilder.forName(prefix + "n1").directExecutor().addService(beforeFirst).build().start());
        List<AskChunk> chunks = new ArrayList<>();
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n1")) {
            client.stream("t", 1000, channel -> AssistantServiceGrpc.newBlockingStub(channel)
                    .ask(AskRequest.newBuilder().setQuestion("q").build()), chunks::add);
        }
        assertThat(beforeFirst.calls).hasValue(2);
        assertThat(chunks).hasSize(2);

        servers.forEach(Server::shutdownNow);
        FlakyAssistant midStream = new FlakyAssistant(true);
        servers.add(InProcessServerBuilder.forName(prefix + "n2").directExecutor().addService(midStream).build().start());
        List<AskChunk> partial = new ArrayList<>();
        try (ClusterClient client = client(RetryPolicy.DEFAULT, "n2")) {
            assertThatThrownBy(() -> client.stream("t", 1000, channel -> AssistantServiceGrpc.newBlockingStub(channel)
                    .ask(AskRequest.newBuilder().setQuestion("q").build()), partial::add))
                    .isInstanceOf(CallFailedException.class).hasMessageContaining("connection lost");
        }
        assertThat(midStream.calls).hasValue(1);
        assertThat(partial).hasSize(1);
    }
}
