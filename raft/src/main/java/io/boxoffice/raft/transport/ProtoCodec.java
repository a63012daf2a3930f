package io.boxoffice.raft.transport;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.boxoffice.proto.raft.v1.LogEntry;
import io.boxoffice.proto.raft.v1.RaftMessage;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Converts the core's message records to and from the peer protocol. The only place where
 * protobuf meets Raft types (STYLE: protobuf conversion lives only in the gRPC adapter).
 *
 * <p>Decoding treats input as hostile: anything malformed throws {@link MalformedMessageException}
 * rather than reaching the core, whose records treat a broken invariant as a bug that stops the node.
 */
public final class ProtoCodec {

    private ProtoCodec() {
    }

    public static RaftMessage encode(Message message) {
        RaftMessage.Builder builder = RaftMessage.newBuilder()
                .setTerm(message.term()).setFrom(message.from()).setTo(message.to());
        switch (message) {
            case RequestVote m -> builder.setRequestVote(io.boxoffice.proto.raft.v1.RequestVote.newBuilder()
                    .setLastLogIndex(m.lastLogIndex()).setLastLogTerm(m.lastLogTerm())
                    .setPreVote(m.preVote()).setLeadershipTransfer(m.leadershipTransfer()));
            case RequestVoteResponse m -> builder.setRequestVoteResponse(
                    io.boxoffice.proto.raft.v1.RequestVoteResponse.newBuilder()
                            .setGranted(m.granted()).setPreVote(m.preVote()));
            case AppendEntries m -> {
                var append = io.boxoffice.proto.raft.v1.AppendEntries.newBuilder()
                        .setPrevLogIndex(m.prevLogIndex()).setPrevLogTerm(m.prevLogTerm())
                        .setLeaderCommit(m.leaderCommit()).setReadRound(m.readRound());
                for (Entry entry : m.entries()) {
                    append.addEntries(encodeEntry(entry));
                }
                builder.setAppendEntries(append);
            }
            case AppendEntriesResponse m -> builder.setAppendEntriesResponse(
                    io.boxoffice.proto.raft.v1.AppendEntriesResponse.newBuilder()
                            .setSuccess(m.success()).setMatchIndex(m.matchIndex())
                            .setRejectHintIndex(m.rejectHintIndex()).setReadRound(m.readRound()));
            case InstallSnapshot m -> builder.setInstallSnapshot(io.boxoffice.proto.raft.v1.InstallSnapshot.newBuilder()
                    .setSnapshotIndex(m.meta().index()).setSnapshotTerm(m.meta().term())
                    .setConfiguration(encodeConfiguration(m.meta().configuration())));
            case InstallSnapshotResponse m -> builder.setInstallSnapshotResponse(
                    io.boxoffice.proto.raft.v1.InstallSnapshotResponse.newBuilder()
                            .setSnapshotIndex(m.snapshotIndex()).setDone(m.done()).setRejected(m.rejected()));
            case TimeoutNow m -> builder.setTimeoutNow(io.boxoffice.proto.raft.v1.TimeoutNow.getDefaultInstance());
        }
        return builder.build();
    }

    /** @throws MalformedMessageException when the message is incomplete or violates a basic invariant */
    public static Message decode(RaftMessage proto) {
        long term = proto.getTerm();
        String from = proto.getFrom();
        String to = proto.getTo();
        require(term >= 0, "negative term");
        require(!from.isBlank() && !to.isBlank(), "from and to must be set");
        return switch (proto.getBodyCase()) {
            case REQUEST_VOTE -> {
                var m = proto.getRequestVote();
                require(m.getLastLogIndex() >= 0 && m.getLastLogTerm() >= 0, "negative last log position");
                yield new RequestVote(term, from, to, m.getLastLogIndex(), m.getLastLogTerm(), m.getPreVote(),
                        m.getLeadershipTransfer());
            }
            case REQUEST_VOTE_RESPONSE -> {
                var m = proto.getRequestVoteResponse();
                yield new RequestVoteResponse(term, from, to, m.getGranted(), m.getPreVote());
            }
            case APPEND_ENTRIES -> decodeAppend(term, from, to, proto.getAppendEntries());
            case APPEND_ENTRIES_RESPONSE -> {
                var m = proto.getAppendEntriesResponse();
                require(m.getMatchIndex() >= 0 && m.getRejectHintIndex() >= 0 && m.getReadRound() >= 0,
                        "negative index in append response");
                yield new AppendEntriesResponse(term, from, to, m.getSuccess(), m.getMatchIndex(),
                        m.getRejectHintIndex(), m.getReadRound());
            }
            case INSTALL_SNAPSHOT -> {
                var m = proto.getInstallSnapshot();
                require(m.getSnapshotIndex() >= 0 && m.getSnapshotTerm() >= 0, "negative snapshot position");
                SnapshotMeta meta = new SnapshotMeta(m.getSnapshotIndex(), m.getSnapshotTerm(),
                        decodeConfiguration(m.getConfiguration()));
                yield new InstallSnapshot(term, from, to, meta);
            }
            case INSTALL_SNAPSHOT_RESPONSE -> {
                var m = proto.getInstallSnapshotResponse();
                require(m.getSnapshotIndex() >= 0, "negative snapshot position");
                require(!(m.getDone() && m.getRejected()), "a snapshot answer cannot be both done and rejected");
                yield new InstallSnapshotResponse(term, from, to, m.getSnapshotIndex(), m.getDone(), m.getRejected());
            }
            case TIMEOUT_NOW -> new TimeoutNow(term, from, to);
            case BODY_NOT_SET -> throw new MalformedMessageException("message has no body");
        };
    }

    private static AppendEntries decodeAppend(long term, String from, String to,
                                              io.boxoffice.proto.raft.v1.AppendEntries m) {
        require(m.getPrevLogIndex() >= 0 && m.getPrevLogTerm() >= 0 && m.getLeaderCommit() >= 0
                && m.getReadRound() >= 0, "negative index in append");
        List<Entry> entries = new ArrayList<>(m.getEntriesCount());
        long expectedIndex = m.getPrevLogIndex() + 1;
        for (LogEntry proto : m.getEntriesList()) {
            Entry entry = decodeEntry(proto);
            require(entry.index() == expectedIndex, "entries must follow prevLogIndex contiguously");
            expectedIndex++;
            entries.add(entry);
        }
        return new AppendEntries(term, from, to, m.getPrevLogIndex(), m.getPrevLogTerm(), entries,
                m.getLeaderCommit(), m.getReadRound());
    }

    static LogEntry encodeEntry(Entry entry) {
        return LogEntry.newBuilder().setIndex(entry.index()).setTerm(entry.term())
                .setKind(switch (entry.kind()) {
                    case COMMAND -> io.boxoffice.proto.raft.v1.EntryKind.ENTRY_KIND_COMMAND;
                    case NOOP -> io.boxoffice.proto.raft.v1.EntryKind.ENTRY_KIND_NOOP;
                    case CONFIG -> io.boxoffice.proto.raft.v1.EntryKind.ENTRY_KIND_CONFIG;
                })
                .setData(wrap(entry.data())).build();
    }

    static Entry decodeEntry(LogEntry proto) {
        require(proto.getIndex() > 0 && proto.getTerm() > 0, "entry index and term must be positive");
        EntryKind kind = switch (proto.getKind()) {
            case ENTRY_KIND_COMMAND -> EntryKind.COMMAND;
            case ENTRY_KIND_NOOP -> EntryKind.NOOP;
            case ENTRY_KIND_CONFIG -> EntryKind.CONFIG;
            case ENTRY_KIND_UNSPECIFIED, UNRECOGNIZED -> throw new MalformedMessageException(
                    "entry " + proto.getIndex() + " has no known kind");
        };
        byte[] data = proto.getData().toByteArray();
        if (kind == EntryKind.CONFIG) {
            try {
                Configuration.decode(data);
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException("entry " + proto.getIndex() + " carries a malformed configuration", e);
            }
        }
        return new Entry(proto.getIndex(), proto.getTerm(), kind, data);
    }

    static io.boxoffice.proto.raft.v1.Configuration encodeConfiguration(Configuration configuration) {
        var builder = io.boxoffice.proto.raft.v1.Configuration.newBuilder();
        for (Member member : configuration.members()) {
            builder.addMembers(io.boxoffice.proto.raft.v1.Member.newBuilder()
                    .setId(member.id()).setAddress(member.address()).setVoter(member.voter()));
        }
        return builder.build();
    }

    static Configuration decodeConfiguration(io.boxoffice.proto.raft.v1.Configuration proto) {
        List<Member> members = new ArrayList<>(proto.getMembersCount());
        try {
            for (var member : proto.getMembersList()) {
                members.add(new Member(member.getId(), member.getAddress(), member.getVoter()));
            }
            return new Configuration(members);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("malformed configuration: " + e.getMessage(), e);
        }
    }

    /** The core never mutates byte arrays it hands out (Entry, Snapshot contracts), so no copy is needed. */
    private static ByteString wrap(byte[] bytes) {
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new MalformedMessageException(problem);
        }
    }
}
