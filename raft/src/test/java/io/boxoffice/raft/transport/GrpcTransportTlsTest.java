package io.boxoffice.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.boxoffice.raft.core.message.Message;
import io.boxoffice.raft.core.message.TimeoutNow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS between peers, with a throwaway CA made by {@code openssl} (skipped where it is missing). */
class GrpcTransportTlsTest {

    private static final String TOKEN = "test-peer-token-0123456789";

    @TempDir
    static Path certificates;
    private static GrpcTransportConfig.Tls tls;
    private final List<GrpcTransport> transports = new ArrayList<>();

    @BeforeAll
    static void makeCertificates() throws Exception {
        assumeTrue(openssl("version"), "openssl is not installed");
        Files.writeString(certificates.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        assertThat(openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "1", "-subj", "/CN=boxoffice-test-ca")).isTrue();
        assertThat(openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr",
                "-subj", "/CN=boxoffice-node")).isTrue();
        assertThat(openssl("x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "node.pem", "-days", "1", "-extfile", "san.ext")).isTrue();
        tls = new GrpcTransportConfig.Tls(certificates.resolve("node.pem"), certificates.resolve("node.key"),
                certificates.resolve("ca.pem"));
    }

    @AfterEach
    void closeAll() {
        transports.forEach(GrpcTransport::close);
    }

    @Test
    void when_both_peers_use_tls_then_messages_arrive() throws Exception {
        var inboxB = new LinkedBlockingQueue<Message>();
        GrpcTransport a = started(config("a").withTls(tls), new LinkedBlockingQueue<>());
        GrpcTransport b = started(config("b").withTls(tls), inboxB);
        a.updatePeers(Map.of("b", "127.0.0.1:" + b.boundPort()));

        // As Raft does: re-send until it arrives (a message sent before the TLS handshake finished may be
        // dropped); a loaded machine can take seconds for the first handshake.
        Message received = null;
        for (int attempt = 0; attempt < 150 && received == null; attempt++) {
            a.send(new TimeoutNow(3, "a", "b"));
            received = inboxB.poll(200, TimeUnit.MILLISECONDS);
        }
        assertThat(received).isEqualTo(new TimeoutNow(3, "a", "b"));
    }

    @Test
    void when_the_sender_speaks_plaintext_to_a_tls_peer_then_nothing_arrives() throws Exception {
        var inboxB = new LinkedBlockingQueue<Message>();
        GrpcTransport plaintext = started(config("a"), new LinkedBlockingQueue<>());
        GrpcTransport b = started(config("b").withTls(tls), inboxB);
        plaintext.updatePeers(Map.of("b", "127.0.0.1:" + b.boundPort()));

        for (int i = 0; i < 20; i++) {
            plaintext.send(new TimeoutNow(3, "a", "b"));
            Thread.sleep(20);
        }

        assertThat(inboxB.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(plaintext.counters().sent()).as("the stream never became ready").isZero();
        assertThat(b.counters().received()).isZero();
    }

    @Test
    void a_missing_certificate_file_is_reported_at_validation() {
        var missing = new GrpcTransportConfig.Tls(certificates.resolve("nope.pem"), tls.privateKeyPem(),
                tls.trustedCaPem());

        assertThat(config("a").withTls(missing).problems()).singleElement().asString().contains("nope.pem");
    }

    private GrpcTransport started(GrpcTransportConfig config, LinkedBlockingQueue<Message> inbox) {
        GrpcTransport transport = new GrpcTransport(config);
        transports.add(transport);
        transport.start(inbox::add, (index, term) -> java.util.Optional.empty());
        return transport;
    }

    private static GrpcTransportConfig config(String selfId) {
        return GrpcTransportConfig.defaults(selfId, "cluster-1", "127.0.0.1", 0, TOKEN)
                .withReconnectBackoffMillis(10, 100);
    }

    private static boolean openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(certificates.toFile())
                    .redirectErrorStream(true).redirectOutput(certificates.resolve("openssl.log").toFile()).start();
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
