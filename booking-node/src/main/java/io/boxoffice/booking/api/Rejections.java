package io.boxoffice.booking.api;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.boxoffice.proto.replicated.v1.RejectionRecord;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * Maps a state-machine {@link RejectionRecord} and a validation {@link InvalidArgument} to gRPC statuses.
 * Besides the readable message, the status carries {@code google.rpc} details (ErrorInfo with the taken
 * seats, BadRequest with the field), which rich clients decode from {@code grpc-status-details-bin}, and a
 * plain {@code x-boxoffice-taken-seats} trailer that grpcurl shows as is.
 */
public final class Rejections {

    /** Comma-separated seat ids that made a hold or booking fail. */
    public static final Metadata.Key<String> TAKEN_SEATS = Metadata.Key.of("x-boxoffice-taken-seats",
            Metadata.ASCII_STRING_MARSHALLER);

    static final String DOMAIN = "boxoffice.io";

    private Rejections() {
    }

    public static StatusRuntimeException toStatus(RejectionRecord rejection) {
        Code code = switch (rejection.getCode()) {
            case REJECTION_CODE_INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
            case REJECTION_CODE_NOT_FOUND -> Code.NOT_FOUND;
            case REJECTION_CODE_FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
            case REJECTION_CODE_PERMISSION_DENIED -> Code.PERMISSION_DENIED;
            case REJECTION_CODE_ALREADY_EXISTS -> Code.ALREADY_EXISTS;
            case REJECTION_CODE_RESOURCE_EXHAUSTED -> Code.RESOURCE_EXHAUSTED;
            case REJECTION_CODE_UNSPECIFIED, UNRECOGNIZED -> Code.INTERNAL;
        };
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(rejection.getCode().name());
        if (rejection.getTakenSeatIdsCount() > 0) {
            info.putMetadata("taken_seat_ids", String.join(",", rejection.getTakenSeatIdsList()));
        }
        if (!rejection.getRefundedPaymentId().isEmpty()) {
            info.putMetadata("refunded_payment_id", rejection.getRefundedPaymentId());
            info.putMetadata("refund_id", rejection.getRefundId());
        }
        if (!rejection.getVoidedPaymentId().isEmpty()) {
            info.putMetadata("voided_payment_id", rejection.getVoidedPaymentId());
        }
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.getNumber())
                .setMessage(rejection.getMessage()).addDetails(Any.pack(info.build()));
        if (!rejection.getField().isEmpty()) {
            status.addDetails(Any.pack(BadRequest.newBuilder().addFieldViolations(BadRequest.FieldViolation
                    .newBuilder().setField(rejection.getField()).setDescription(rejection.getMessage())).build()));
        }
        Metadata trailers = new Metadata();
        if (rejection.getTakenSeatIdsCount() > 0) {
            trailers.put(TAKEN_SEATS, String.join(",", rejection.getTakenSeatIdsList()));
        }
        return StatusProto.toStatusRuntimeException(status.build(), trailers);
    }

    public static StatusRuntimeException toStatus(InvalidArgument invalid) {
        BadRequest.Builder badRequest = BadRequest.newBuilder();
        for (InvalidArgument.Violation violation : invalid.violations()) {
            badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder().setField(violation.field())
                    .setDescription(violation.description()));
        }
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE)
                .setMessage(invalid.getMessage()).addDetails(Any.pack(badRequest.build())).build();
        return StatusProto.toStatusRuntimeException(status);
    }
}
