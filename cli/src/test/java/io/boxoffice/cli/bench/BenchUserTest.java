package io.boxoffice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxoffice.cli.client.BoxofficeApi;
import io.boxoffice.cli.client.ClusterClient;
import io.boxoffice.cli.client.Session;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BenchUserTest {

    @Test
    void a_token_about_to_expire_is_renewed_by_logging_in_again_once() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000L);
        try (BenchFakeCluster cluster = new BenchFakeCluster(now::get); ClusterClient client = cluster.client()) {
            cluster.passwords.put("bench-user-1", "pw");
            BoxofficeApi anonymous = new BoxofficeApi(client, () -> null);
            Session first = anonymous.login("bench-user-1", "pw");
            BenchUser user = new BenchUser(anonymous, "bench-user-1", "pw", first, now::get, new AbandonedHolds(1, 0));
            int loginsBefore = cluster.logins.get();

            now.set(first.expiresAtMillis() - BenchUser.RENEW_BEFORE_EXPIRY_MILLIS - 1);
            assertThat(user.token()).isEqualTo(first.token());
            assertThat(cluster.logins.get()).isEqualTo(loginsBefore);

            now.set(first.expiresAtMillis() - BenchUser.RENEW_BEFORE_EXPIRY_MILLIS);
            String renewed = user.token();
            assertThat(renewed).isNotEqualTo(first.token());
            assertThat(user.token()).isEqualTo(renewed);
            assertThat(cluster.logins.get()).isEqualTo(loginsBefore + 1);
            assertThat(List.of(renewed)).allMatch(token -> token.startsWith("tok:bench-user-1:"));
        }
    }
}
