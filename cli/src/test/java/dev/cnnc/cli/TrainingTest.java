package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.CnnCompiler;
import dev.cnnc.compiler.diag.SourceFile;
import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.ImageDataset;
import dev.cnnc.runtime.io.WeightsFile;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import dev.cnnc.runtime.train.TrainingException;
import dev.cnnc.runtime.train.TrainingSession;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training end to end on synthetic images: determinism across threads, resume, the NaN stop, learning. */
class TrainingTest {
    @TempDir
    Path dir;

    static final String MODEL = """
            model Tiny
            input(12, 12, 1)
            Conv2D(6, (3, 3), activation='relu')
            MaxPooling2D((2, 2))
            Flatten()
            Dense(16, activation='relu')
            Dense(4, activation='softmax')
            compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
            fit(epochs=3, batch_size=40)
            """;

    static NetworkFactory compile(String source) {
        return compile(source, false);
    }

    static NetworkFactory compile(String source, boolean vector) {
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("Tiny.cnn", source));
        assertTrue(c.ok(), c.diagnostics().render());
        return CnnCompiler.load(c.model(), new CnnCompiler.Options("t", false, vector));
    }

    /** Four classes of 12x12 images: a bright bar in one quadrant, plus noise. */
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

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    private static List<float[]> weights(Network net) {
        List<float[]> w = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            w.add(p.values().clone());
        }
        return w;
    }

    private List<float[]> train(NetworkFactory ctor, int threads, int epochs) throws Exception {
        Network net = ctor.create(40, 5L);
        TrainingConfig config = net.trainingConfig().withEpochs(epochs);
        try (Trainer t = new Trainer(net, config, threads, 5, quiet(), false)) {
            t.fit(synthetic(1000, 1), null, 0, new History(), null);
        }
        return weights(net);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "vector={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void sameSeedGivesBitIdenticalWeightsOnOneTwoAndThreeThreads(boolean vector) throws Exception {
        NetworkFactory ctor = compile(MODEL.replace("Conv2D(6,", "Conv2D(40,"), vector);
        // 3 epochs of 25 steps (the last batch of each epoch is full: 1000 = 25 x 40)
        List<float[]> one = train(ctor, 1, 3);
        List<float[]> two = train(ctor, 2, 3);
        List<float[]> three = train(ctor, 3, 3);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "parameter " + i + ", 1 vs 2 threads");
            assertArrayEquals(one.get(i), three.get(i), "parameter " + i + ", 1 vs 3 threads");
        }
    }

    @Test
    void itLearnsAndKeepsTheLastShortBatch() throws Exception {
        Network net = compile(MODEL).create(40, 5L);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (Trainer t = new Trainer(net, net.trainingConfig(), 2, 5, new PrintStream(log, true), false)) {
            History h = t.fit(synthetic(1010, 1), synthetic(200, 2), 0, new History(), null);
            assertEquals(3, h.epochs());
            assertTrue(h.get("loss").get(2) < h.get("loss").get(0), h.toString());
            assertTrue(h.get("val_acc").get(2) > 0.9, h.toString());
            Trainer.Evaluation e = t.evaluate(synthetic(300, 3), null);
            assertTrue(e.accuracy() > 0.9, "accuracy " + e.accuracy());
        }
        String out = log.toString();
        assertTrue(out.startsWith("Epoch 1/3\n1010/1010 [==============================] - "), out);
        assertTrue(out.contains(" - loss: ") && out.contains(" - acc: ") && out.contains(" - val_acc: "), out);
    }

    @Test
    void anInterruptedRunResumedFromItsCheckpointEndsWithTheSameWeights() throws Exception {
        NetworkFactory ctor = compile(MODEL);
        List<float[]> straight = train(ctor, 2, 3);
        Path checkpoint = dir.resolve("checkpoint.cnnw");
        // First run: stopped after epoch 2.
        Network first = ctor.create(40, 5L);
        try (TrainingSession s = TrainingSession.builder(first, first.trainingConfig().withEpochs(2)).threads(2).seed(5)
                .out(quiet()).checkpoint(checkpoint).build()) {
            s.train(synthetic(1000, 1), null);
        }
        // A new process: fresh model, resumed from the checkpoint, finishing epoch 3.
        Network second = ctor.create(40, 5L);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TrainingSession s = TrainingSession.builder(second, second.trainingConfig()).threads(1).seed(5)
                .out(new PrintStream(log, true)).checkpoint(checkpoint).resume(true).build()) {
            TrainingSession.Result r = s.train(synthetic(1000, 1), null);
            assertEquals(1, r.epochsRun());
            assertEquals(3, r.history().epochs());
        }
        assertTrue(log.toString().contains("Resuming from " + checkpoint + " after epoch 2/3\n"), log.toString());
        List<float[]> resumed = weights(second);
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i), resumed.get(i), "parameter " + i);
        }
        assertEquals(3, WeightsFile.read(checkpoint).training().epochsDone());
    }

    /** Tiny with BatchNormalization after the convolution and after the hidden Dense layer. */
    static final String BN_MODEL = MODEL.replace("model Tiny", "model TinyBn")
            .replace("Conv2D(6, (3, 3), activation='relu')", "Conv2D(6, (3, 3))\nBatchNormalization()")
            .replace("Dense(16, activation='relu')", "Dense(16, activation='relu')\nBatchNormalization(momentum=0.9)");

    @org.junit.jupiter.params.ParameterizedTest(name = "vector={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void batchNormalizationTrainsBitIdenticallyOnOneTwoAndThreeThreadsAndLearns(boolean vector) throws Exception {
        NetworkFactory ctor = compile(BN_MODEL, vector);
        List<float[]> one = train(ctor, 1, 2);
        List<float[]> two = train(ctor, 2, 2);
        List<float[]> three = train(ctor, 3, 2);
        Network net = ctor.create(40, 5L);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), net.parameters().get(i) + ", 1 vs 2 threads");
            assertArrayEquals(one.get(i), three.get(i), net.parameters().get(i) + ", 1 vs 3 threads");
        }
        // the moving statistics moved and the step counter counted the 2 x 25 steps
        List<String> names = net.parameters().stream().map(p -> p.name()).toList();
        assertTrue(names.contains("batch_normalization_1/moving_mean"), names.toString());
        float[] steps = one.get(names.indexOf("batch_normalization_1/local_step"));
        assertEquals(50f, steps[0]);
        float[] movingVariance = one.get(names.indexOf("batch_normalization_2/moving_variance"));
        assertFalse(java.util.Arrays.equals(movingVariance, new float[movingVariance.length]));
        try (Trainer t = new Trainer(net, net.trainingConfig().withEpochs(3), 2, 5, quiet(), false)) {
            History h = t.fit(synthetic(1000, 1), null, 0, new History(), null);
            assertTrue(h.get("loss").get(2) < h.get("loss").get(0), h.toString());
            Trainer.Evaluation e = t.evaluate(synthetic(300, 3), null); // inference: the moving statistics
            assertTrue(e.accuracy() > 0.9, "accuracy " + e.accuracy());
        }
    }

    /**
     * The trainer runs a batch of 40 as chunks of 16, 16 and 8 on replicas; the batch statistics are
     * still those of all 40 examples: after one step, the moving mean and variance (which, zero-debiased,
     * equal the first batch's statistics) match those computed here over the whole batch, with Keras
     * 2.2.4's correction of the variance, m / (m - (1 + epsilon)), and for images (TensorFlow's fused
     * kernel) Bessel's m / (m - 1) before it.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "image={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void batchStatisticsAreThoseOfTheWholeBatchNotOfAChunk(boolean image) throws Exception {
        int pixels = image ? 4 : 1;
        String source = "model Stats\ninput(" + (image ? "2, 2, 5" : "5") + ")\nBatchNormalization()\n"
                + (image ? "Flatten()\n" : "") + "Dense(2, activation='softmax')\n"
                + "compile(optimizer='sgd', loss='categorical_crossentropy')\nfit(epochs=1, batch_size=40, shuffle=False)\n";
        Network net = compile(source).create(40, 5L);
        Random r = new Random(3);
        float[] flat = new float[40 * pixels * 5];
        int[] labels = new int[40];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) (r.nextGaussian() * (i % 5 + 1) + i % 5);
        }
        for (int i = 0; i < 40; i++) {
            labels[i] = r.nextInt(2);
        }
        dev.cnnc.runtime.data.Dataset data = dev.cnnc.runtime.data.ArrayDataset.ofClasses("stats",
                image ? new int[] {2, 2, 5} : new int[] {5}, flat, 2, labels);
        try (Trainer t = new Trainer(net, net.trainingConfig(), 2, 5, quiet(), false)) {
            t.fit(data, null, 0, new History(), null);
        }
        assertEquals("batch_normalization_1/moving_mean", net.parameters().get(2).name());
        float[] mean = net.parameters().get(2).values();
        float[] variance = net.parameters().get(3).values();
        int m = 40 * pixels;
        for (int c = 0; c < 5; c++) {
            double sum = 0;
            for (int k = c; k < flat.length; k += 5) {
                sum += flat[k];
            }
            double mu = sum / m;
            double squares = 0;
            for (int k = c; k < flat.length; k += 5) {
                squares += (flat[k] - mu) * (flat[k] - mu);
            }
            double keras = squares / m * (image ? m / (m - 1.0) : 1) * m / (m - (1 + 1e-3));
            assertEquals(mu, mean[c], 1e-5 * (1 + Math.abs(mu)), "moving mean " + c);
            assertEquals(keras, variance[c], 1e-5 * keras, "moving variance " + c);
        }
    }

    @Test
    void batchNormalizationResumedFromACheckpointEndsWithTheSameWeightsAndState() throws Exception {
        NetworkFactory ctor = compile(BN_MODEL);
        List<float[]> straight = train(ctor, 2, 3);
        Path checkpoint = dir.resolve("bn.cnnw");
        Network first = ctor.create(40, 5L);
        try (TrainingSession s = TrainingSession.builder(first, first.trainingConfig().withEpochs(2)).threads(2).seed(5)
                .out(quiet()).checkpoint(checkpoint).build()) {
            s.train(synthetic(1000, 1), null);
        }
        Network second = ctor.create(40, 5L);
        try (TrainingSession s = TrainingSession.builder(second, second.trainingConfig()).threads(1).seed(5)
                .out(quiet()).checkpoint(checkpoint).resume(true).build()) {
            assertEquals(1, s.train(synthetic(1000, 1), null).epochsRun());
        }
        List<float[]> resumed = weights(second);
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i), resumed.get(i), second.parameters().get(i).toString());
        }
    }

    /**
     * The example models with BatchNormalization, Dropout, SeparableConv2D and global pooling train
     * bit-identically on 1 and 2 threads (two steps of 128 synthetic digits, both variants).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0} vector={1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "examples/keras-mnist/src/main/cnn/dev/cnnc/examples/kerasmnist/KerasMnistCnn.cnn, false",
        "examples/keras-mnist/src/main/cnn/dev/cnnc/examples/kerasmnist/KerasMnistCnn.cnn, true",
        "examples/modern/ModernCnn.cnn, false",
        "examples/modern/ModernCnn.cnn, true"})
    void theExampleModelsTrainBitIdenticallyOnOneAndTwoThreads(String example, boolean vector) throws Exception {
        String text = java.nio.file.Files.readString(MainTest.example(example));
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile(example.substring(example.lastIndexOf('/') + 1), text));
        assertTrue(c.ok(), c.diagnostics().render());
        NetworkFactory factory = CnnCompiler.load(c.model(), new CnnCompiler.Options("t", false, vector));
        List<List<float[]>> runs = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            Network net = factory.create(1, 3L);
            TrainingConfig config = net.trainingConfig().toBuilder().epochs(1).batchSize(64).build();
            try (Trainer t = new Trainer(net, config, threads, 3, quiet(), false)) {
                t.fit(digits(128, 5), null, 0, new History(), null);
            }
            runs.add(weights(net));
        }
        for (int i = 0; i < runs.get(0).size(); i++) {
            assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), example + " parameter " + i);
        }
    }

    /** Dropout draws its masks from (seed, epoch, example): a resumed run draws the same as an uninterrupted one. */
    @Test
    void dropoutAndBatchNormalizationResumedFromACheckpointEndWithTheSameWeights() throws Exception {
        NetworkFactory ctor = compile(BN_MODEL.replace("Flatten()", "Flatten()\nDropout(0.3)"));
        List<float[]> straight = train(ctor, 2, 3);
        Path checkpoint = dir.resolve("dropout.cnnw");
        Network first = ctor.create(40, 5L);
        try (TrainingSession s = TrainingSession.builder(first, first.trainingConfig().withEpochs(2)).threads(1).seed(5)
                .out(quiet()).checkpoint(checkpoint).build()) {
            s.train(synthetic(1000, 1), null);
        }
        Network second = ctor.create(40, 5L);
        try (TrainingSession s = TrainingSession.builder(second, second.trainingConfig()).threads(2).seed(5)
                .out(quiet()).checkpoint(checkpoint).resume(true).build()) {
            assertEquals(1, s.train(synthetic(1000, 1), null).epochsRun());
        }
        List<float[]> resumed = weights(second);
        for (int i = 0; i < straight.size(); i++) {
            assertArrayEquals(straight.get(i), resumed.get(i), second.parameters().get(i).toString());
        }
    }

    @Test
    void aNanLossStopsTrainingAtOnceNamingEpochAndStep() throws Exception {
        Network net = compile(MODEL.replace("optimizer='rmsprop'", "optimizer=SGD(lr=1e30)")).create(40, 5L);
        try (Trainer t = new Trainer(net, net.trainingConfig(), 2, 5, quiet(), false)) {
            TrainingException e = assertThrows(TrainingException.class,
                    () -> t.fit(synthetic(1000, 1), null, 0, new History(), null));
            assertTrue(e.getMessage().matches("the loss became (NaN|infinite) at epoch 1/3, step \\d+/25: training stopped.*"
                    + "try a lower one \\(--learning-rate\\)\\."), e.getMessage());
        }
    }

    /**
     * The weights after training, fingerprinted: the values were recorded with the trainer as it was before
     * the training protocol (Batch, phases, state) was added, so any change to the numerics of existing
     * layers or of the step shows up here. Tiny is trained 2 epochs; MnistCnn.cnn 1 epoch of 4 batches.
     */
    @Test
    void trainingIsBitIdenticalToTheTrainerBeforeTheProtocolChange() throws Exception {
        NetworkFactory tiny = compile(MODEL);
        Network net = tiny.create(40, 5L);
        try (Trainer t = new Trainer(net, net.trainingConfig().withEpochs(2), 2, 5, quiet(), false)) {
            t.fit(synthetic(1000, 1), null, 0, new History(), null);
        }
        assertEquals(TINY_FINGERPRINT, fingerprint(net));

        String mnist = java.nio.file.Files.readString(MainTest.example("examples/mnist/MnistCnn.cnn"));
        CnnCompiler.Checked c = CnnCompiler.check(new SourceFile("MnistCnn.cnn", mnist));
        assertTrue(c.ok(), c.diagnostics().render());
        Network cnn = CnnCompiler.load(c.model(), new CnnCompiler.Options("t", false, false)).create(1, 1L);
        try (Trainer t = new Trainer(cnn, cnn.trainingConfig().withEpochs(1), 2, 1, quiet(), false)) {
            t.fit(digits(256, 3), null, 0, new History(), null);
        }
        assertEquals(MNIST_FINGERPRINT, fingerprint(cnn));
    }

    static final String TINY_FINGERPRINT = "e0ebba13de6d3815f8682440c699279ec02fe23a37d10347350554fe01090fd4";
    static final String MNIST_FINGERPRINT = "2918f4341f96f8aa38ac79d43fd5cf0e49a9c5d2070ee29cbf6fa47ac590efc6";

    /** SHA-256 of every parameter's float bits, in order. */
    static String fingerprint(Network net) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        for (Parameter p : net.parameters()) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(p.size() * 4);
            b.asFloatBuffer().put(p.values());
            md.update(b.array());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** 28x28 images of 10 classes: a bright block at the class's place over noise. */
    static Dataset digits(int count, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * 784];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int k = i % 10;
            labels[i] = (byte) k;
            for (int p = 0; p < 784; p++) {
                int y = p / 28;
                int x = p % 28;
                boolean on = y >= 4 + (k / 5) * 12 && y < 8 + (k / 5) * 12 && x >= 2 + (k % 5) * 5 && x < 6 + (k % 5) * 5;
                pixels[i * 784 + p] = (byte) (random.nextInt(50) + (on ? 200 : 0));
            }
        }
        return ImageDataset.fromBytes("digits", 28, 28, 10, pixels, labels);
    }
}
