package io.boxoffice.raft.transport;

import io.boxoffice.raft.core.Configuration;
import io.boxoffice.raft.core.Entry;
import io.boxoffice.raft.core.EntryKind;
import io.boxoffice.raft.core.Member;
import io.boxoffice.raft.core.SnapshotMeta;
import io.boxoffice.raft.core.message.AppendEntries;
import io.boxoffice.raft.core.message.AppendEntriesResponse;
import io.boxoffice.raft.core.message.InstallSnapshot;
import io.boxoffice.raft.core.message.InstallSnapshotResponse;
import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.core.message.RequestVote;
import io.boxoffice.raft.core.message.RequestVoteResponse;
import io.boxoffice.raft.core.message.TimeoutNow;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One message of every type, with every field set to a non-default value. */
final class SampleMessages {

    static final Configuration CONFIGURATION = new Configuration(List.of(
            new Member("a", "host-a:7000", true), new Member("b", "host-b:7000", true),
            new Member("learner", "host-l:7000", false)));

    private SampleMessages() {
    }

    static List<Message> all(String from, String to) {
        return List.of(
                new RequestVote(5, from, to, 42, 4, false, true),
                new RequestVote(6, from, to, 42, 4, true, false),
                new RequestVoteResponse(5, from, to, true, false),
                new RequestVoteResponse(6, from, to, false, true),
                new AppendEntries(5, from, to, 40, 4, List.of(
                        new Entry(41, 5, EntryKind.NOOP, new byte[0]),
                        new Entry(42, 5, EntryKind.COMMAND, "book A1".getBytes(StandardCharsets.UTF_8)),
                        new Entry(43, 5, EntryKind.CONFIG, CONFIGURATION.encode())), 39, 7),
                new AppendEntries(5, from, to, 43, 5, List.of(), 43, 0),
                new AppendEntriesResponse(5, from, to, true, 43, 0, 7),
                new AppendEntriesResponse(5, from, to, false, 0, 12, 0),
                new InstallSnapshot(5, from, to, new SnapshotMeta(100, 4, CONFIGURATION)),
                new InstallSnapshotResponse(5, from, to, 100, false, false),
                new InstallSnapshotResponse(5, from, to, 100, true, false),
                new InstallSnapshotResponse(5, from, to, 100, false, true),
                new TimeoutNow(5, from, to));
    }
}
