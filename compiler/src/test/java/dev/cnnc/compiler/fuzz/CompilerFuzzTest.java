package dev.cnnc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cnnc.compiler.Sources;
import dev.cnnc.compiler.diag.SourceFile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of the whole compiler (parse, check, shape inference, summary, code
 * generation in both variants, javac on the result) with Jazzer. The property is {@link Pipeline}:
 * no exception, no hang, every diagnostic inside the file, and generated code that compiles.
 *
 * <p>{@code mvn test} runs it in regression mode: once on every input under
 * {@code src/test/resources/dev/cnnc/compiler/fuzz/CompilerFuzzTestInputs/fuzzPipeline/} (every
 * {@code .cnn} file of the repository, the examples of docs/language.md, and each crash the fuzzer
 * ever found). To fuzz (one fuzz test per JVM, so name it):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl compiler test -Dtest=CompilerFuzzTest -Djazzer.max_duration=10m
 * </pre>
 *
 * The generated corpus goes to {@code compiler/.cifuzz-corpus/} (ignored by git); a crash is
 * written beside the seeds as {@code crash-SHA1}, where from then on it runs as a regression case.
 * See docs/robustness.md.
 */
class CompilerFuzzTest {
    private static final AtomicLong RUNS = new AtomicLong();
    private static final AtomicLong MODELS = new AtomicLong();
    private static final AtomicLong COMPILED = new AtomicLong();
    private static final long START = System.nanoTime();

    /** The most one input may take, javac included; more is a hang. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * Each input runs on a worker thread, watched from the fuzzer's: JUnit's {@code @Timeout} would
     * bound the whole fuzzing session (and interrupt javac mid-read), libFuzzer's own timeout defaults
     * to 20 minutes.
     */
    private static ExecutorService worker = newWorker();

    @FuzzTest(maxDuration = "2m")
    @DictionaryFile(resourcePath = "cnn.dict")
    void fuzzPipeline(byte[] input) throws InterruptedException {
        RUNS.incrementAndGet();
        SourceFile source = new SourceFile("Fuzz.cnn", Pipeline.decode(input));
        Future<Pipeline.Outcome> future = worker.submit(() -> Pipeline.run(source, true));
        Pipeline.Outcome outcome;
        try {
            outcome = future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error; // the AssertionError of a broken property, as it is
            }
            throw Pipeline.failure(source, "unexpected " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            worker = newWorker(); // the stuck thread is abandoned (a daemon)
            throw Pipeline.failure(source, "a hang: no result after " + TIMEOUT.toSeconds() + " s", null);
        }
        if (outcome.ok()) {
            MODELS.incrementAndGet();
        }
        COMPILED.addAndGet(outcome.compiledVariants());
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-worker");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void report() {
        if (RUNS.get() > 0) {
            double seconds = (System.nanoTime() - START) / 1e9;
            System.out.printf("CompilerFuzzTest: %,d inputs in %.0f s (%.1f/s), %,d valid models, %,d variants compiled%n",
                    RUNS.get(), seconds, RUNS.get() / seconds, MODELS.get(), COMPILED.get());
        }
    }

    /**
     * The seed corpus holds every .cnn file and Keras script (.py under examples/ and the compiler's test
     * scripts) of the repository, so that a new example is fuzzed too.
     */
    @Test
    void theSeedCorpusHoldsEveryCnnFileOfTheRepository() throws IOException, URISyntaxException {
        Path root = Sources.repositoryRoot();
        Set<String> expected;
        try (Stream<Path> s = Files.walk(root)) {
            expected = s.map(p -> root.relativize(p).toString())
                    .filter(p -> p.endsWith(".cnn") || (p.endsWith(".py") && (p.startsWith("examples/")
                            || p.startsWith("compiler/src/test/resources/scripts/"))))
                    .filter(p -> Arrays.stream(p.split("/")).noneMatch(Set.of("target", ".git", ".cifuzz-corpus")::contains))
                    .filter(p -> !p.startsWith("compiler/src/test/resources/dev/cnnc/compiler/fuzz/"))
                    .map(p -> p.replace("/", "__"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Path seeds = Path.of(CompilerFuzzTest.class.getResource("CompilerFuzzTestInputs/fuzzPipeline/seeds").toURI());
        Set<String> present;
        try (Stream<Path> s = Files.list(seeds)) {
            present = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(present);
        assertEquals(Set.of(), missing, "copy them into " + seeds + " (path with '/' as '__')");
        for (String name : expected) {
            byte[] original = Files.readAllBytes(root.resolve(name.replace("__", "/")));
            assertTrue(Arrays.equals(original, Files.readAllBytes(seeds.resolve(name))), name + " differs from its seed copy");
        }
    }
}
