package io.boxoffice.deploy.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository the tests check; the root comes from surefire or is found from the working directory. */
public final class Repo {

    private static final Path ROOT = findRoot();

    private Repo() {
    }

    public static Path root() {
        return ROOT;
    }

    public static Path chart() {
        return ROOT.resolve("helm/boxoffice");
    }

    public static Path grafana() {
        return ROOT.resolve("grafana");
    }

    public static Path deploy() {
        return ROOT.resolve("deploy");
    }

    public static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findRoot() {
        String configured = System.getProperty("boxoffice.repo.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path candidate = start.toAbsolutePath().normalize(); candidate != null; candidate = candidate.getParent()) {
            if (Files.isDirectory(candidate.resolve("helm/boxoffice")) && Files.isRegularFile(candidate.resolve("pom.xml"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("no Boxoffice repository (with helm/boxoffice) above " + start);
    }
}
