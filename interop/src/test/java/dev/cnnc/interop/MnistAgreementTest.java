package dev.cnnc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.interop.keras.KerasImport;
import dev.cnnc.interop.onnx.OnnxExport;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.mnist.Mnist;
import dev.cnnc.runtime.io.WeightsFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance check: the Keras MNIST model file of {@code examples/keras-import} (trained outside
 * cnnc, written by h5py) goes in, and the Java model that comes out predicts all 10,000 MNIST test images as
 * TensorFlow.js does (same class, probabilities within 1e-5); exported to ONNX, onnxruntime agrees as well.
 */
class MnistAgreementTest {
    static final Path MODEL = Path.of("../examples/keras-import/src/main/cnn/dev/cnnc/examples/kerasimport/mnist_cnn.h5").toAbsolutePath().normalize();
    static final int N = 10_000;

    @TempDir
    Path tmp;

    @Test
    void theImportedKerasModelPredictsTheTestSetAsTensorFlowJsAndOnnxRuntime() throws Exception {
        Dataset test = Mnist.load(null).test();
        assertEquals(N, test.count());
        int[] order = new int[N];
        for (int i = 0; i < N; i++) {
            order[i] = i;
        }
        float[] x = new float[N * 784];
        float[] labels = new float[N * 10];
        test.copyInputs(order, 0, N, x);
        test.copyTargets(order, 0, N, labels);
        Path input = tmp.resolve("t10k.f32");
        Oracles.writeFloats(input, x);

        KerasImport.Imported imported = KerasImport.read(MODEL, "MnistCnn");
        Path weights = tmp.resolve("MnistCnn.cnnw");
        KerasImport.writeWeights(imported, weights);
        Network net = CnnCompiler.load(imported.model(), CnnCompiler.Options.defaults()).create(500, 0);
        WeightsFile.load(weights, net);
        float[] ours = new float[N * 10];
        for (int at = 0; at < N; at += 500) {
            float[] in = java.util.Arrays.copyOfRange(x, at * 784, (at + 500) * 784);
            System.arraycopy(net.forward(in, 500), 0, ours, at * 10, 500 * 10);
        }

        float[] tfjs = Oracles.tensorflowJs(MODEL, input, N, null);
        report("TensorFlow.js", ours, tfjs, labels);

        Path onnx = tmp.resolve("mnist.onnx");
        OnnxExport.write(imported.model(), net, onnx);
        float[] ort = ExportTest.onnxRuntime(onnx, x, N, new int[] {28, 28, 1});
        report("onnxruntime", ours, ort, labels);
    }

    private static void report(String tool, float[] ours, float[] theirs, float[] labels) {
        double maxAbs = 0;
        int sameClass = 0;
        int correct = 0;
        for (int i = 0; i < N; i++) {
            int a = argmax(ours, i);
            if (a == argmax(theirs, i)) {
                sameClass++;
            }
            if (labels[i * 10 + a] == 1) {
                correct++;
            }
            for (int k = 0; k < 10; k++) {
                maxAbs = Math.max(maxAbs, Math.abs(ours[i * 10 + k] - theirs[i * 10 + k]));
            }
        }
        System.out.printf("MNIST test set, cnnc vs %s: same class on %d of %d images, probabilities within %.2e; "
                + "accuracy %.4f%n", tool, sameClass, N, maxAbs, correct / (double) N);
        assertEquals(N, sameClass, "images where cnnc and " + tool + " predict different classes");
        assertTrue(maxAbs <= 1e-5, "probabilities differ from " + tool + " by " + maxAbs);
    }

    private static int argmax(float[] p, int example) {
        int best = 0;
        for (int k = 1; k < 10; k++) {
            if (p[example * 10 + k] > p[example * 10 + best]) {
                best = k;
            }
        }
        return best;
    }
}
