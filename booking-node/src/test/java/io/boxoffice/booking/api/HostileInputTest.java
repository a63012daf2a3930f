package io.boxoffice.booking.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.boxoffice.booking.testing.DemoDataReady;
import io.boxoffice.booking.testing.GrpcClients;
import io.boxoffice.booking.testing.NodeState;
import io.boxoffice.booking.testing.NodeTest;
import io.boxoffice.proto.v1.AddMemberRequest;
import io.boxoffice.proto.v1.AdminServiceGrpc;
import io.boxoffice.proto.v1.AskRequest;
import io.boxoffice.proto.v1.AssistantServiceGrpc;
import io.boxoffice.proto.v1.AuthServiceGrpc;
import io.boxoffice.proto.v1.BestAvailable;
import io.boxoffice.proto.v1.BookSeatsRequest;
import io.boxoffice.proto.v1.BookingServiceGrpc;
import io.boxoffice.proto.v1.CancelBookingRequest;
import io.boxoffice.proto.v1.CatalogServiceGrpc;
import io.boxoffice.proto.v1.ClusterServiceGrpc;
import io.boxoffice.proto.v1.ConfirmHoldRequest;
import io.boxoffice.proto.v1.CreateMovieRequest;
import io.boxoffice.proto.v1.CreateScreenRequest;
import io.boxoffice.proto.v1.CreateShowRequest;
import io.boxoffice.proto.v1.CreateUserRequest;
import io.boxoffice.proto.v1.ExtendHoldRequest;
import io.boxoffice.proto.v1.GetBookingRequest;
import io.boxoffice.proto.v1.GetClusterStatusRequest;
import io.boxoffice.proto.v1.GetMovieRequest;
import io.boxoffice.proto.v1.GetNodeStatusRequest;
import io.boxoffice.proto.v1.GetScreenRequest;
import io.boxoffice.proto.v1.GetSeatMapRequest;
import io.boxoffice.proto.v1.GetShowRequest;
import io.boxoffice.proto.v1.HoldSeatsRequest;
import io.boxoffice.proto.v1.ListAllBookingsRequest;
import io.boxoffice.proto.v1.ListMoviesRequest;
import io.boxoffice.proto.v1.ListMyBookingsRequest;
import io.boxoffice.proto.v1.ListMyHoldsRequest;
import io.boxoffice.proto.v1.ListScreensRequest;
import io.boxoffice.proto.v1.ListShowsRequest;
import io.boxoffice.proto.v1.LoginRequest;
import io.boxoffice.proto.v1.Money;
import io.boxoffice.proto.v1.PaymentDetails;
import io.boxoffice.proto.v1.ReadConsistency;
import io.boxoffice.proto.v1.RefundBookingRequest;
import io.boxoffice.proto.v1.ReleaseHoldRequest;
import io.boxoffice.proto.v1.RemoveMemberRequest;
import io.boxoffice.proto.v1.ScreenLayout;
import io.boxoffice.proto.v1.SeatCategory;
import io.boxoffice.proto.v1.TransferLeadershipRequest;
import io.boxoffice.proto.v1.UpdateMovieRequest;
import io.boxoffice.proto.v1.UpdateScreenRequest;
import io.boxoffice.proto.v1.UpdateShowRequest;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every RPC of the public API (every service of {@code boxoffice/v1/booking.proto}, the assistant included) fed
 * hostile input, the way a client written outside the project might send it (BRIEF §7): bytes that are not
 * protobuf, and well-formed requests with oversized strings, huge repeated fields, extreme numbers and unknown
 * enum values. Every answer must be a clear status (never UNKNOWN, INTERNAL or UNAVAILABLE), quote at most
 * {@code FieldLimits.ECHOED_LENGTH_MAX} characters of what the client sent, and store nothing: the node's state
 * hash and commit index are the same after each call (a hostile request is refused before it is proposed).
 *
 * <p>The mutations start from one well-formed sample request per method ({@link #SAMPLES}); a method without a
 * sample fails the test, so a new RPC cannot be left out.
 */
@NodeTest
class HostileInputTest {

    private static final List<ServiceDescriptor> PUBLIC_SERVICES = List.of(AuthServiceGrpc.getServiceDescriptor(),
            CatalogServiceGrpc.getServiceDescriptor(), BookingServiceGrpc.getServiceDescriptor(),
            AdminServiceGrpc.getServiceDescriptor(), ClusterServiceGrpc.getServiceDescriptor(),
            AssistantServiceGrpc.getServiceDescriptor());

    /** Statuses a hostile request may get: each one says what is wrong, and none invites a blind retry. */
    private static final Set<Status.Code> CLEAN = Set.of(Status.Code.OK, Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION, Status.Code.PERMISSION_DENIED,
            Status.Code.UNAUTHENTICATED, Status.Code.ALREADY_EXISTS, Status.Code.OUT_OF_RANGE,
            Status.Code.RESOURCE_EXHAUSTED);

    /** Much longer than any field limit, far below the 1 MiB message bound. */
    private static final int OVERSIZED_LENGTH = 100_000;
    private static final char FILLER = 'Z';
    /**
     * Elements of a repeated field: more than any count limit while the request stays below the proposal size
     * bound (boxoffice.raft.max-command-bytes), and far more.
     */
    private static final int[] REPEATS = {1_000, 20_000};
    /** More of the client's value than an error message may repeat (FieldLimits.ECHOED_LENGTH_MAX is 40). */
    private static final Pattern ECHO_TOO_LONG = Pattern.compile(FILLER + "{41,}");
    private static final Pattern ID = Pattern.compile("([a-z]{3}_).+");

    private static final long FUTURE_MILLIS = System.currentTimeMillis() + TimeUnit.DAYS.toMillis(30);
    private static final PaymentDetails CARD = PaymentDetails.newBuilder().setCardNumber("4242424242424242")
            .setExpiryMonth(12).setExpiryYear(2030).setCvc("123").setCardholderName("Test User").build();
    private static final ScreenLayout LAYOUT = ScreenLayout.newBuilder().setRowCount(2).setSeatsPerRow(4)
            .addCategories(SeatCategory.newBuilder().setName("standard").addRows("A").addRows("B")
                    .setPrice(Money.newBuilder().setAmountMinor(1000).setCurrency("EUR")))
            .addBlockedSeatIds("A1").build();

    /** One well-formed request per method, by full method name. Ids name nothing that exists. */
    static final Map<String, Message> SAMPLES = samples();

    private static Map<String, Message> samples() {
        Map<String, Message> samples = new LinkedHashMap<>();
        samples.put("boxoffice.v1.AuthService/Login", LoginRequest.newBuilder().setUsername("user1")
                .setPassword("password1").build());
        samples.put("boxoffice.v1.CatalogService/ListMovies", ListMoviesRequest.newBuilder()
                .setConsistency(ReadConsistency.READ_CONSISTENCY_STALE).build());
        samples.put("boxoffice.v1.CatalogService/GetMovie", GetMovieRequest.newBuilder().setMovieId("mov_none").build());
        samples.put("boxoffice.v1.CatalogService/ListScreens", ListScreensRequest.getDefaultInstance());
        samples.put("boxoffice.v1.CatalogService/GetScreen", GetScreenRequest.newBuilder().setScreenId("scr_none")
                .build());
        samples.put("boxoffice.v1.CatalogService/ListShows", ListShowsRequest.newBuilder().setMovieId("mov_none")
                .setStartsAfterMillis(0).build());
        samples.put("boxoffice.v1.CatalogService/GetShow", GetShowRequest.newBuilder().setShowId("shw_none").build());
        samples.put("boxoffice.v1.CatalogService/GetSeatMap", GetSeatMapRequest.newBuilder().setShowId("shw_none")
                .build());
        samples.put("boxoffice.v1.BookingService/HoldSeats", HoldSeatsRequest.newBuilder().setShowId("shw_none")
                .addSeatIds("B2").setIdempotencyKey("hostile-hold").build());
        samples.put("boxoffice.v1.BookingService/ExtendHold", ExtendHoldRequest.newBuilder().setHoldId("hld_none")
                .setIdempotencyKey("hostile-extend").build());
        samples.put("boxoffice.v1.BookingService/ReleaseHold", ReleaseHoldRequest.newBuilder().setHoldId("hld_none")
                .setIdempotencyKey("hostile-release").build());
        samples.put("boxoffice.v1.BookingService/ConfirmHold", ConfirmHoldRequest.newBuilder().setHoldId("hld_none")
                .setPayment(CARD).setIdempotencyKey("hostile-confirm").build());
        samples.put("boxoffice.v1.BookingService/BookSeats", BookSeatsRequest.newBuilder().setShowId("shw_none")
                .addSeatIds("B2").setPayment(CARD).setIdempotencyKey("hostile-book").build());
        samples.put("boxoffice.v1.BookingService/ListMyHolds", ListMyHoldsRequest.newBuilder()
                .setConsistency(ReadConsistency.READ_CONSISTENCY_LINEARIZABLE).build());
        samples.put("boxoffice.v1.BookingService/ListMyBookings", ListMyBookingsRequest.newBuilder().setPageSize(10)
                .setPageToken("").build());
        samples.put("boxoffice.v1.BookingService/GetBooking", GetBookingRequest.newBuilder().setBookingId("bkg_none")
                .build());
        samples.put("boxoffice.v1.BookingService/CancelBooking", CancelBookingRequest.newBuilder()
                .setBookingId("bkg_none").setReason("changed my mind").setIdempotencyKey("hostile-cancel").build());
        samples.put("boxoffice.v1.AdminService/CreateUser", CreateUserRequest.newBuilder().setUsername("hostile")
                .setPassword("password-123").addRoles("user").setIdempotencyKey("hostile-user").build());
        samples.put("boxoffice.v1.AdminService/CreateMovie", CreateMovieRequest.newBuilder().setTitle("Hostile")
                .setDescription("a film").setDurationMinutes(90).setAgeRating("12").addGenres("drama")
                .setIdempotencyKey("hostile-movie").build());
        samples.put("boxoffice.v1.AdminService/UpdateMovie", UpdateMovieRequest.newBuilder().setMovieId("mov_none")
                .setTitle("Hostile").setDescription("a film").setDurationMinutes(90).setAgeRating("12")
                .addGenres("drama").setIdempotencyKey("hostile-movie-update").build());
        samples.put("boxoffice.v1.AdminService/CreateScreen", CreateScreenRequest.newBuilder().setName("Hostile")
                .setLayout(LAYOUT).setIdempotencyKey("hostile-screen").build());
        samples.put("boxoffice.v1.AdminService/UpdateScreen", UpdateScreenRequest.newBuilder().setScreenId("scr_none")
                .setName("Hostile").setLayout(LAYOUT).setIdempotencyKey("hostile-screen-update").build());
        samples.put("boxoffice.v1.AdminService/CreateShow", CreateShowRequest.newBuilder().setMovieId("mov_none")
                .setScreenId("scr_none").setStartsAtMillis(FUTURE_MILLIS).setIdempotencyKey("hostile-show").build());
        samples.put("boxoffice.v1.AdminService/UpdateShow", UpdateShowRequest.newBuilder().setShowId("shw_none")
                .setStartsAtMillis(FUTURE_MILLIS).setIdempotencyKey("hostile-show-update").build());
        samples.put("boxoffice.v1.AdminService/ListAllBookings", ListAllBookingsRequest.newBuilder().setPageSize(10)
                .setPageToken("").setShowId("shw_none").setUserId("usr_none").build());
        samples.put("boxoffice.v1.AdminService/RefundBooking", RefundBookingRequest.newBuilder()
                .setBookingId("bkg_none").setAmount(Money.newBuilder().setAmountMinor(100).setCurrency("EUR"))
                .setReason("goodwill").setIdempotencyKey("hostile-refund").build());
        samples.put("boxoffice.v1.ClusterService/GetClusterStatus", GetClusterStatusRequest.getDefaultInstance());
        samples.put("boxoffice.v1.ClusterService/GetNodeStatus", GetNodeStatusRequest.getDefaultInstance());
        samples.put("boxoffice.v1.ClusterService/TransferLeadership", TransferLeadershipRequest.newBuilder()
                .setTargetNodeId("node-9").build());
        samples.put("boxoffice.v1.ClusterService/AddMember", AddMemberRequest.newBuilder().setNodeId("node-9")
                .setAddress("node-9.example:7000").build());
        samples.put("boxoffice.v1.ClusterService/RemoveMember", RemoveMemberRequest.newBuilder().setNodeId("node-9")
                .build());
        samples.put("boxoffice.v1.AssistantService/Ask", AskRequest.newBuilder().setQuestion("what is on tonight?")
                .setTimeZone("Europe/Berlin").setFactsOnly(true).build());
        return Collections.unmodifiableMap(samples);
    }

    /** A second sample where one request has two shapes (seat ids or best-available). */
    private static final Map<String, Message> MORE_SAMPLES = Map.of(
            "boxoffice.v1.BookingService/HoldSeats", HoldSeatsRequest.newBuilder().setShowId("shw_none")
                    .setBestAvailable(BestAvailable.newBuilder().setCount(2).setCategory("standard"))
                    .setIdempotencyKey("hostile-hold-best").build(),
            "boxoffice.v1.BookingService/BookSeats", BookSeatsRequest.newBuilder().setShowId("shw_none")
                    .setBestAvailable(BestAvailable.newBuilder().setCount(2).setCategory("standard")).setPayment(CARD)
                    .setIdempotencyKey("hostile-book-best").build());

    @BeforeAll
    static void demoData() {
        DemoDataReady.await();
    }

    @Test
    void every_public_rpc_has_a_sample_request_so_none_is_left_out() {
        Set<String> methods = new TreeSet<>();
        PUBLIC_SERVICES.forEach(service -> service.getMethods().forEach(m -> methods.add(m.getFullMethodName())));
        assertThat(SAMPLES.keySet()).containsExactlyInAnyOrderElementsOf(methods);
    }

    @Test
    void bytes_that_are_not_protobuf_answer_invalid_argument_on_every_rpc_and_store_nothing() {
        String before = NodeState.fingerprint();
        List<String> problems = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : publicMethods()) {
            for (Map.Entry<String, byte[]> payload : malformedPayloads(method).entrySet()) {
                StatusRuntimeException failure = callRaw(method, payload.getValue(), GrpcClients.admin());
                Status status = failure == null ? Status.OK : failure.getStatus();
                String where = method.getFullMethodName() + " with " + payload.getKey() + ": " + status;
                if (status.getCode() != Status.Code.INVALID_ARGUMENT || status.getDescription() == null
                        || !status.getDescription().startsWith("request: is not a valid boxoffice.v1.")) {
                    problems.add(where);
                }
            }
        }
        assertThat(problems).as("answers to malformed requests").isEmpty();
        assertThat(NodeState.fingerprint()).isEqualTo(before);
    }

    @Test
    void malformed_bytes_without_a_token_answer_unauthenticated_first() {
        MethodDescriptor<?, ?> bookSeats = BookingServiceGrpc.getBookSeatsMethod();

        StatusRuntimeException failure = callRaw(bookSeats, new byte[] {0x0F, 0x01}, null);

        assertThat(failure).isNotNull();
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void oversized_strings_huge_repeated_fields_and_extreme_numbers_answer_clearly_on_every_rpc_and_store_nothing() {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> answers = new java.util.TreeMap<>();
        int variants = 0;
        for (MethodDescriptor<?, ?> method : publicMethods()) {
            List<Message> samples = new ArrayList<>();
            samples.add(SAMPLES.get(method.getFullMethodName()));
            if (MORE_SAMPLES.containsKey(method.getFullMethodName())) {
                samples.add(MORE_SAMPLES.get(method.getFullMethodName()));
            }
            for (Message sample : samples) {
                for (Variant variant : variants(sample)) {
                    variants++;
                    String before = NodeState.fingerprint();
                    StatusRuntimeException failure = call(method, variant.request());
                    Status status = failure == null ? Status.OK : failure.getStatus();
                    String where = method.getFullMethodName() + " with " + variant.description() + ": "
                            + abbreviated(status);
                    if (!CLEAN.contains(status.getCode())) {
                        problems.add(where + " (not a clear answer)");
                    }
                    String description = status.getDescription() == null ? "" : status.getDescription();
                    if (ECHO_TOO_LONG.matcher(description).find()) {
                        problems.add(where + " (echoes more than 40 characters of the client's value)");
                    }
                    if (variant.mustStoreNothing() && !NodeState.fingerprint().equals(before)) {
                        problems.add(where + " (the state changed)");
                    }
                    answers.merge(status.getCode().name(), 1, Integer::sum);
                }
            }
        }
        System.out.printf("HostileInputTest: %d hostile variants of %d methods answered %s%n", variants,
                SAMPLES.size(), answers);
        assertThat(variants).as("hostile variants sent").isGreaterThan(150);
        assertThat(problems).as("answers to hostile requests").isEmpty();
    }

    // ------------------------------------------------------------------------------------------- requests

    /**
     * One hostile request. A variant of valid shape (a long id that names nothing) may be proposed, and the state
     * machine answers NOT_FOUND: only its answer is checked, not that nothing was stored.
     */
    private record Variant(String description, Message request, boolean mustStoreNothing) {
        Variant(String description, Message request) {
            this(description, request, true);
        }
    }

    /** The hostile variants of {@code sample}: each changes one field (or one element) and keeps the rest. */
    static List<Variant> variants(Message sample) {
        List<Variant> variants = new ArrayList<>();
        collect(sample, "", message -> message, variants);
        return variants;
    }

    /**
     * Adds the variants of every field of {@code message}, found at {@code path} inside the root request;
     * {@code rebuild} puts a changed {@code message} back into the root.
     */
    private static void collect(Message message, String path, java.util.function.UnaryOperator<Message> rebuild,
                                List<Variant> variants) {
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            String name = path + field.getName();
            if (field.isRepeated()) {
                int count = message.getRepeatedFieldCount(field);
                Object element = count > 0 ? message.getRepeatedField(field, 0)
                        : field.getJavaType() == FieldDescriptor.JavaType.STRING ? String.valueOf(FILLER) : null;
                for (int repeat : element == null ? new int[0] : REPEATS) {
                    variants.add(new Variant(name + " x" + repeat, rebuild.apply(changed(message, builder -> {
                        builder.clearField(field);
                        for (int i = 0; i < repeat; i++) {
                            builder.addRepeatedField(field, element);
                        }
                    }))));
                }
                for (int i = 0; i < Math.min(count, 1); i++) {
                    int index = i;
                    String elementName = name + "[" + i + "]";
                    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                        collect((Message) message.getRepeatedField(field, i), elementName + ".", inner -> rebuild.apply(
                                changed(message, builder -> builder.setRepeatedField(field, index, inner))), variants);
                    } else if (field.getJavaType() == FieldDescriptor.JavaType.STRING) {
                        String value = (String) message.getRepeatedField(field, i);
                        for (Map.Entry<String, String> string : hostileStrings(value).entrySet()) {
                            variants.add(stringVariant(elementName + " = " + string.getKey(), rebuild.apply(changed(
                                    message, builder -> builder.setRepeatedField(field, index, string.getValue()))),
                                    string.getValue()));
                        }
                    }
                }
                continue;
            }
            switch (field.getJavaType()) {
                case MESSAGE -> {
                    if (message.hasField(field)) {
                        collect((Message) message.getField(field), name + ".", inner -> rebuild.apply(
                                changed(message, builder -> builder.setField(field, inner))), variants);
                    }
                }
                case STRING -> {
                    for (Map.Entry<String, String> string : hostileStrings((String) message.getField(field)).entrySet()) {
                        variants.add(stringVariant(name + " = " + string.getKey(), rebuild.apply(changed(message,
                                builder -> builder.setField(field, string.getValue()))), string.getValue()));
                    }
                }
                case LONG -> {
                    for (long extreme : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, -1}) {
                        variants.add(new Variant(name + " = " + extreme, rebuild.apply(changed(message,
                                builder -> builder.setField(field, extreme)))));
                    }
                }
                case INT -> {
                    for (int extreme : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, -1}) {
                        variants.add(new Variant(name + " = " + extreme, rebuild.apply(changed(message,
                                builder -> builder.setField(field, extreme)))));
                    }
                }
                case ENUM -> variants.add(new Variant(name + " = unknown enum number 9999", rebuild.apply(changed(
                        message, builder -> builder.setField(field,
                                field.getEnumType().findValueByNumberCreatingIfUnknown(9999))))));
                default -> {
                    // Booleans and bytes have no hostile value of their own.
                }
            }
        }
    }

    /**
     * An oversized string must be refused before anything is proposed. A long id of valid shape is sent without
     * its idempotency key: the state machine may decide it (NOT_FOUND), and remembering that answer under the
     * sample's key would turn later variants with the same key into "key already used".
     */
    private static Variant stringVariant(String description, Message request, String value) {
        if (value.length() < OVERSIZED_LENGTH) {
            FieldDescriptor key = request.getDescriptorForType().findFieldByName("idempotency_key");
            Message keyless = key == null ? request : changed(request, builder -> builder.clearField(key));
            return new Variant(description + " (no idempotency key)", keyless, false);
        }
        return new Variant(description, request);
    }

    /** An oversized value, and for an id a long one of valid shape (which reaches the NOT_FOUND paths). */
    private static Map<String, String> hostileStrings(String sampleValue) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(OVERSIZED_LENGTH + " characters", String.valueOf(FILLER).repeat(OVERSIZED_LENGTH));
        var id = ID.matcher(sampleValue);
        if (id.matches()) {
            values.put("a 64-character id", id.group(1) + String.valueOf(FILLER).repeat(64));
        }
        return values;
    }

    private static Message changed(Message message, Consumer<Message.Builder> change) {
        Message.Builder builder = message.toBuilder();
        change.accept(builder);
        return builder.buildPartial();
    }

    /** Not protobuf at all, a truncated varint, and (where the request has a string field) invalid UTF-8. */
    static Map<String, byte[]> malformedPayloads(MethodDescriptor<?, ?> method) {
        Map<String, byte[]> payloads = new LinkedHashMap<>();
        payloads.put("garbage bytes (wire type 7)", new byte[] {0x0F, 0x01, 0x02});
        payloads.put("a truncated varint", new byte[] {0x08, (byte) 0x80});
        payloads.put("a field longer than the message", new byte[] {0x0A, 0x7F, 0x41});
        Message prototype = (Message) ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller())
                .getMessagePrototype();
        prototype.getDescriptorForType().getFields().stream()
                .filter(field -> field.getType() == FieldDescriptor.Type.STRING && !field.isRepeated()).findFirst()
                .ifPresent(field -> payloads.put("invalid UTF-8 in " + field.getName(), new byte[] {
                        (byte) (field.getNumber() << 3 | 2), 2, (byte) 0xC3, 0x28}));
        return payloads;
    }

    // ------------------------------------------------------------------------------------------- calls

    private static List<MethodDescriptor<?, ?>> publicMethods() {
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
        PUBLIC_SERVICES.forEach(service -> methods.addAll(service.getMethods()));
        return methods;
    }

    /** Sends {@code request} as the admin; null when it succeeded, else its failure. Streams are drained. */
    @SuppressWarnings("unchecked")
    private static <Q, R> StatusRuntimeException call(MethodDescriptor<Q, R> method, Message request) {
        io.grpc.Channel channel = ClientInterceptors.intercept(GrpcClients.channel(),
                MetadataUtils.newAttachHeadersInterceptor(bearer(GrpcClients.admin())));
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS);
        try {
            if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                Iterator<R> answers = ClientCalls.blockingServerStreamingCall(channel, method, options, (Q) request);
                answers.forEachRemaining(answer -> { });
            } else {
                ClientCalls.blockingUnaryCall(channel, method, options, (Q) request);
            }
            return null;
        } catch (StatusRuntimeException e) {
            return e;
        }
    }

    /** Sends {@code bytes} as the request body of {@code method}, with {@code token} when not null. */
    private static StatusRuntimeException callRaw(MethodDescriptor<?, ?> method, byte[] bytes, String token) {
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(method.getType()).setFullMethodName(method.getFullMethodName())
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        io.grpc.Channel channel = ClientInterceptors.intercept(GrpcClients.channel(),
                MetadataUtils.newAttachHeadersInterceptor(token == null ? new Metadata() : bearer(token)));
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS);
        try {
            if (raw.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                ClientCalls.blockingServerStreamingCall(channel, raw, options, bytes).forEachRemaining(b -> { });
            } else {
                ClientCalls.blockingUnaryCall(channel, raw, options, bytes);
            }
            return null;
        } catch (StatusRuntimeException e) {
            return e;
        }
    }

    private static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return headers;
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static String abbreviated(Status status) {
        String description = status.getDescription() == null ? "" : status.getDescription();
        return status.getCode() + " " + (description.length() > 300 ? description.substring(0, 300) + "…" : description);
    }
}
