package io.boxoffice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.boxoffice.cli.bench.BenchCommand.BenchSettings;
import io.boxoffice.cli.bench.SeatPool.Contention;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    static BenchSettings settings(int concurrency, int users, String mix, Contention contention, int shows,
                                  long untilBookings) {
        return new BenchSettings(concurrency, Duration.ofSeconds(30), Duration.ZERO, untilBookings, contention,
                OperationMix.parse(mix), 2, shows, users, 5, 1);
    }

    @Test
    void abandoned_holds_get_the_slots_that_hold_confirm_and_one_spare_leave() {
        BenchSettings soak = settings(64, 64, "book=45,hold-confirm=20,cancel=15,hold-abandon=5,seatmap=15",
                Contention.NONE, 2_000, 1_000_000);
        soak.validate();
        assertThat(soak.clientsPerUser()).isEqualTo(1);
        assertThat(soak.abandonSlotsPerUser()).isEqualTo(3);
        assertThat(settings(8, 4, "hold-abandon=1", Contention.LOW, 20, 0).abandonSlotsPerUser()).isEqualTo(4);

        assertThatThrownBy(() -> settings(16, 4, "hold-confirm=1,hold-abandon=1", Contention.LOW, 20, 0).validate())
                .hasMessageContaining("hold-abandon").hasMessageContaining("raise --users");
    }

    @Test
    void bad_combinations_are_refused_with_the_fix() {
        assertThatThrownBy(() -> settings(8, 8, "book=1", Contention.NONE, 4, 0).validate())
                .hasMessageContaining("--shows must be at least --concurrency (8)");
        assertThatThrownBy(() -> settings(8, 8, "book=1", Contention.LOW, BenchSettings.SHOWS_MAX + 1, 0).validate())
                .hasMessageContaining("--shows must be between 1 and 20000");
        assertThatThrownBy(() -> settings(8, 8, "seatmap=1,cancel=1", Contention.LOW, 20, 100).validate())
                .hasMessageContaining("--until-bookings needs book or hold-confirm");
        assertThatThrownBy(() -> settings(8, 8, "book=1", Contention.LOW, 20, -1).validate())
                .hasMessageContaining("--until-bookings must be 0 (off) or positive");
        settings(8, 8, "book=1", Contention.LOW, BenchSettings.SHOWS_MAX, 0).validate();
    }
}
