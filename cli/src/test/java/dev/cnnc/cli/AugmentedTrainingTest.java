package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.compiler.load.NetworkFactory;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Augmentation;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Training with the file's augment(...): deterministic across threads, training batches only. */
class AugmentedTrainingTest {
    static final String AUGMENTED = TrainingTest.MODEL.replace("model Tiny", "model TinyAugmented")
            + "augment(rotation_range=10, width_shift_range=0.1, height_shift_range=1, zoom_range=0.1, "
            + "fill_mode='constant')\n";

    private static List<float[]> train(NetworkFactory ctor, TrainingConfig config, int threads) throws Exception {
        Network net = ctor.create(40, 5L);
        try (Trainer t = new Trainer(net, config, threads, 5, new PrintStream(new ByteArrayOutputStream()), false)) {
            t.fit(TrainingTest.synthetic(1000, 1), null, 0, new History(), null);
        }
        List<float[]> w = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            w.add(p.values().clone());
        }
        return w;
    }

    @Test
    void theGeneratedModelCarriesTheAugmentation() {
        Network net = TrainingTest.compile(AUGMENTED).create(1, 1L);
        Augmentation a = net.trainingConfig().augmentation();
        assertNotNull(a);
        assertEquals(Augmentation.builder().rotationRange(10).widthShiftRange(0.1)
                .heightShiftRange(Augmentation.Shift.pixels(1)).zoomRange(0.9, 1.1)
                .fillMode(Augmentation.FillMode.CONSTANT).build(), a);
        assertNull(TrainingTest.compile(TrainingTest.MODEL).create(1, 1L).trainingConfig().augmentation());
    }

    @Test
    void augmentedTrainingIsBitIdenticalOnOneAndTwoThreadsAndDiffersFromPlainTraining() throws Exception {
        NetworkFactory ctor = TrainingTest.compile(AUGMENTED);
        TrainingConfig config = ctor.create(1, 1L).trainingConfig().withEpochs(2);
        List<float[]> one = train(ctor, config, 1);
        List<float[]> two = train(ctor, config, 2);
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i), "parameter " + i + ", 1 vs 2 threads");
        }
        List<float[]> plain = train(ctor, config.toBuilder().augmentation(null).build(), 1);
        assertFalse(java.util.Arrays.equals(one.get(0), plain.get(0)), "augmentation changed nothing");
    }

    @Test
    void evaluationDoesNotAugmentAndAugmentedTrainingStillLearns() throws Exception {
        NetworkFactory ctor = TrainingTest.compile(AUGMENTED);
        Network net = ctor.create(40, 5L);
        TrainingConfig config = net.trainingConfig();
        try (Trainer augmented = new Trainer(net, config, 2, 5, new PrintStream(new ByteArrayOutputStream()), false);
                Trainer plain = new Trainer(net, config.toBuilder().augmentation(null).build(), 2, 5,
                        new PrintStream(new ByteArrayOutputStream()), false)) {
            History h = augmented.fit(TrainingTest.synthetic(1000, 1), null, 0, new History(), null);
            assertTrue(h.get("loss").get(2) < h.get("loss").get(0), h.toString());
            Trainer.Evaluation withConfig = augmented.evaluate(TrainingTest.synthetic(300, 3), null);
            Trainer.Evaluation without = plain.evaluate(TrainingTest.synthetic(300, 3), null);
            assertEquals(without.loss(), withConfig.loss(), 0, "evaluation must not augment");
            assertEquals(without.accuracy(), withConfig.accuracy(), 0);
            assertTrue(withConfig.accuracy() > 0.85, "accuracy " + withConfig.accuracy());
        }
    }
}
