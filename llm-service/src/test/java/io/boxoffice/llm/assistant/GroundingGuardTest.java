package io.boxoffice.llm.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroundingGuardTest {

    private static final String GROUNDING = "- Booking B-1001: Dune, Tue 24 Nov 2026 21:00 UTC, seats F7, F8, EUR 24.00, confirmed.\n"
            + "- Policy: full refund up to 2 hours before the show.";

    @Test
    void sentences_with_only_grounded_numbers_pass() {
        GroundingGuard guard = new GroundingGuard(GROUNDING);
        assertThat(guard.accept("Your seats are F7 and F8. The show is at 21:00. ")).containsExactly("Your seats are F7 and F8.", " The show is at 21:00.");
        assertThat(guard.withheld()).isZero();
    }

    @Test
    void sentences_with_an_invented_number_price_or_currency_are_withheld() {
        GroundingGuard guard = new GroundingGuard(GROUNDING);
        List<String> passed = new ArrayList<>(guard.accept("You can get a refund up to 3 hours before. "));
        passed.addAll(guard.accept("Your booking B-2002 is confirmed. "));
        passed.addAll(guard.accept("It costs USD 24.00. "));
        passed.addAll(guard.accept("It costs €30. "));
        passed.addAll(guard.accept("Enjoy the film! "));
        assertThat(passed).containsExactly(" Enjoy the film!");
        assertThat(guard.withheld()).isEqualTo(4);
    }

    @Test
    void a_sentence_split_across_deltas_is_checked_whole_and_the_tail_on_flush() {
        GroundingGuard guard = new GroundingGuard(GROUNDING);
        assertThat(guard.accept("Seat F")).isEmpty();
        assertThat(guard.accept("9 is yours. And")).isEmpty();
        assertThat(guard.withheld()).isEqualTo(1);
        assertThat(guard.flush()).containsExactly(" And");
    }

    @Test
    void sentences_claiming_an_action_was_performed_are_withheld() {
        GroundingGuard guard = new GroundingGuard(GROUNDING);
        List<String> passed = new ArrayList<>();
        for (String sentence : List.of("I have cancelled your booking. ", "Your seats F7 and F8 are now held. ",
                "I've booked it for you. ", "The refund has been issued. ", "Booking B-1001 has been cancelled. ",
                "You can cancel it in bookingctl. ")) {
            passed.addAll(guard.accept(sentence));
        }
        assertThat(passed).extracting(String::strip).containsExactly("You can cancel it in bookingctl.");
        assertThat(guard.withheld()).isEqualTo(5);
    }
}
