package io.boxoffice.raft.transport;

/**
 * Message counts of a transport since it started; a consistent-enough copy for metrics.
 *
 * @param sent                    messages handed to a peer stream
 * @param droppedQueueFull        messages dropped because the peer's queue was full
 * @param droppedUnknownPeer      messages for a member not in the address book
 * @param droppedStreamFailed     messages lost because the peer's stream failed while sending them
 * @param received                inbound messages handed to the inbox
 * @param rejectedUnauthenticated inbound calls refused for a missing or wrong peer token
 * @param rejectedInvalid         inbound envelopes refused: another cluster, another recipient, malformed
 */
public record TransportCounters(long sent, long droppedQueueFull, long droppedUnknownPeer, long droppedStreamFailed,
                                long received, long rejectedUnauthenticated, long rejectedInvalid) {

    public long dropped() {
        return droppedQueueFull + droppedUnknownPeer + droppedStreamFailed;
    }
}
