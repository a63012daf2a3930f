/**
 * The typed failures of the application layer, in one place: the application ({@code app}) throws them, the gRPC
 * layer ({@code api/GrpcErrors}) maps each to the status a client sees. This package depends on nothing of the node.
 */
package io.boxoffice.booking.errors;
