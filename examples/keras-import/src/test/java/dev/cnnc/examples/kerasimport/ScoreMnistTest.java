package dev.cnnc.examples.kerasimport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.mnist.Mnist;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The class the plugin generated from mnist_cnn.h5, with the weights it wrote, classifies MNIST as trained. */
class ScoreMnistTest {
    @Test
    void theImportedModelIsTheKerasOne() throws Exception {
        MnistCnn model = ScoreMnist.pretrained(1);
        assertEquals(93_322, model.parameterCount());
        assertTrue(model.summary().contains("conv2d_1 (Conv2D)            (None, 26, 26, 32)        320"), model.summary());
        assertEquals("rmsprop", model.trainingConfig().optimizer().keras());
    }

    @Test
    void itClassifiesTheTestSetAtTheAccuracyOfCnncEvaluate() throws Exception {
        Dataset test = Mnist.load(null).test();
        int n = test.count();
        float[] images = new float[n * 784];
        float[] labels = new float[n * 10];
        int[] order = IntStream.range(0, n).toArray();
        test.copyInputs(order, 0, n, images);
        test.copyTargets(order, 0, n, labels);
        int[] classes = ScoreMnist.classify(ScoreMnist.pretrained(500), images, n);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            correct += labels[i * 10 + classes[i]] == 1 ? 1 : 0;
        }
        // cnnc evaluate of the same file: test_acc 0.9835 (InteropCommandsTest, MnistAgreementTest)
        assertEquals(9835, correct);
    }
}
