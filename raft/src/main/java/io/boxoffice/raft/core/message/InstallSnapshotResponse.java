package io.boxoffice.raft.core.message;

/**
 * Reply to {@link InstallSnapshot}.
 *
 * @param nextOffset offset of the next chunk the follower expects
 * @param done       the whole snapshot was received and handed to the application
 * @param rejected   the follower could not use the chunk (for example it expected another offset)
 */
public record InstallSnapshotResponse(long term, String from, String to, long snapshotIndex, long nextOffset,
                                      boolean done, boolean rejected) implements Message {
}
