package io.boxoffice.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A snapshot file is pushed to disk in steps while it is written, and its bytes arrive unchanged. */
class PacedOutputStreamTest {

    @Test
    void the_bytes_pass_unchanged_and_a_sync_follows_every_step() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        AtomicInteger syncs = new AtomicInteger();
        byte[] chunk = new byte[1000];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) i;
        }
        try (PacedOutputStream out = new PacedOutputStream(sink, 0, 4096, syncs::incrementAndGet)) {
            for (int i = 0; i < 10; i++) {
                out.write(chunk, 0, chunk.length);
            }
            out.write(7);
        }

        assertThat(sink.size()).isEqualTo(10_001);
        assertThat(sink.toByteArray()[1999]).isEqualTo(chunk[999]);
        assertThat(syncs.get()).isEqualTo(2); // after 5,000 and after 10,000 bytes
    }
}
