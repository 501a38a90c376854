package dev.cnnc.interop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cnnc.interop.keras.KerasImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad Keras files, each wrong in one way (written by h5py, see keras_fixtures.py's hostile()): the import
 * fails with a message that names the file and the part that is wrong, never with another exception, and
 * never allocates what the file's size does not justify.
 */
public class HostileFilesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "lambda|model_config: layers[2] 'lambda_1' (Lambda): is not supported: cnnc cannot compile Python code",
        "unknown_class|model_config: layers[3] 'flatten_1' (FancyLayer): is not supported: cnnc has no layer FancyLayer",
        "not_json|model_config is not JSON",
        "theano|the model was saved with the theano backend, whose convolution kernels are flipped",
        "no_config|no attribute 'model_config': not a Keras model file",
        "missing_group|model_weights/dense_1: layer_names lists this layer, but the file has no group for it",
        "wrong_shape|model_weights/conv2d_2/conv2d_2/kernel:0: has shape (3, 3, 4, 6); the model needs (3, 3, 4, 5)",
        "wrong_dtype|model_weights/dense_1/dense_1/bias:0: holds int values; Keras weights are floats",
        "huge|model_weights/dense_1/dense_1/kernel:0: has shape (1073741824, 1048576); the model needs (5, 6)",
        "branches|functional models with branches are not supported: this layer takes 2 inputs (conv2d_1, conv2d_2)",
        "truncated|a damaged or truncated file",
        "bad_superblock|damaged or truncated HDF5 file",
        "not_hdf5|not an HDF5 file (it does not begin with the HDF5 signature)"})
    void aBadFileIsOneClearMessage(String name, String expected) throws Exception {
        Path file = Oracles.fixtures().resolve("hostile").resolve(name + ".h5");
        InteropException e = assertThrows(InteropException.class, () -> importFully(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in:\n" + e.getMessage());
    }

    /** Every single-byte corruption of a valid file is either read or refused with a message; nothing else. */
    @Test
    void corruptedBytesNeverEscapeAsAnotherException() throws Exception {
        byte[] valid = Files.readAllBytes(Oracles.fixtures().resolve("batchnorm.keras224.h5"));
        Random random = new Random(15);
        Path file = tmp.resolve("corrupt.h5");
        int refused = 0;
        for (int round = 0; round < 300; round++) {
            byte[] b = valid.clone();
            int at = random.nextInt(b.length);
            b[at] = (byte) random.nextInt(256);
            Files.write(file, b);
            try {
                importFully(file);
            } catch (InteropException e) {
                assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
                refused++;
            } catch (RuntimeException | Error e) {
                fail("byte " + at + " set to " + (b[at] & 0xff) + ": " + e, e);
            }
        }
        System.out.println("corrupted files: " + refused + " of 300 refused with a message, the others read");
    }

    /** Imports {@code file} as {@code cnnc import} does, weights included; also the fuzz test's property. */
    public static void importFully(Path file) throws Exception {
        KerasImport.Imported imported = KerasImport.read(file, "Hostile");
        Path out = Files.createTempFile("hostile", ".cnnw");
        try {
            KerasImport.writeWeights(imported, out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
