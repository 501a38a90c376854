package dev.cnnc.examples.lenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.SyntheticDigits;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LeNet5, generated from src/main/cnn/dev/cnnc/examples/lenet/LeNet5.cnn, trains briefly on synthetic digits. */
class LeNet5Test {

    @Test
    void theModelIsTheOneInLeNet5Cnn() {
        LeNet5 model = new LeNet5(1, 1L);
        assertEquals(61_856, model.parameterCount());
        assertTrue(model.summary().contains("conv2d_2 (Conv2D)            (None, 14, 14, 6)         150"), model.summary());
        TrainingConfig config = model.trainingConfig();
        assertEquals("sgd", config.optimizer().keras());
        assertTrue(config.nesterov());
        assertEquals(32, config.batchSize());
    }

    @Test
    void aFewEpochsOnSyntheticDigitsLowerTheLoss() throws Exception {
        TrainingConfig config = new LeNet5(1, 1L).trainingConfig().withEpochs(3);
        Dataset train = SyntheticDigits.make(320, 3);
        Dataset test = SyntheticDigits.make(100, 4);
        LeNet5 model = new LeNet5(config.batchSize(), 1L);
        try (Trainer trainer = new Trainer(model, config, 2, 1L, System.out, false)) {
            double before = trainer.evaluate(test, null).loss();
            History history = trainer.fit(train, null, 0, new History(), null);
            Trainer.Evaluation after = trainer.evaluate(test, null);
            List<Double> loss = history.get("loss");
            System.out.printf("test loss %.4f -> %.4f, accuracy %.3f; loss per epoch %s%n", before, after.loss(),
                    after.accuracy(), loss);
            assertTrue(loss.get(loss.size() - 1) < loss.get(0), "the training loss falls: " + loss);
            assertTrue(after.loss() < 0.8 * before, "the loss on unseen images falls: " + before + " -> " + after.loss());
            assertTrue(model.regularizationLoss() > 0, "the L2 regularizers count");
        }
    }
}
