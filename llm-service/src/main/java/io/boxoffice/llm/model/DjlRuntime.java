package io.boxoffice.llm.model;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts DJL's PyTorch engine strictly offline. DJL would otherwise download libtorch on first
 * use; here the CPU build comes from the {@code pytorch-native-cpu} jar on the class path and is
 * only extracted into a local cache directory. Call {@link #start} before any other DJL use.
 */
public final class DjlRuntime {

    /** Where the native library lives inside {@code ai.djl.pytorch:pytorch-native-cpu:<v>:linux-x86_64}. */
    static final String NATIVE_MARKER_RESOURCE = "native/lib/pytorch.properties";

    public static final String MISSING_NATIVE_MESSAGE =
            "The PyTorch native library is not on the class path, and this service never downloads it."
                    + " Add the dependency ai.djl.pytorch:pytorch-native-cpu:2.7.1 with classifier linux-x86_64"
                    + " (plus ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0) to llm-service/pom.xml.";

    private static volatile Engine engine;

    private DjlRuntime() {}

    /**
     * Configures offline mode, the cache directory and the intra-op thread count, then loads the
     * engine. Idempotent; later calls return the engine of the first.
     *
     * @throws IllegalStateException when the native library is missing or cannot be loaded
     */
    public static synchronized Engine start(Path cacheDirectory, int intraOpThreads) {
        if (engine != null) {
            return engine;
        }
        if (!hasNativeLibrary(DjlRuntime.class.getClassLoader())) {
            throw new IllegalStateException(MISSING_NATIVE_MESSAGE);
        }
        try {
            Files.createDirectories(cacheDirectory);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the DJL cache directory " + cacheDirectory
                    + " (set boxoffice.llm.cache-dir to a writable directory)", e);
        }
        System.setProperty("ai.djl.offline", "true");
        setIfAbsent("DJL_CACHE_DIR", cacheDirectory.toString());
        setIfAbsent("ENGINE_CACHE_DIR", cacheDirectory.toString());
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        if (intraOpThreads > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
        try {
            engine = Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load the PyTorch engine offline: " + e.getMessage()
                    + ". " + MISSING_NATIVE_MESSAGE, e);
        }
        return engine;
    }

    /**
     * The one thread a process should make every PyTorch call on ("llm-model", a daemon): libtorch
     * keeps an OpenMP thread team per calling thread, and a second team made every step ~25 % slower
     * with 2 threads (docs/BENCHMARKS.md). Load the model on it, then run the scheduler's loop on it.
     */
    public static ExecutorService newModelThread() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "llm-model");
            thread.setDaemon(true);
            return thread;
        });
    }

    public static Engine engine() {
        Engine started = engine;
        if (started == null) {
            throw new IllegalStateException("DjlRuntime.start was not called");
        }
        return started;
    }

    /** True when the bundled CPU libtorch is visible to {@code classLoader}. */
    public static boolean hasNativeLibrary(ClassLoader classLoader) {
        return classLoader.getResource(NATIVE_MARKER_RESOURCE) != null;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }
}
