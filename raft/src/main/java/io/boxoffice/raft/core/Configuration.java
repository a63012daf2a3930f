package io.boxoffice.raft.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cluster membership configuration: voters and learners. Members are kept sorted by id so that
 * the encoding, and everything derived from it, is deterministic.
 */
public record Configuration(List<Member> members) {

    public static final Configuration EMPTY = new Configuration(List.of());

    public Configuration {
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::id));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).id().equals(sorted.get(i - 1).id())) {
                throw new IllegalArgumentException("duplicate member id " + sorted.get(i).id());
            }
        }
        members = List.copyOf(sorted);
    }

    public static Configuration ofVoters(List<Member> voters) {
        return new Configuration(voters);
    }

    public Set<String> voterIds() {
        Set<String> ids = new TreeSet<>();
        for (Member m : members) {
            if (m.voter()) {
                ids.add(m.id());
            }
        }
        return ids;
    }

    public Set<String> allIds() {
        Set<String> ids = new TreeSet<>();
        for (Member m : members) {
            ids.add(m.id());
        }
        return ids;
    }

    public boolean isVoter(String id) {
        return member(id).map(Member::voter).orElse(false);
    }

    public boolean contains(String id) {
        return member(id).isPresent();
    }

    public Optional<Member> member(String id) {
        for (Member m : members) {
            if (m.id().equals(id)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** A copy with {@code member} added or replaced. */
    public Configuration with(Member member) {
        List<Member> next = new ArrayList<>();
        for (Member m : members) {
            if (!m.id().equals(member.id())) {
                next.add(m);
            }
        }
        next.add(member);
        return new Configuration(next);
    }

    /** A copy without the member {@code id}. */
    public Configuration without(String id) {
        List<Member> next = new ArrayList<>();
        for (Member m : members) {
            if (!m.id().equals(id)) {
                next.add(m);
            }
        }
        return new Configuration(next);
    }

    /** Deterministic binary encoding, carried as the data of CONFIG entries. */
    public byte[] encode() {
        int size = 4;
        List<byte[][]> parts = new ArrayList<>();
        for (Member m : members) {
            byte[] id = m.id().getBytes(StandardCharsets.UTF_8);
            byte[] address = m.address().getBytes(StandardCharsets.UTF_8);
            parts.add(new byte[][] {id, address});
            size += 4 + id.length + 4 + address.length + 1;
        }
        ByteBuffer buffer = ByteBuffer.allocate(size);
        buffer.putInt(members.size());
        for (int i = 0; i < members.size(); i++) {
            byte[][] part = parts.get(i);
            buffer.putInt(part[0].length).put(part[0]);
            buffer.putInt(part[1].length).put(part[1]);
            buffer.put((byte) (members.get(i).voter() ? 1 : 0));
        }
        return buffer.array();
    }

    /** Inverse of {@link #encode()}; throws {@link IllegalArgumentException} on malformed bytes. */
    public static Configuration decode(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            int count = buffer.getInt();
            if (count < 0 || count > 1024) {
                throw new IllegalArgumentException("implausible member count " + count);
            }
            List<Member> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String id = readString(buffer);
                String address = readString(buffer);
                boolean voter = buffer.get() == 1;
                members.add(new Member(id, address, voter));
            }
            return new Configuration(members);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated configuration", e);
        }
    }

    private static String readString(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalArgumentException("bad string length " + length);
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
