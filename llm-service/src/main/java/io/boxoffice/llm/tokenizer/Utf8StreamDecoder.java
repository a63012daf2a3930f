package io.boxoffice.llm.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of token bytes into text deltas that contain only complete UTF-8 characters:
 * a byte-level token may end inside a multi-byte character (an emoji spans several tokens),
 * so the incomplete tail is held back until the next token completes it. Not thread-safe.
 */
public final class Utf8StreamDecoder {

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Appends bytes and returns the text that is now complete (possibly empty). */
    public String append(byte[] bytes) {
        pending.writeBytes(bytes);
        byte[] all = pending.toByteArray();
        int complete = completePrefixLength(all);
        pending.reset();
        pending.write(all, complete, all.length - complete);
        return new String(all, 0, complete, StandardCharsets.UTF_8);
    }

    /** Returns whatever is left, with an incomplete character replaced by U+FFFD. */
    public String flush() {
        String rest = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return rest;
    }

    /** Length of the longest prefix that does not end inside a (so far valid) multi-byte sequence. */
    static int completePrefixLength(byte[] bytes) {
        int n = bytes.length;
        // A UTF-8 character is at most 4 bytes, so only the last 3 bytes can be an unfinished one.
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte: keep looking for the lead byte
            }
            int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? n - back : n;
        }
        return n;
    }
}
