package com.example.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.ImageDataset;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TinyTrainingTest {

    /** 8x8 images of three classes: a horizontal bar, a vertical bar, a diagonal, over noise. */
    static Dataset synthetic(int count, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * 64];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int c = i % 3;
            labels[i] = (byte) c;
            int offset = random.nextInt(3) - 1;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean on = switch (c) {
                        case 0 -> y == 3 + offset || y == 4 + offset;
                        case 1 -> x == 3 + offset || x == 4 + offset;
                        default -> Math.abs(y - x - offset) <= 1;
                    };
                    pixels[i * 64 + y * 8 + x] = (byte) (random.nextInt(60) + (on ? 180 : 0));
                }
            }
        }
        return ImageDataset.fromBytes("synthetic", 8, 8, 3, pixels, labels);
    }

    @Test
    void theGeneratedModelTrains() throws Exception {
        Tiny probe = new Tiny(1, 1L);
        TrainingConfig config = probe.trainingConfig();
        assertEquals("adam", config.optimizer().keras());
        assertEquals(6, config.epochs());
        assertEquals(16, config.batchSize());

        Tiny model = new Tiny(config.batchSize(), 1L);
        try (Trainer trainer = new Trainer(model, config, 2, 1L, System.out, false)) {
            History history = trainer.fit(synthetic(240, 7), null, 0, new History(), null);
            List<Double> loss = history.get("loss");
            System.out.println("loss per epoch: " + loss);
            assertEquals(6, loss.size());
            assertTrue(loss.get(loss.size() - 1) < loss.get(0), "the loss falls: " + loss);
            assertTrue(loss.get(loss.size() - 1) < 0.5 * loss.get(0), "and by half at least: " + loss);
            assertTrue(trainer.evaluate(synthetic(90, 8), null).accuracy() > 0.8, "better than chance on new images");
        }
    }
}
