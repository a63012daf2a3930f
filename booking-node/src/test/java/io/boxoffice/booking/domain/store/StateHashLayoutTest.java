package io.boxoffice.booking.domain.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state hash chains every command's writes in a fixed byte layout; replicas compare it, and a
 * stored state carries it, so a faster way of computing it must give the same bytes.
 */
class StateHashLayoutTest {

    @TempDir
    Path directory;

    @Test
    void a_command_chains_its_writes_into_the_state_hash_in_the_documented_layout() throws Exception {
        byte[] key = Keys.of(Keys.BOOKING).text("bkg_1").build();
        byte[] value = new byte[700]; // longer than the scratch buffer's first size
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        byte[] deleted = Keys.of(Keys.HOLD).text("hld_9").number(42).build();
        try (StateStore store = StateStore.open(directory, StoreTuning.defaults())) {
            byte[] before = store.meta().getStateHash().toByteArray();
            store.beginCommand();
            store.put(key, value);
            store.delete(deleted);
            store.endCommand(77);
            store.commit(5, 1_000);

            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write('p');
            bytes.write(ByteBuffer.allocate(4).putInt(key.length).array());
            bytes.write(key);
            bytes.write(ByteBuffer.allocate(4).putInt(value.length).array());
            bytes.write(value);
            bytes.write('d');
            bytes.write(ByteBuffer.allocate(4).putInt(deleted.length).array());
            bytes.write(deleted);
            bytes.write(before);
            bytes.write(ByteBuffer.allocate(8).putLong(77).array());
            assertThat(store.meta().getStateHash().toByteArray()).isEqualTo(expected.digest(bytes.toByteArray()));
            assertThat(store.writesInCommand()).isEqualTo(2);
        }
    }

    @Test
    void keys_are_the_table_byte_then_zero_terminated_text_and_big_endian_numbers() {
        String longId = "x".repeat(100); // grows the builder past its first buffer
        byte[] key = Keys.of(Keys.EVENT_BY_SEAT).text("shw_1").shortNumber(0x0102).number(0x0102030405060708L)
                .text(longId).build();
        ByteBuffer expected = ByteBuffer.allocate(1 + 6 + 2 + 8 + 101);
        expected.put(Keys.EVENT_BY_SEAT).put("shw_1".getBytes(StandardCharsets.UTF_8)).put((byte) 0)
                .putShort((short) 0x0102).putLong(0x0102030405060708L).put(longId.getBytes(StandardCharsets.UTF_8))
                .put((byte) 0);
        assertThat(key).isEqualTo(expected.array());
        assertThat(Keys.textAt(key, 1)).isEqualTo("shw_1");
        assertThat(Keys.numberAt(key, 9)).isEqualTo(0x0102030405060708L);
        assertThat(Keys.id(Keys.USER, "u")).containsExactly('U', 'u', 0);
    }
}
