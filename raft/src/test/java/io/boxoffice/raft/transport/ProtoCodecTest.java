package io.boxoffice.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.boxoffice.proto.raft.v1.LogEntry;
import io.boxoffice.proto.raft.v1.RaftMessage;
import io.boxoffice.raft.core.message.Message;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProtoCodecTest {

    static Stream<Message> everyMessageType() {
        return SampleMessages.all("node-a", "node-b").stream();
    }

    @ParameterizedTest
    @MethodSource("everyMessageType")
    void every_message_survives_encode_then_decode_through_the_wire_format(Message message) throws Exception {
        byte[] wire = ProtoCodec.encode(message).toByteArray();

        Message decoded = ProtoCodec.decode(RaftMessage.parseFrom(wire));

        assertThat(decoded).usingRecursiveComparison().isEqualTo(message);
        assertThat(decoded.getClass()).isEqualTo(message.getClass());
    }

    @Test
    void a_message_without_a_body_is_refused() {
        RaftMessage empty = RaftMessage.newBuilder().setTerm(1).setFrom("a").setTo("b").build();

        assertThatThrownBy(() -> ProtoCodec.decode(empty)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("no body");
    }

    @Test
    void a_message_without_sender_is_refused() {
        RaftMessage anonymous = RaftMessage.newBuilder().setTerm(1).setTo("b")
                .setTimeoutNow(io.boxoffice.proto.raft.v1.TimeoutNow.getDefaultInstance()).build();

        assertThatThrownBy(() -> ProtoCodec.decode(anonymous)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void entries_that_do_not_follow_prev_log_index_are_refused() {
        RaftMessage gap = RaftMessage.newBuilder().setTerm(2).setFrom("a").setTo("b")
                .setAppendEntries(io.boxoffice.proto.raft.v1.AppendEntries.newBuilder().setPrevLogIndex(4)
                        .addEntries(LogEntry.newBuilder().setIndex(7).setTerm(2)
                                .setKind(io.boxoffice.proto.raft.v1.EntryKind.ENTRY_KIND_NOOP)))
                .build();

        assertThatThrownBy(() -> ProtoCodec.decode(gap)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("contiguously");
    }

    @Test
    void an_entry_of_unknown_kind_or_zero_index_is_refused() {
        RaftMessage unknownKind = appendWith(LogEntry.newBuilder().setIndex(1).setTerm(1).build());
        RaftMessage zeroIndex = appendWith(LogEntry.newBuilder().setIndex(0).setTerm(1)
                .setKind(io.boxoffice.proto.raft.v1.EntryKind.ENTRY_KIND_NOOP).build());

        assertThatThrownBy(() -> ProtoCodec.decode(unknownKind)).isInstanceOf(MalformedMessageException.class);
        assertThatThrownBy(() -> ProtoCodec.decode(zeroIndex)).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void a_config_entry_with_garbled_configuration_is_refused() {
        RaftMessage garbled = appendWith(LogEntry.newBuilder().setIndex(1).setTerm(1)
                .setKind(io.boxoffice.proto.raft.v1.EntryKind.ENTRY_KIND_CONFIG)
                .setData(ByteString.copyFrom(new byte[] {0, 0, 0, 5, 1})).build());

        assertThatThrownBy(() -> ProtoCodec.decode(garbled)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("configuration");
    }

    @Test
    void a_snapshot_configuration_with_duplicate_members_is_refused() {
        var member = io.boxoffice.proto.raft.v1.Member.newBuilder().setId("a").setAddress("a:1").setVoter(true);
        RaftMessage duplicate = RaftMessage.newBuilder().setTerm(1).setFrom("a").setTo("b")
                .setInstallSnapshot(io.boxoffice.proto.raft.v1.InstallSnapshot.newBuilder().setSnapshotIndex(3)
                        .setSnapshotTerm(1).setConfiguration(io.boxoffice.proto.raft.v1.Configuration.newBuilder()
                                .addMembers(member).addMembers(member)))
                .build();

        assertThatThrownBy(() -> ProtoCodec.decode(duplicate)).isInstanceOf(MalformedMessageException.class);
    }

    private static RaftMessage appendWith(LogEntry entry) {
        return RaftMessage.newBuilder().setTerm(1).setFrom("a").setTo("b")
                .setAppendEntries(io.boxoffice.proto.raft.v1.AppendEntries.newBuilder().addEntries(entry))
                .build();
    }
}
