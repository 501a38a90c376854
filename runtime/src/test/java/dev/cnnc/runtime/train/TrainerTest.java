package dev.cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnnc.runtime.Batch;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.Rng;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.ArrayDataset;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.optim.Loss;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.optim.Optimizer;
import dev.cnnc.runtime.optim.OptimizerKind;
import dev.cnnc.runtime.train.TestNets.BatchMean;
import dev.cnnc.runtime.train.TestNets.DenseSoftmax;
import dev.cnnc.runtime.train.TestNets.Noisy;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Trainer on hand-written networks: the step's arithmetic, determinism, phases, state, noise, modes. */
class TrainerTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** {@code count} examples of 6 features in 3 classes: class c has feature c raised, plus noise. */
    static ArrayDataset blobs(int count, long seed) {
        Rng r = new Rng(seed);
        float[] x = new float[count * 6];
        int[] y = new int[count];
        for (int e = 0; e < count; e++) {
            y[e] = e % 3;
            for (int f = 0; f < 6; f++) {
                x[e * 6 + f] = (float) (0.5 * r.nextGaussian() + (f == y[e] ? 1.5 : 0) + (f == y[e] + 3 ? -1 : 0));
            }
        }
        return ArrayDataset.ofClasses("blobs", new int[] {6}, x, 3, y);
    }

    static TrainingConfig sgd(double lr, int batch, int epochs, boolean shuffle) {
        return TrainingConfig.builder(OptimizerKind.SGD, LossKind.CATEGORICAL_CROSSENTROPY).learningRate(lr)
                .batchSize(batch).epochs(epochs).shuffle(shuffle).build();
    }

    static List<float[]> values(Network net) {
        List<float[]> v = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            v.add(p.values().clone());
        }
        return v;
    }

    static History fit(Network net, TrainingConfig config, int threads, Dataset data) throws Exception {
        try (Trainer t = new Trainer(net, config, threads, 7, QUIET, false)) {
            return t.fit(data, null, 0, new History(), null);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Chunks computed elsewhere

    /**
     * A {@link ChunkSource} that computes each chunk with another trainer, on another copy of the model whose weights
     * are copied in before every step (what cnnc-spark does on each executor): the weights come out bit-identical to
     * training on this machine's threads, noise (Dropout-style draws) included.
     */
    @Test
    void chunksComputedByAnotherTrainerGiveBitIdenticalWeights() throws Exception {
        ArrayDataset data = blobs(150, 3);
        TrainingConfig config = TrainingConfig.builder(OptimizerKind.ADAM, LossKind.CATEGORICAL_CROSSENTROPY)
                .learningRate(0.01).batchSize(40).epochs(3).shuffle(true).build();
        Noisy local = new Noisy(6, 3, 1, 5);
        fit(local, config, 2, data);

        Noisy driver = new Noisy(6, 3, 1, 5);
        Noisy remote = new Noisy(6, 3, 1, 5);
        try (Trainer worker = new Trainer(remote, config, 1, 7, QUIET, false);
                Trainer t = new Trainer(driver, config, 2, 7, QUIET, false)) {
            t.chunkSource((epoch, stepOrder, n) -> {
                List<Parameter> from = driver.parameters();
                List<Parameter> to = remote.parameters();
                for (int i = 0; i < from.size(); i++) {
                    System.arraycopy(from.get(i).values(), 0, to.get(i).values(), 0, from.get(i).size());
                }
                List<ChunkSource.Result> results = new ArrayList<>();
                for (int k = (n + Trainer.CHUNK - 1) / Trainer.CHUNK - 1; k >= 0; k--) { // any order
                    results.add(worker.computeChunk(data, stepOrder, n, epoch, k));
                }
                return results;
            });
            History h = t.fit(data, null, 0, new History(), null);
            assertEquals(3, h.get("loss").size());
        }
        List<float[]> a = values(local);
        List<float[]> b = values(driver);
        for (int i = 0; i < a.size(); i++) {
            assertTrue(java.util.Arrays.equals(a.get(i), b.get(i)), "tensor " + i + " differs");
        }
        assertTrue(local.trainingPasses.get() > 0);
    }

    @Test
    void aModelWithWholeBatchStatisticsCannotTakeAChunkSource() throws Exception {
        BatchMean net = new BatchMean(6, 4, 3, 1, 3, true);
        try (Trainer t = new Trainer(net, sgd(0.1, 40, 1, false), 1, 7, QUIET, false)) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> t.chunkSource((epoch, order, n) -> List.of()));
            assertTrue(e.getMessage().contains("whole-batch statistics"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The step

    @Test
    void oneSgdStepMatchesTheHandComputation() throws Exception {
        // W = 0, b = 0: both examples get p = (1/2, 1/2), loss ln 2 each. The fused gradient of the mean loss with
        // respect to the logits is (p - y) / 2: (-1/4, 1/4) for x = (1, 0), y = 0 and (1/4, -1/4) for x = (0, 1), y = 1.
        // So dW = [[-1/4, 1/4], [1/4, -1/4]], db = 0, and one step of lr 0.1 gives W = -0.1 dW.
        DenseSoftmax net = new DenseSoftmax(2, 2, 1, 1, 0.0);
        ArrayDataset data = ArrayDataset.ofClasses("two", new int[] {2}, new float[] {1, 0, 0, 1}, 2, new int[] {0, 1});
        History h = fit(net, sgd(0.1, 2, 1, false), 1, data);
        assertEquals(Math.log(2), h.get("loss").get(0), 1e-7);
        assertEquals(0.5, h.get("acc").get(0)); // argmax of a tie is the first class: one right, one wrong
        assertArrayEquals(new float[] {0.025f, -0.025f, -0.025f, 0.025f}, net.w);
        assertArrayEquals(new float[] {0, 0}, net.b);
    }

    @Test
    void theLossFalls() throws Exception {
        DenseSoftmax net = new DenseSoftmax(6, 3, 1, 3, 0.1);
        History h = fit(net, sgd(0.1, 40, 5, true), 2, blobs(400, 1));
        List<Double> loss = h.get("loss");
        assertTrue(loss.get(4) < 0.5 * loss.get(0), loss.toString());
        try (Trainer t = new Trainer(net, sgd(0.1, 40, 1, true), 2, 7, QUIET, false)) {
            assertTrue(t.evaluate(blobs(300, 2), null).accuracy() > 0.9);
        }
    }

    /**
     * Evaluation: the mean cross-entropy and the accuracy of the examples one by one, the same bits on every
     * thread count, whether the threads take slices of chunks with replicas of their own (up to as many threads
     * as a batch has chunks: 3 here) or batch after batch (4 threads); 2,100 examples are 132 chunks, more
     * than two slices, the last chunk short.
     */
    @Test
    void evaluationIsTheExamplesMeanAndTheSameOnEveryThreadCount() throws Exception {
        ArrayDataset data = blobs(2100, 5);
        DenseSoftmax net = new DenseSoftmax(6, 3, 1, 3, 0.4);
        double lossSum = 0;
        int right = 0;
        float[] x = new float[6];
        float[] p = new float[3];
        float[] t = new float[3];
        int[] index = new int[1];
        for (int e = 0; e < data.count(); e++) {
            index[0] = e;
            data.copyInputs(index, 0, 1, x);
            data.copyTargets(index, 0, 1, t);
            net.replica(1).predict(x, p);
            int label = t[0] == 1 ? 0 : t[1] == 1 ? 1 : 2;
            lossSum -= Math.log(p[label]);
            int best = p[1] > p[0] ? (p[2] > p[1] ? 2 : 1) : (p[2] > p[0] ? 2 : 0);
            right += best == label ? 1 : 0;
        }
        List<Trainer.Evaluation> results = new ArrayList<>();
        for (int threads = 1; threads <= 4; threads++) {
            try (Trainer tr = new Trainer(net, sgd(0.1, 40, 1, false), threads, 7, QUIET, false)) {
                results.add(tr.evaluate(data, null));
            }
        }
        assertEquals(lossSum / data.count(), results.get(0).loss(), 1e-6);
        assertEquals((double) right / data.count(), results.get(0).accuracy());
        for (Trainer.Evaluation r : results) {
            assertEquals(results.get(0), r);
        }
    }

    @Test
    void weightsAreBitIdenticalOnOneTwoAndThreeThreads() throws Exception {
        // 250 examples in batches of 40: chunks of 16, 16 and 8, and a last short batch of 10
        List<List<float[]>> runs = new ArrayList<>();
        for (int threads = 1; threads <= 3; threads++) {
            DenseSoftmax net = new DenseSoftmax(6, 3, 1, 3, 0.1);
            fit(net, sgd(0.05, 40, 3, true), threads, blobs(250, 1));
            runs.add(values(net));
        }
        for (int i = 0; i < runs.get(0).size(); i++) {
            assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), "1 vs 2 threads, parameter " + i);
            assertArrayEquals(runs.get(0).get(i), runs.get(2).get(i), "1 vs 3 threads, parameter " + i);
        }
    }

    @Test
    void aTrainingStepAllocatesNothing() {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled());
        for (Network net : List.of(new DenseSoftmax(6, 3, 1, 3, 0.1), new BatchMean(6, 4, 3, 1, 3, true))) {
            ArrayDataset data = blobs(120, 1);
            int[] order = new int[120];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            try (Trainer t = new Trainer(net, TrainingConfig.builder(OptimizerKind.ADAM, LossKind.CATEGORICAL_CROSSENTROPY)
                    .batchSize(40).build(), 1, 7, QUIET, false)) {
                for (int warm = 0; warm < 2000; warm++) {
                    t.trainStep(data, order, (warm % 3) * 40, 40, 0);
                }
                long id = Thread.currentThread().getId();
                long before = bean.getThreadAllocatedBytes(id);
                for (int step = 0; step < 1000; step++) {
                    t.trainStep(data, order, (step % 3) * 40, 40, step);
                }
                long bytes = bean.getThreadAllocatedBytes(id) - before;
                // One object per step would be 16,000 bytes or more; allow a little for the JIT's own work.
                assertTrue(bytes < 8_000, net.name() + ": " + bytes + " bytes allocated by 1000 steps");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Phases and state

    @Test
    void theTwoPhaseNetworkInChunksMatchesWholeBatchStatisticsAndIsThreadIndependent() throws Exception {
        ArrayDataset data = blobs(120, 1);
        TrainingConfig config = sgd(0.1, 40, 2, false);
        List<List<float[]>> runs = new ArrayList<>();
        for (int threads = 1; threads <= 3; threads++) {
            BatchMean net = new BatchMean(6, 4, 3, 1, 3, true);
            fit(net, config, threads, data);
            assertEquals(6, net.stateUpdates.get(), "updateState once per step: 2 epochs of 3 steps");
            runs.add(values(net));
        }
        for (int i = 0; i < runs.get(0).size(); i++) {
            assertArrayEquals(runs.get(0).get(i), runs.get(1).get(i), "1 vs 2 threads, tensor " + i);
            assertArrayEquals(runs.get(0).get(i), runs.get(2).get(i), "1 vs 3 threads, tensor " + i);
        }

        // The same training done directly: one network holding the whole batch of 40, its statistics over all 40.
        BatchMean ref = new BatchMean(6, 4, 3, 40, 3, true);
        Optimizer sgd = Optimizer.create(config, ref.trainableParameters());
        Loss loss = Loss.of(config.loss());
        float[] x = new float[40 * 6];
        float[] y = new float[40 * 3];
        float[] g = new float[40 * 3];
        int[] order = new int[120];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Batch batch = new Batch(40);
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int from = 0; from < 120; from += 40) {
                data.copyInputs(order, from, 40, x);
                data.copyTargets(order, from, 40, y);
                System.arraycopy(order, from, batch.exampleIds(), 0, 40);
                batch.set(x, 40, Mode.TRAINING).noise(7, epoch);
                ref.zeroGradients();
                float[] p = ref.forward(batch);
                loss.compute(p, y, 0, 40, 3, 40, g, true);
                ref.backwardPhase(g, true, 40, 1);
                System.arraycopy(ref.partialSums(), 0, ref.batchSums(), 0, ref.batchSums().length);
                ref.backwardPhase(g, true, 40, 0);
                ref.updateState(batch);
                sgd.update();
            }
        }
        List<float[]> direct = values(ref);
        for (int i = 0; i < direct.size(); i++) {
            float[] a = direct.get(i);
            float[] b = runs.get(0).get(i);
            for (int j = 0; j < a.length; j++) {
                assertEquals(a[j], b[j], 1e-5, "tensor " + ref.parameters().get(i).name() + "[" + j + "]");
            }
        }
        // and updateState did move the moving mean (which the comparison above covers too)
        assertNotEquals(0f, ref.movingMean[0] - new BatchMean(6, 4, 3, 1, 3, true).movingMean[0]);
    }

    @Test
    void stateIsLeftToUpdateStateNotTheOptimizer() throws Exception {
        BatchMean net = new BatchMean(6, 4, 3, 1, 3, false); // updateState counts but changes nothing
        float[] movingBefore = net.movingMean.clone();
        float[] kernelBefore = net.w1.clone();
        try (Trainer t = new Trainer(net, TrainingConfig.builder(OptimizerKind.ADAM, LossKind.CATEGORICAL_CROSSENTROPY)
                .batchSize(40).epochs(2).build(), 2, 7, QUIET, false)) {
            assertEquals(4, t.optimizer().parameters().size(), "the optimizer has the 4 trainable tensors only");
            assertFalse(t.optimizer().parameters().stream().anyMatch(p -> !p.trainable()));
            t.fit(blobs(100, 1), null, 0, new History(), null);
        }
        assertArrayEquals(movingBefore, net.movingMean);
        assertFalse(java.util.Arrays.equals(kernelBefore, net.w1), "the trainable kernel did change");
        assertEquals(6, net.stateUpdates.get(), "2 epochs of 3 steps (40, 40, 20), on the model only");
    }

    @Test
    void evaluationUsesInferenceModeAndTheMovingMean() throws Exception {
        BatchMean net = new BatchMean(6, 4, 3, 1, 3, true);
        ArrayDataset data = blobs(60, 1);
        try (Trainer t = new Trainer(net, sgd(0.1, 40, 1, false), 2, 7, QUIET, false)) {
            double before = t.evaluate(data, null).loss();
            // inference reads the moving mean: changing it changes the loss, where training statistics would not
            for (int j = 0; j < net.movingMean.length; j++) {
                net.movingMean[j] += 1;
            }
            assertNotEquals(before, t.evaluate(data, null).loss());
        }
        Noisy noisy = new Noisy(6, 3, 1, 5);
        try (Trainer t = new Trainer(noisy, sgd(0.1, 40, 1, false), 2, 7, QUIET, false)) {
            t.evaluate(blobs(100, 1), null);
        }
        assertEquals(0, noisy.trainingPasses.get());
        assertEquals(7, noisy.inferencePasses.get(), "100 examples in chunks of 16");
        assertTrue(noisy.firstDraw.isEmpty(), "no noise in inference");
    }

    // ---------------------------------------------------------------------------------------------
    // Noise

    @Test
    void noiseDependsOnSeedEpochAndExampleNotOnChunksOrThreads() throws Exception {
        ArrayDataset data = blobs(100, 1);
        Map<Long, Long> reference = null;
        List<List<float[]>> weights = new ArrayList<>();
        int[][] runs = {{1, 40}, {3, 40}, {2, 24}, {1, 7}};
        for (int[] run : runs) {
            Noisy net = new Noisy(6, 3, 1, 5);
            fit(net, sgd(0.1, run[1], 2, true), run[0], data);
            assertEquals(200, net.firstDraw.size(), "every example of both epochs drew noise once");
            if (reference == null) {
                reference = new HashMap<>(net.firstDraw);
            } else {
                assertEquals(reference, net.firstDraw, run[0] + " threads, batch " + run[1]);
            }
            if (run[1] == 40) {
                weights.add(values(net));
            }
        }
        for (int i = 0; i < weights.get(0).size(); i++) {
            assertArrayEquals(weights.get(0).get(i), weights.get(1).get(i), "1 vs 3 threads with noise");
        }
        // The draw is a function of (seed, epoch, example id) alone ...
        Batch b = new Batch(1);
        b.exampleIds()[0] = 42;
        b.set(new float[6], 1, Mode.TRAINING).noise(7, 1);
        Rng r = new Rng(0);
        r.reset(b.noiseSeed(0, 0));
        assertEquals(r.nextLong(), reference.get(Noisy.key(1, 42)));
        // ... and differs between epochs, examples, layers and seeds
        assertNotEquals(reference.get(Noisy.key(0, 42)), reference.get(Noisy.key(1, 42)));
        assertNotEquals(reference.get(Noisy.key(1, 41)), reference.get(Noisy.key(1, 42)));
        long layer0 = b.noiseSeed(0, 0);
        assertNotEquals(layer0, b.noiseSeed(1, 0));
        assertNotEquals(layer0, b.noise(8, 1).noiseSeed(0, 0));
        assertEquals(200, new java.util.HashSet<>(reference.values()).size(), "no two examples share a stream");
    }
}
