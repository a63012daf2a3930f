package io.boxoffice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.proto.v1.Screen;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BenchSetupTest {

    final BenchFakeCluster cluster;
    final ClusterClient client;
    final StringWriter log = new StringWriter();

    BenchSetupTest() throws Exception {
        cluster = new BenchFakeCluster(System::currentTimeMillis);
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        client.close();
        cluster.close();
    }

    BenchSetup.Prepared prepare(int shows, int users) throws Exception {
        return new BenchSetup(client, new PrintWriter(log, true), System::currentTimeMillis)
                .prepare("admin", "admin123", shows, users, () -> new AbandonedHolds(1, 0));
    }

    @Test
    void thousands_of_shows_are_created_over_screens_of_100_and_found_again_through_paged_listings() throws Exception {
        BenchSetup.Prepared first = prepare(2_500, 3);

        assertThat(first.showIds()).hasSize(2_500).doesNotHaveDuplicates();
        assertThat(cluster.showCreations).hasValue(2_500);
        assertThat(cluster.screens.values()).hasSize(25).extracting(Screen::getName)
                .contains("bookingctl bench screen", "bookingctl bench screen 2", "bookingctl bench screen 25");
        cluster.screens.keySet().forEach(screen -> assertThat(cluster.showsOfScreen(screen)).hasSize(100));
        assertThat(first.users()).extracting(BenchUser::username)
                .containsExactly("bench-user-1", "bench-user-2", "bench-user-3");
        assertThat(log.toString()).contains("2,500 shows of 26x40 seats on 25 screens (0 reused, 2,500 created");

        // The listing returns at most 1,000 shows a call: a second setup must page to find all 2,500.
        BenchSetup.Prepared second = prepare(2_500, 3);
        assertThat(cluster.showCreations).as("a repeated setup creates nothing").hasValue(2_500);
        assertThat(new HashSet<>(second.showIds())).isEqualTo(new HashSet<>(first.showIds()));
        assertThat(cluster.screens).hasSize(25);
    }

    @Test
    void an_interrupted_or_smaller_setup_is_completed_by_the_next_one() throws Exception {
        List<String> small = prepare(150, 1).showIds();
        List<String> large = prepare(420, 1).showIds();

        assertThat(cluster.showCreations).hasValue(420);
        assertThat(large).hasSize(420).doesNotHaveDuplicates().containsAll(small);
        assertThat(cluster.screens).hasSize(5);
    }

    @Test
    void the_listing_pages_past_shows_that_share_a_start_time() throws Exception {
        prepare(2_500, 1);
        BoxofficeApi admin = new BoxofficeApi(client, () -> "tok:admin:0");
        String movie = cluster.movies.keySet().iterator().next();
        // 25 screens start their shows at the same times: pages overlap on those times.
        assertThat(BenchSetup.allShows(admin, movie)).hasSize(2_500);
    }
}
