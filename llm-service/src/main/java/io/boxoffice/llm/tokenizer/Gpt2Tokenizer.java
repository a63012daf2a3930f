package io.boxoffice.llm.tokenizer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPT-2 byte-level BPE tokenizer, as in OpenAI's {@code encoder.py} and Hugging Face's
 * {@code GPT2Tokenizer}: text is split by GPT-2's pre-tokenisation pattern, each piece's UTF-8
 * bytes are mapped to printable characters ({@link ByteAlphabet}), and merges are applied in
 * rank order. Every string round-trips exactly, because every byte has a token.
 *
 * <p>The special token {@code <|endoftext|>} is never produced from user text: the literal
 * string is encoded as ordinary characters, so a prompt cannot end a sequence early.
 *
 * <p>Thread-safe: the merge cache is synchronized and bounded.
 */
public final class Gpt2Tokenizer {

    public static final String END_OF_TEXT = "<|endoftext|>";

    /** GPT-2's pre-tokenisation pattern. UNICODE_CHARACTER_CLASS makes {@code \s} Unicode-aware, as in Python. */
    private static final Pattern PRE_TOKENIZE = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final int MERGE_CACHE_ENTRIES_MAX = 16_384;

    private final Map<String, Integer> tokenIds;
    private final String[] tokens;
    private final Map<String, Integer> mergeRanks;
    private final int endOfTextId;
    private final Map<String, int[]> mergeCache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
            return size() > MERGE_CACHE_ENTRIES_MAX;
        }
    };

    public Gpt2Tokenizer(Map<String, Integer> tokenIds, List<String[]> merges) {
        this.tokenIds = Map.copyOf(tokenIds);
        int size = tokenIds.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        this.tokens = new String[size];
        tokenIds.forEach((token, id) -> {
            if (id < 0) {
                throw new IllegalArgumentException("negative token id " + id + " for " + token);
            }
            tokens[id] = token;
        });
        for (int id = 0; id < size; id++) {
            if (tokens[id] == null) {
                throw new IllegalArgumentException("vocabulary has no token with id " + id + " (ids must be dense)");
            }
        }
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteAlphabet.charOf(b));
            if (!tokenIds.containsKey(symbol)) {
                throw new IllegalArgumentException("vocabulary lacks the byte token for byte " + b + " ('" + symbol + "')");
            }
        }
        Map<String, Integer> ranks = new HashMap<>(merges.size() * 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] pair = merges.get(rank);
            ranks.putIfAbsent(pair[0] + ' ' + pair[1], rank);
        }
        this.mergeRanks = ranks;
        this.endOfTextId = tokenIds.getOrDefault(END_OF_TEXT, -1);
    }

    /** Loads Hugging Face style {@code vocab.json} and {@code merges.txt}. */
    public static Gpt2Tokenizer load(Path vocabJson, Path mergesTxt) throws IOException {
        Map<String, Integer> vocab = new ObjectMapper().readValue(vocabJson.toFile(), new TypeReference<>() {});
        List<String[]> merges = new ArrayList<>();
        for (String line : Files.readAllLines(mergesTxt, StandardCharsets.UTF_8)) {
            if (line.isEmpty() || line.startsWith("#version")) {
                continue;
            }
            String[] pair = line.split(" ");
            if (pair.length != 2) {
                throw new IOException(mergesTxt + ": malformed merge line '" + line + "' (expected two symbols)");
            }
            merges.add(pair);
        }
        return new Gpt2Tokenizer(vocab, merges);
    }

    public int vocabularySize() {
        return tokens.length;
    }

    /** The id of {@code <|endoftext|>}, or -1 when the vocabulary has none. */
    public int endOfTextId() {
        return endOfTextId;
    }

    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        Matcher matcher = PRE_TOKENIZE.matcher(text);
        while (matcher.find()) {
            String piece = ByteAlphabet.encode(matcher.group().getBytes(StandardCharsets.UTF_8));
            for (int id : bpe(piece)) {
                ids.add(id);
            }
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The raw bytes of the given tokens; they may end in the middle of a UTF-8 character. */
    public byte[] decodeBytes(int[] ids) {
        StringBuilder symbols = new StringBuilder();
        for (int id : ids) {
            symbols.append(token(id));
        }
        return ByteAlphabet.decode(symbols);
    }

    /** Decodes to text; invalid UTF-8 becomes U+FFFD, as Hugging Face's {@code errors="replace"}. */
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + tokens.length + ")");
        }
        return tokens[id];
    }

    private int[] bpe(String piece) {
        synchronized (mergeCache) {
            int[] cached = mergeCache.get(piece);
            if (cached != null) {
                return cached;
            }
        }
        int[] ids = merge(piece);
        synchronized (mergeCache) {
            mergeCache.put(piece, ids);
        }
        return ids;
    }

    /** Repeatedly merges the adjacent pair with the lowest rank, as GPT-2's {@code bpe()} does. */
    private int[] merge(String piece) {
        List<String> symbols = new ArrayList<>(piece.length());
        piece.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestLeft = null;
            String bestRight = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = mergeRanks.get(symbols.get(i) + ' ' + symbols.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    bestLeft = symbols.get(i);
                    bestRight = symbols.get(i + 1);
                }
            }
            if (bestLeft == null) {
                break;
            }
            // Merge every occurrence of the best pair, left to right, like the reference implementation.
            List<String> merged = new ArrayList<>(symbols.size());
            int i = 0;
            while (i < symbols.size()) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(bestLeft) && symbols.get(i + 1).equals(bestRight)) {
                    merged.add(bestLeft + bestRight);
                    i += 2;
                } else {
                    merged.add(symbols.get(i));
                    i++;
                }
            }
            symbols.clear();
            symbols.addAll(merged);
        }
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = tokenIds.get(symbols.get(i));
            if (id == null) {
                throw new IllegalStateException("merges produced '" + symbols.get(i) + "' which the vocabulary lacks");
            }
            ids[i] = id;
        }
        return ids;
    }

    @Override
    public String toString() {
        return "Gpt2Tokenizer[vocabulary=" + tokens.length + ", merges=" + mergeRanks.size() + "]";
    }

    /** For tests: the token strings of {@code ids}. */
    List<String> tokenStrings(int[] ids) {
        return Arrays.stream(ids).mapToObj(this::token).toList();
    }
}
