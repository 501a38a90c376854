package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnnc import} and {@code cnnc export} from the command line, and a Keras .h5 as {@code --weights}:
 * the files they write, their refusals (an existing file is never overwritten without --force), and the
 * same test accuracy from the imported weights and from the .h5 itself. (Agreement with TensorFlow.js and
 * onnxruntime is checked in the interop module.)
 */
class InteropCommandsTest {
    static final Path KERAS_MODEL = Path.of("../examples/keras-import/src/main/cnn/dev/cnnc/examples/kerasimport/mnist_cnn.h5").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void importWritesACnnFileAndWeightsThatEvaluateLikeTheH5Itself() throws Exception {
        MainTest.Result r = MainTest.run("import", KERAS_MODEL.toString(), "-o", tmp.toString());
        assertEquals(Main.OK, r.exit(), r.err());
        Path cnn = tmp.resolve("MnistCnn.cnn");
        Path weights = tmp.resolve("MnistCnn.cnnw");
        assertTrue(r.out().contains("imported MnistCnn, 8 layers, 93,322 parameters"), r.out());
        assertTrue(Files.readString(cnn).contains("Conv2D(32, (3, 3), activation='relu')\nMaxPooling2D()\n"));

        MainTest.Result again = MainTest.run("import", KERAS_MODEL.toString(), "-o", tmp.toString());
        assertEquals(Main.USAGE, again.exit());
        assertTrue(again.err().contains("MnistCnn.cnn exists: cnnc import does not overwrite it"), again.err());

        MainTest.Result fromCnnw = MainTest.run("evaluate", cnn.toString(), "--weights", weights.toString(),
                "--portable");
        MainTest.Result fromH5 = MainTest.run("evaluate", cnn.toString(), "--weights", KERAS_MODEL.toString(),
                "--portable");
        assertEquals(Main.OK, fromH5.exit(), fromH5.err());
        String acc = fromCnnw.out().lines().filter(l -> l.startsWith("test_acc")).findFirst().orElseThrow();
        assertEquals(acc, fromH5.out().lines().filter(l -> l.startsWith("test_acc")).findFirst().orElseThrow());
        assertTrue(Double.parseDouble(acc.substring("test_acc: ".length())) > 0.97, acc);

        MainTest.Result export = MainTest.run("export", cnn.toString(), "--weights", weights.toString(), "--keras",
                tmp.resolve("w.h5").toString(), "--onnx", tmp.resolve("m.onnx").toString());
        assertEquals(Main.OK, export.exit(), export.err());
        assertTrue(Files.size(tmp.resolve("m.onnx")) > 93_322 * 4);
        MainTest.Result roundTrip = MainTest.run("evaluate", cnn.toString(), "--weights", tmp.resolve("w.h5").toString(),
                "--portable");
        assertEquals(acc, roundTrip.out().lines().filter(l -> l.startsWith("test_acc")).findFirst().orElseThrow());
    }

    @Test
    void trainStartsFromKerasWeights() throws Exception {
        MainTest.run("import", KERAS_MODEL.toString(), "-o", tmp.toString());
        Path cnn = tmp.resolve("MnistCnn.cnn");
        // one step on 64 images: from the initializers a poor model (0.22 here), from the Keras weights a good one (0.96)
        MainTest.Result fineTuned = MainTest.run("train", cnn.toString(), "--weights", KERAS_MODEL.toString(),
                "--epochs", "1", "--train-images", "64", "--portable");
        assertEquals(Main.OK, fineTuned.exit(), fineTuned.err());
        assertTrue(fineTuned.err().contains("cnnc: starting from the weights in " + KERAS_MODEL), fineTuned.err());
        MainTest.Result scratch = MainTest.run("train", cnn.toString(), "--epochs", "1", "--train-images", "64",
                "--portable");
        double tuned = accuracy(fineTuned);
        double fresh = accuracy(scratch);
        assertTrue(tuned > 0.9 && fresh < 0.5, "fine-tuned " + tuned + ", from scratch " + fresh);
        MainTest.Result both = MainTest.run("train", cnn.toString(), "--weights", KERAS_MODEL.toString(), "--resume",
                "--checkpoint", tmp.resolve("ck").toString());
        assertEquals(Main.USAGE, both.exit());
        assertTrue(both.err().contains("give --weights or --resume, not both"), both.err());
    }

    private static double accuracy(MainTest.Result r) {
        String line = r.out().lines().filter(l -> l.startsWith("test_acc: ")).findFirst().orElseThrow(() ->
                new AssertionError(r.out() + r.err()));
        return Double.parseDouble(line.substring("test_acc: ".length()));
    }

    @Test
    void aWeightsFileOfAnotherModelNamesTheFirstLayerThatDiffers() throws Exception {
        Path h5 = KERAS_MODEL;
        Path cnn = tmp.resolve("Other.cnn");
        Files.writeString(cnn, "model Other\ninput(28, 28, 1)\nConv2D(16, (3, 3), activation='relu')\nFlatten()\n"
                + "Dense(10, activation='softmax')\n");
        MainTest.Result r = MainTest.run("evaluate", cnn.toString(), "--weights", h5.toString(), "--portable");
        assertEquals(Main.USAGE, r.exit());
        assertTrue(r.err().contains("the file has weights for 5 layers (conv2d_1, conv2d_2, conv2d_3, dense_1, dense_2); "
                + "the model has 2 layers with weights (conv2d_1, dense_1)"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void importingAWeightsOnlyFileSaysToUseWeights() throws Exception {
        Path cnn = tmp.resolve("MnistCnn.cnn");
        MainTest.run("import", KERAS_MODEL.toString(), "-o", tmp.toString());
        Path w = tmp.resolve("weights-only.h5");
        assertEquals(Main.OK, MainTest.run("export", cnn.toString(), "--weights", KERAS_MODEL.toString(), "--keras",
                w.toString()).exit());
        MainTest.Result r = MainTest.run("import", w.toString(), "-o", tmp.resolve("x").toString());
        assertEquals(Main.MODEL_ERRORS, r.exit());
        assertTrue(r.err().contains("a weights-only file (model.save_weights) has no model_config to import: load it "
                + "into the .cnn model it belongs to with --weights weights-only.h5"), r.err());
    }
}
