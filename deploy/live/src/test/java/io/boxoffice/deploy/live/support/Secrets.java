package io.boxoffice.deploy.live.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The chart's three Secrets as directories to bind-mount read-only, laid out as Kubernetes projects a Secret
 * volume with {@code defaultMode: 0440} under {@code fsGroup: 185}: files owned by root, group 185, mode 0440.
 */
public final class Secrets {

    private static final int FS_GROUP = 185;

    private final Path dir;
    private final String adminPassword;

    private Secrets(Path dir, String adminPassword) {
        this.dir = dir;
        this.adminPassword = adminPassword;
    }

    /** jwt/{jwt-private.pem,jwt-public.pem} (RSA, PKCS#8), peer/token, admin/password under {@code dir}. */
    public static Secrets write(Path dir) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            SecureRandom random = new SecureRandom();
            byte[] token = new byte[24];
            random.nextBytes(token);
            byte[] password = new byte[12];
            random.nextBytes(password);
            String adminPassword = HexFormat.of().formatHex(password);
            file(dir.resolve("jwt/jwt-private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            file(dir.resolve("jwt/jwt-public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            file(dir.resolve("peer/token"), HexFormat.of().formatHex(token));
            file(dir.resolve("admin/password"), adminPassword);
            return new Secrets(dir, adminPassword);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The host directory of one Secret volume (jwt, peer, admin). */
    public String volume(String name) {
        return dir.resolve(name).toString();
    }

    public String adminPassword() {
        return adminPassword;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void file(Path path, String content) {
        try {
            Files.createDirectories(path.getParent());
            Files.setPosixFilePermissions(path.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.deleteIfExists(path);
            Files.writeString(path, content, StandardCharsets.US_ASCII);
            Files.setAttribute(path, "unix:gid", FS_GROUP);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("r--r-----"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
