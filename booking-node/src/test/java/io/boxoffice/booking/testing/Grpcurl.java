package io.boxoffice.booking.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What grpcurl does, in Java: discovers services and message types through the server-reflection service
 * only (no compiled stubs, no .proto files) and calls methods with JSON bodies. The operator examples in
 * docs/booking-node.md are these calls.
 */
public final class Grpcurl {

    private final ManagedChannel channel;

    public Grpcurl(ManagedChannel channel) {
        this.channel = channel;
    }

    /** {@code grpcurl -plaintext host:port list} */
    public List<String> list() {
        ServerReflectionResponse response = reflect(ServerReflectionRequest.newBuilder().setListServices("*").build());
        return response.getListServicesResponse().getServiceList().stream().map(s -> s.getName()).sorted().toList();
    }

    /** {@code grpcurl -plaintext [-H 'authorization: Bearer T'] -d JSON host:port service/method}, unary. */
    public String call(String fullMethod, String json, String token) {
        int slash = fullMethod.lastIndexOf('/');
        String service = fullMethod.substring(0, slash);
        Descriptors.MethodDescriptor method = serviceDescriptor(service).findMethodByName(
                fullMethod.substring(slash + 1));
        if (method == null) {
            throw new IllegalArgumentException("no method " + fullMethod);
        }
        DynamicMessage.Builder request = DynamicMessage.newBuilder(method.getInputType());
        try {
            JsonFormat.parser().merge(json, request);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("bad JSON for " + method.getInputType().getFullName(), e);
        }
        MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod = MethodDescriptor
                .<DynamicMessage, DynamicMessage>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethod).setRequestMarshaller(marshaller(method.getInputType()))
                .setResponseMarshaller(marshaller(method.getOutputType())).build();
        io.grpc.Channel target = channel;
        if (token != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            target = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        DynamicMessage response = ClientCalls.blockingUnaryCall(target, grpcMethod,
                CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS), request.build());
        try {
            return JsonFormat.printer().print(response);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code grpcurl describe service}: the service's descriptor, built from reflected files only. */
    public Descriptors.ServiceDescriptor serviceDescriptor(String service) {
        ServerReflectionResponse response = reflect(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol(service).build());
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
            try {
                FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
                protos.put(proto.getName(), proto);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        Map<String, Descriptors.FileDescriptor> built = new HashMap<>();
        for (FileDescriptorProto proto : protos.values()) {
            Descriptors.ServiceDescriptor found = build(proto, protos, built).findServiceByName(
                    service.substring(service.lastIndexOf('.') + 1));
            if (found != null && found.getFullName().equals(service)) {
                return found;
            }
        }
        throw new IllegalStateException("reflection did not describe " + service);
    }

    private Descriptors.FileDescriptor build(FileDescriptorProto proto, Map<String, FileDescriptorProto> protos,
                                             Map<String, Descriptors.FileDescriptor> built) {
        Descriptors.FileDescriptor done = built.get(proto.getName());
        if (done != null) {
            return done;
        }
        List<Descriptors.FileDescriptor> dependencies = new ArrayList<>();
        for (String dependency : proto.getDependencyList()) {
            FileDescriptorProto dependencyProto = protos.get(dependency);
            if (dependencyProto == null) {
                dependencyProto = fetchFile(dependency);
                protos.put(dependency, dependencyProto);
            }
            dependencies.add(build(dependencyProto, protos, built));
        }
        try {
            Descriptors.FileDescriptor file = Descriptors.FileDescriptor.buildFrom(proto,
                    dependencies.toArray(new Descriptors.FileDescriptor[0]));
            built.put(proto.getName(), file);
            return file;
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private FileDescriptorProto fetchFile(String name) {
        ServerReflectionResponse response = reflect(ServerReflectionRequest.newBuilder().setFileByFilename(name)
                .build());
        try {
            return FileDescriptorProto.parseFrom(response.getFileDescriptorResponse().getFileDescriptorProto(0));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private ServerReflectionResponse reflect(ServerReflectionRequest request) {
        CompletableFuture<ServerReflectionResponse> result = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(request);
        requests.onCompleted();
        ServerReflectionResponse response = result.join();
        if (response.hasErrorResponse()) {
            throw new IllegalStateException("reflection error: " + response.getErrorResponse());
        }
        return response;
    }

    private static MethodDescriptor.Marshaller<DynamicMessage> marshaller(Descriptors.Descriptor type) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(DynamicMessage value) {
                return new ByteArrayInputStream(value.toByteArray());
            }

            @Override
            public DynamicMessage parse(InputStream stream) {
                try {
                    return DynamicMessage.parseFrom(type, stream);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
