package io.boxoffice.llm.generation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequenceMatcherTest {

    @Test
    void text_before_a_stop_split_across_deltas_is_emitted_and_the_stop_is_not() {
        StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("\nUser:"));
        StringBuilder out = new StringBuilder();
        for (String delta : List.of("Hello", " there", "\nUs", "er", ": more")) {
            out.append(matcher.append(delta));
        }
        assertThat(out.toString()).isEqualTo("Hello there");
        assertThat(matcher.stopped()).isTrue();
        assertThat(matcher.append("after")).isEmpty();
    }

    @Test
    void a_possible_prefix_is_held_back_then_released_when_it_turns_out_not_to_be_a_stop() {
        StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("END"));
        assertThat(matcher.append("the EN")).isEqualTo("the ");
        assertThat(matcher.append("GINE")).isEqualTo("ENGIN"); // the final "E" could still start "END"
        assertThat(matcher.append(" E")).isEqualTo("E ");
        assertThat(matcher.flush()).isEqualTo("E");
        assertThat(matcher.stopped()).isFalse();
    }

    @Test
    void the_earliest_of_several_stops_wins() {
        StopSequenceMatcher matcher = new StopSequenceMatcher(List.of("bb", "a"));
        assertThat(matcher.append("xxbba")).isEqualTo("xx");
    }

    @Test
    void without_stops_everything_passes_at_once() {
        StopSequenceMatcher matcher = new StopSequenceMatcher(List.of());
        assertThat(matcher.append("abc")).isEqualTo("abc");
        assertThat(matcher.flush()).isEmpty();
    }
}
