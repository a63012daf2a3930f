package io.boxoffice.llm.tokenizer;

/**
 * GPT-2's reversible map between the 256 byte values and 256 printable Unicode characters
 * ({@code bytes_to_unicode} in OpenAI's encoder): printable Latin-1 bytes map to themselves,
 * the others to U+0100 onwards, so BPE never sees whitespace or control characters.
 */
public final class ByteAlphabet {

    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[512];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + next++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteAlphabet() {}

    public static char charOf(int unsignedByte) {
        return BYTE_TO_CHAR[unsignedByte];
    }

    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    static byte[] decode(CharSequence symbols) {
        byte[] bytes = new byte[symbols.length()];
        for (int i = 0; i < bytes.length; i++) {
            char c = symbols.charAt(i);
            int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
            if (b < 0) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(c) + " is not in GPT-2's byte alphabet");
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }
}
