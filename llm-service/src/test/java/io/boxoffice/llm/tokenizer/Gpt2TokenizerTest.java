package io.boxoffice.llm.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Against OpenAI's real GPT-2 vocabulary (test resources, see gpt2/SOURCE.md). */
class Gpt2TokenizerTest {

    static Gpt2Tokenizer gpt2;

    @BeforeAll
    static void load() throws Exception {
        gpt2 = Gpt2Tokenizer.load(resource("gpt2/vocab.json"), resource("gpt2/merges.txt"));
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(Gpt2TokenizerTest.class.getClassLoader().getResource(name).toURI());
    }

    @Test
    void hello_world_is_15496_995() {
        assertThat(gpt2.encode("Hello world")).containsExactly(15496, 995);
        assertThat(gpt2.decode(new int[] {15496, 995})).isEqualTo("Hello world");
    }

    @Test
    void the_vocabulary_is_gpt2s() {
        assertThat(gpt2.vocabularySize()).isEqualTo(50257);
        assertThat(gpt2.endOfTextId()).isEqualTo(50256);
    }

    static Stream<Arguments> referenceEncodings() throws IOException, URISyntaxException {
        ObjectMapper json = new ObjectMapper();
        List<Arguments> cases = new ArrayList<>();
        for (String line : Files.readAllLines(resource("gpt2/reference-encodings.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode node = json.readTree(line);
            int[] ids = new int[node.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = node.get("ids").get(i).asInt();
            }
            cases.add(Arguments.of(node.get("text").asText(), ids));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("referenceEncodings")
    void encodes_like_openais_reference_encoder(String text, int[] expectedIds) {
        assertThat(gpt2.encode(text)).containsExactly(expectedIds);
        assertThat(gpt2.decode(expectedIds)).isEqualTo(text);
    }

    @Test
    void the_end_of_text_literal_in_user_text_is_not_the_special_token() {
        assertThat(gpt2.encode("<|endoftext|>")).doesNotContain(50256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   ", "\n", "\t \n \r\n", "  two  spaces  ", "trailing\n\n\n", "\u00a0\u2003\u3000",
        "🎬🍿🎟️", "👩‍👩‍👧‍👦", "ἀρχή", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "a\u0301 combining", "zero\u200bwidth", "\u0000\u0001\u007f control"})
    void unicode_and_whitespace_round_trip(String text) {
        assertThat(gpt2.decode(gpt2.encode(text))).isEqualTo(text);
    }

    @Test
    void random_unicode_strings_round_trip() {
        Random random = new Random(5);
        for (int i = 0; i < 300; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = random.nextInt(40); j > 0; j--) {
                int cp = switch (random.nextInt(4)) {
                    case 0 -> 0x20 + random.nextInt(0x5F);
                    case 1 -> new int[] {' ', '\n', '\t', 0xA0, 0x2009}[random.nextInt(5)];
                    case 2 -> 0xA0 + random.nextInt(0x2000);
                    default -> 0x1F300 + random.nextInt(0x300);
                };
                if (Character.isValidCodePoint(cp) && !Character.isSurrogate((char) cp)) {
                    text.appendCodePoint(cp);
                }
            }
            String s = text.toString();
            assertThat(gpt2.decode(gpt2.encode(s))).as("round trip of %s", s).isEqualTo(s);
        }
    }

    @Test
    void streamed_token_bytes_only_ever_yield_complete_characters() {
        String text = "Tickets 🎬 für Amélie — 東京";
        int[] ids = gpt2.encode(text);
        Utf8StreamDecoder decoder = new Utf8StreamDecoder();
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            String delta = decoder.append(gpt2.decodeBytes(new int[] {id}));
            assertThat(delta).doesNotContain("\uFFFD");
            streamed.append(delta);
        }
        streamed.append(decoder.flush());
        assertThat(streamed.toString()).isEqualTo(text);
    }

    @Test
    void bpe_applies_merges_in_rank_order_on_a_hand_made_vocabulary() {
        // bytes, then "lo" (rank 0), "low" (rank 1), "er" (rank 2), "lower" needs "low"+"er" (rank 3)
        Map<String, Integer> vocab = new java.util.HashMap<>();
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteAlphabet.charOf(b)), b);
        }
        vocab.put("lo", 256);
        vocab.put("low", 257);
        vocab.put("er", 258);
        vocab.put("lower", 259);
        vocab.put("Ġlow", 260);
        List<String[]> merges = List.of(new String[] {"l", "o"}, new String[] {"lo", "w"}, new String[] {"e", "r"},
                new String[] {"low", "er"}, new String[] {"Ġ", "low"});
        Gpt2Tokenizer tokenizer = new Gpt2Tokenizer(vocab, merges);
        assertThat(tokenizer.encode("lower")).containsExactly(259);
        assertThat(tokenizer.encode("lowest")).containsExactly(257, 'e', 's', 't');
        // " lower": l+o, lo+w, e+r, then low+er (rank 3) beats Ġ+low (rank 4), leaving "Ġ" and "lower".
        assertThat(tokenizer.encode(" lower")).containsExactly(32, 259);
        assertThat(tokenizer.encode(" low")).containsExactly(260);
        assertThat(tokenizer.decode(tokenizer.encode("slow lower"))).isEqualTo("slow lower");
    }
}
