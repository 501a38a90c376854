package dev.cnnc.interop.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cnnc.interop.HostileFilesTest;
import dev.cnnc.interop.InteropException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the Keras importer (HDF5 structure, attributes, model_config JSON, the
 * generated .cnn text, the weights) with Jazzer. The property: every input is imported or refused with an
 * {@link InteropException} whose message starts with the file's name; nothing else escapes.
 *
 * <p>{@code mvn test} replays the seeds (two h5py-written Keras files) and every crash ever found, under
 * {@code src/test/resources/dev/cnnc/interop/fuzz/ImportFuzzTestInputs/fuzzImport/}. To fuzz:
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -pl interop test -Dtest=ImportFuzzTest -Djazzer.max_duration=10m -Djazzer.instrument='dev.cnnc.**,io.jhdf.**'
 * </pre>
 */
class ImportFuzzTest {
    @FuzzTest
    void fuzzImport(byte[] data) throws Exception {
        Path file = Files.createTempFile("cnnc-fuzz", ".h5");
        try {
            Files.write(file, data);
            HostileFilesTest.importFully(file);
        } catch (InteropException e) {
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
