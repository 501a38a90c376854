package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A --data directory of well-formed IDX files whose images are not 28x28 must be refused before
 * training with a message naming both sizes (Mnist.checkShape, called by the --data option), not
 * train on examples that straddle two images or stop with an internal error.
 */
class MnistShapeTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}x{0} images")
    @ValueSource(ints = {20, 40})
    void imagesOfAnotherSizeAreRefusedBeforeTraining(int side) throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        for (String set : new String[] {"train", "t10k"}) {
            Files.write(data.resolve(set + "-images-idx3-ubyte"), KillDuringCheckpointTest.idx(0x803,
                    new int[] {32, side, side}, new byte[32 * side * side]));
            Files.write(data.resolve(set + "-labels-idx1-ubyte"), KillDuringCheckpointTest.idx(0x801, new int[] {32},
                    new byte[32]));
        }
        Path model = dir.resolve("Small.cnn");
        Files.writeString(model, KillDuringCheckpointTest.MODEL);
        MainTest.Result r = MainTest.run("train", model.toString(), "--data", data.toString(), "--threads", "1");
        assertEquals(2, r.exit(), r.err());
        assertFalse(r.err().contains("internal error"), r.err());
        assertTrue(r.err().contains(side + "x" + side) && r.err().contains("28x28"), r.err());
    }
}
