package io.boxoffice.booking.app;

import io.boxoffice.booking.auth.PasswordHasher;
import io.boxoffice.booking.auth.PasswordWork;
import io.boxoffice.booking.config.BoxofficeConfig;
import io.boxoffice.booking.errors.RejectedCommand;
import io.boxoffice.proto.replicated.v1.RegisterUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Creates the first administrator from {@code boxoffice.auth.bootstrap-admin-password-file} — how an
 * operator gets into a cluster that runs without demo data. The leader proposes it under a fixed
 * idempotency key, so a successor repeating the step after a failover creates nothing twice; an existing
 * user of that name is left exactly as it is (its password is never overwritten).
 */
@ApplicationScoped
public class BootstrapAdmin {

    private static final Logger LOG = Logger.getLogger(BootstrapAdmin.class);
    static final String IDEMPOTENCY_KEY = "bootstrap/admin";

    @Inject
    BoxofficeConfig config;
    @Inject
    CommandGateway gateway;
    @Inject
    CommandStamper stamper;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordWork work;

    private volatile boolean done;

    /** Whether a bootstrap administrator is configured and not yet known to exist. */
    public boolean pending() {
        return !done && config.auth().bootstrapAdminPasswordFile().filter(file -> !file.isBlank()).isPresent();
    }

    /** Proposes the administrator unless it exists; completes when the outcome is known. */
    public CompletableFuture<Void> createIfMissing() {
        if (!pending()) {
            return CompletableFuture.completedFuture(null);
        }
        String username = config.auth().bootstrapAdminUsername();
        String password = readPassword(Path.of(config.auth().bootstrapAdminPasswordFile().get().trim()));
        return work.submit(() -> hasher.hash(password))
                .thenCompose(hash -> gateway.submit(stamper.forSystem(IDEMPOTENCY_KEY, "BootstrapAdmin/" + username)
                        .setRegisterUser(RegisterUser.newBuilder().setUsername(username).setPasswordHash(hash)
                                .addRoles("user").addRoles("admin")).build()))
                .handle((result, failure) -> {
                    Throwable cause = failure instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : failure;
                    if (cause instanceof RejectedCommand rejected) {
                        // ALREADY_EXISTS: the name is taken, by an earlier bootstrap or by hand; keep it as it is.
                        LOG.infof("bootstrap administrator '%s' not created: %s", username, rejected.getMessage());
                    } else if (cause != null) {
                        throw new CompletionException(cause); // Not leader any more, timeout: the next round retries.
                    } else {
                        LOG.infof("created the bootstrap administrator '%s' from "
                                + "boxoffice.auth.bootstrap-admin-password-file", username);
                    }
                    done = true;
                    return null;
                });
    }

    private static String readPassword(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().map(String::strip).orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read boxoffice.auth.bootstrap-admin-password-file " + file, e);
        }
    }
}
