package io.boxoffice.booking.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written checks the state machine uses accept exactly what the documented patterns accept. */
class FieldLimitsTest {

    private static List<String> candidates() {
        List<String> values = new ArrayList<>(List.of("", "a", "A-z_09", "a".repeat(64), "a".repeat(65), "a b", "é",
                "bkg_1", "-", "_", "x/y", "x.y", "\u0000", "~", "\u007f", " ", "k".repeat(128), "k".repeat(129),
                "key with spaces", "tab\there", "ünïcode"));
        SplittableRandom random = new SplittableRandom(17);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(0, 140);
            for (int c = 0; c < length; c++) {
                value.append((char) random.nextInt(0, random.nextBoolean() ? 0x80 : 0x250));
            }
            values.add(value.toString());
            values.add(value.toString().replaceAll("[^A-Za-z0-9_-]", "a")); // mostly valid ids of random length
        }
        return values;
    }

    @Test
    void an_id_body_is_what_the_pattern_accepts() {
        for (String value : candidates()) {
            assertThat(FieldLimits.isIdBody(value)).as("%s", value).isEqualTo(FieldLimits.ID_BODY.matcher(value).matches());
        }
        assertThat(FieldLimits.isIdBody("a".repeat(64))).isTrue();
        assertThat(FieldLimits.isIdBody("a".repeat(65))).isFalse();
    }

    @Test
    void an_idempotency_key_is_what_the_pattern_accepts() {
        for (String value : candidates()) {
            assertThat(FieldLimits.isIdempotencyKey(value)).as("%s", value)
                    .isEqualTo(FieldLimits.IDEMPOTENCY_KEY.matcher(value).matches());
        }
        assertThat(FieldLimits.isIdempotencyKey("k".repeat(128))).isTrue();
        assertThat(FieldLimits.isIdempotencyKey("k".repeat(129))).isFalse();
    }
}
