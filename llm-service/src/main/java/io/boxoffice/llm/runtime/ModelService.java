package io.boxoffice.llm.runtime;

import io.boxoffice.llm.config.LlmConfig;
import io.boxoffice.llm.config.LlmConfigValidator;
import io.boxoffice.llm.generation.GenerationMetrics;
import io.boxoffice.llm.generation.GenerationScheduler;
import io.boxoffice.llm.generation.SchedulerLimits;
import io.boxoffice.llm.model.CachedDecodeBackend;
import io.boxoffice.llm.model.DjlRuntime;
import io.boxoffice.llm.model.Gpt2Model;
import io.boxoffice.llm.model.RecomputingDecodeBackend;
import io.boxoffice.llm.tokenizer.Gpt2Tokenizer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * Owns the model's life cycle. At start-up it validates the configuration and loads the PyTorch
 * engine synchronously (a missing native library fails the start with the artifact to add), then
 * loads the model in the background so the process is live at once and ready when loaded.
 * Without model files it enters facts-only mode and says why in readiness.
 */
@ApplicationScoped
public class ModelService {

    private static final Logger LOG = Logger.getLogger(ModelService.class);
    static final List<String> MODEL_FILES = List.of(Gpt2Model.CONFIG_FILE, Gpt2Model.WEIGHTS_FILE, "vocab.json", "merges.txt");

    public enum State { STARTING, LOADING, READY, FACTS_ONLY, FAILED }

    /** A loaded model, its tokenizer and the scheduler that decodes with them. */
    public record Loaded(Gpt2Model model, Gpt2Tokenizer tokenizer, GenerationScheduler scheduler, long loadMillis) {}

    @Inject
    LlmConfig config;

    @Inject
    GenerationMetrics metrics;

    /** Loads the model, then runs the generation scheduler's loop until shutdown. */
    private final ExecutorService modelThread = DjlRuntime.newModelThread();

    private volatile State state = State.STARTING;
    private volatile String detail = "starting";
    private volatile Loaded loaded;

    void onStart(@Observes StartupEvent event) {
        LlmConfigValidator.validate(config);
        Path cacheDir = config.cacheDir().orElse(Path.of(System.getProperty("java.io.tmpdir"), "boxoffice-djl"));
        int threads = config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
        DjlRuntime.start(cacheDir, threads);
        Path dir = config.modelDir().toAbsolutePath();
        List<String> missing = MODEL_FILES.stream().filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
        if (!missing.isEmpty()) {
            state = State.FACTS_ONLY;
            detail = "no model in " + dir + " (missing " + String.join(", ", missing) + "): answering from facts only."
                    + " Fetch DistilGPT2 with llm-service/fetch-model.sh " + dir + " and restart.";
            LOG.warn(detail);
            return;
        }
        state = State.LOADING;
        detail = "loading the model from " + dir;
        modelThread.execute(() -> load(dir));
    }

    /**
     * Runs on {@link #modelThread}, which afterwards runs the scheduler's loop: all PyTorch work
     * on one thread (see {@link GenerationScheduler}'s constructor for why).
     */
    private void load(Path dir) {
        long start = System.nanoTime();
        try {
            Gpt2Model model = Gpt2Model.load(dir);
            Gpt2Tokenizer tokenizer = Gpt2Tokenizer.load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
            if (tokenizer.vocabularySize() > model.config().vocabularySize()) {
                model.close();
                throw new IllegalStateException("the tokenizer has " + tokenizer.vocabularySize() + " tokens but the model only "
                        + model.config().vocabularySize() + ": vocab.json does not belong to this model");
            }
            SchedulerLimits limits = new SchedulerLimits(config.scheduler().batchSizeMax(), config.scheduler().queueCapacity(), 100,
                    config.scheduler().prefillTokensPerStepMax(), config.scheduler().prefillTokensIdleMax());
            GenerationScheduler scheduler = new GenerationScheduler(
                    config.kvCache() ? () -> new CachedDecodeBackend(model) : () -> new RecomputingDecodeBackend(model),
                    tokenizer, limits, metrics, System::nanoTime, modelThread);
            long millis = (System.nanoTime() - start) / 1_000_000;
            loaded = new Loaded(model, tokenizer, scheduler, millis);
            detail = "model loaded from " + dir + " in " + millis + " ms: " + model.config();
            state = State.READY;
            LOG.info(detail);
        } catch (Exception | LinkageError e) {
            detail = "cannot load the model from " + dir + ": " + e.getMessage();
            state = State.FAILED;
            LOG.error(detail, e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        Loaded current = loaded;
        if (current != null) {
            current.scheduler().close();
            current.model().close();
        }
        modelThread.shutdownNow();
    }

    public State state() {
        return state;
    }

    public String detail() {
        return detail;
    }

    /** Why no model answers, in words for the user (without repeating that the model is not loaded). */
    public String unavailableReason() {
        return switch (state) {
            case STARTING, LOADING -> "it is still loading; ask again in a few seconds.";
            case FACTS_ONLY -> "no model files in " + modelDirectory() + ". An operator can fetch DistilGPT2 with"
                    + " llm-service/fetch-model.sh and restart the service.";
            case FAILED, READY -> detail;
        };
    }

    public Optional<Loaded> loaded() {
        return Optional.ofNullable(loaded);
    }

    public Path modelDirectory() {
        return config.modelDir().toAbsolutePath();
    }
}
