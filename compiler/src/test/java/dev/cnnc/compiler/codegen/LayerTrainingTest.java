package dev.cnnc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cnnc.runtime.ActivationKind;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.ImageDataset;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Activation and noise layers trained by the runtime's trainer on small synthetic images. */
class LayerTrainingTest {

    /** 12x12 images of 4 classes: a horizontal or vertical bar at one of two places, with noise. */
    static Dataset synthetic(int count, long seed) {
        Random r = new Random(seed);
        byte[] pixels = new byte[count * 144];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = r.nextInt(4);
            labels[i] = (byte) label;
            for (int p = 0; p < 144; p++) {
                int y = p / 12;
                int x = p % 12;
                boolean bar = (label % 2 == 0 ? y == 3 + 6 * (label / 2) : x == 3 + 6 * (label / 2)) && r.nextInt(4) > 0;
                pixels[i * 144 + p] = (byte) (bar ? 200 + r.nextInt(56) : r.nextInt(60));
            }
        }
        return ImageDataset.fromBytes("synthetic", 12, 12, 4, pixels, labels);
    }

    static List<float[]> train(String source, int threads, int epochs) {
        Network net = InMemoryCompiler.network(source, 40, 5L, false);
        try (Trainer t = new Trainer(net, net.trainingConfig().withEpochs(epochs), threads, 5,
                new PrintStream(new ByteArrayOutputStream()), false)) {
            t.fit(synthetic(200, 1), null, 0, new History(), null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        List<float[]> w = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            w.add(p.values().clone());
        }
        return w;
    }

    private static final String HEAD = "input(12, 12, 1)\nConv2D(4, 3, activation='relu')\nMaxPooling2D(2)\nFlatten()\n";
    private static final String COMPILE = "compile(optimizer=Adadelta(), loss='categorical_crossentropy')\nfit(batch_size=40)\n";

    @Test
    void aSoftmaxLayerAfterDenseTrainsAsDenseWithSoftmax() {
        String fused = HEAD + "Dense(4, activation='softmax')\n" + COMPILE;
        for (String layer : new String[] {"Activation('softmax')", "Softmax()"}) {
            String separate = HEAD + "Dense(4)\n" + layer + "\n" + COMPILE;
            assertEquals(ActivationKind.SOFTMAX, InMemoryCompiler.network(separate, 1, 1, false).outputActivation());
            List<float[]> a = train(fused, 2, 2);
            List<float[]> b = train(separate, 2, 2);
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i), b.get(i), layer + ": parameter " + i);
            }
        }
    }

    /** The MNIST-example shape with every noise layer: the masks depend on the example only. */
    @Test
    void noiseLayersTrainBitIdenticallyOnOneAndTwoThreads() {
        String noisy = "input(12, 12, 1)\nConv2D(4, 3, activation='relu')\nSpatialDropout2D(0.2)\nMaxPooling2D(2)\n"
                + "GaussianNoise(0.1)\nDropout(0.25)\nFlatten()\nDense(16, activation='relu')\nGaussianDropout(0.2)\n"
                + "Dropout(0.5, seed=3)\nDense(4, activation='softmax')\n" + COMPILE;
        // batch 40 in chunks of 16, 16 and 8; 200 examples: 5 steps per epoch
        List<float[]> one = train(noisy, 1, 2);
        List<float[]> two = train(noisy, 2, 2);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "parameter " + i);
        }
        // ... and the noise is there: without it training goes elsewhere
        List<float[]> quiet = train(noisy.replace("SpatialDropout2D(0.2)", "SpatialDropout2D(0)")
                .replace("GaussianNoise(0.1)", "GaussianNoise(0)").replace("Dropout(0.25)", "Dropout(0)")
                .replace("GaussianDropout(0.2)", "GaussianDropout(0)").replace("Dropout(0.5, seed=3)", "Dropout(0)"), 1, 2);
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(one.get(0), quiet.get(0)));
    }
}
