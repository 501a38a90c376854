package dev.cnnc.examples.kerasimport;

import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.mnist.Mnist;
import dev.cnnc.runtime.io.WeightsFile;
import java.io.IOException;

/**
 * Uses the Keras model of {@code src/main/cnn/dev/cnnc/examples/kerasimport/mnist_cnn.h5} from Java: the
 * plugin generated the class {@link MnistCnn} from the file's model_config and wrote its weights as the
 * resource {@code MnistCnn.cnnw} beside it. No Python, no TensorFlow, no native code.
 */
public final class ScoreMnist {
    private ScoreMnist() {}

    /** The imported model with its trained weights, for batches of up to {@code batchSize} images. */
    public static MnistCnn pretrained(int batchSize) throws IOException {
        MnistCnn model = new MnistCnn(batchSize, 0L);
        WeightsFile.load(MnistCnn.class.getResourceAsStream("MnistCnn.cnnw"), "MnistCnn.cnnw", model);
        return model;
    }

    /** The class of each image (28 x 28 floats in [0, 1], one after another). */
    public static int[] classify(MnistCnn model, float[] images, int n) {
        int[] classes = new int[n];
        int outputs = model.outputSize();
        for (int at = 0; at < n; at += model.batchSize()) {
            int m = Math.min(model.batchSize(), n - at);
            float[] batch = java.util.Arrays.copyOfRange(images, at * model.inputSize(), (at + m) * model.inputSize());
            float[] p = model.forward(batch, m);
            for (int i = 0; i < m; i++) {
                int best = 0;
                for (int k = 1; k < outputs; k++) {
                    if (p[i * outputs + k] > p[i * outputs + best]) {
                        best = k;
                    }
                }
                classes[at + i] = best;
            }
        }
        return classes;
    }

    /** Prints the test accuracy of the imported model on MNIST (fetched as cnnc train does). */
    public static void main(String[] args) throws IOException {
        Dataset test = Mnist.load(null).test();
        int n = test.count();
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        float[] images = new float[n * 784];
        float[] labels = new float[n * 10];
        test.copyInputs(order, 0, n, images);
        test.copyTargets(order, 0, n, labels);
        int[] classes = classify(pretrained(500), images, n);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += labels[i * 10 + classes[i]] == 1 ? 1 : 0;
        }
        System.out.printf("MnistCnn (imported from Keras): %d of %d test images right, accuracy %.4f%n", correct, n,
                correct / (double) n);
    }
}
