package dev.cnnc.examples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.SyntheticDigits;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The class generated from examples/mnist/MnistCnn.cnn trains: a few steps on synthetic digits. */
class MnistCnnTest {

    @Test
    void theModelIsTheOneInMnistCnnCnn() {
        MnistCnn model = new MnistCnn(1, 1L);
        assertEquals(93_322, model.parameterCount());
        TrainingConfig config = model.trainingConfig();
        assertEquals("rmsprop", config.optimizer().keras());
        assertEquals("categorical_crossentropy", config.loss().keras());
        assertEquals(5, config.epochs());
        assertEquals(64, config.batchSize());
    }

    @Test
    void aFewStepsOnSyntheticDigitsLowerTheLoss() throws Exception {
        TrainingConfig config = new MnistCnn(1, 1L).trainingConfig().withEpochs(3);
        Dataset train = SyntheticDigits.make(320, 1);
        Dataset test = SyntheticDigits.make(100, 2);
        MnistCnn model = new MnistCnn(config.batchSize(), 1L);
        try (Trainer trainer = new Trainer(model, config, 2, 1L, System.out, false)) {
            double before = trainer.evaluate(test, null).loss();
            History history = trainer.fit(train, null, 0, new History(), null); // 3 epochs of 5 steps
            Trainer.Evaluation after = trainer.evaluate(test, null);
            List<Double> loss = history.get("loss");
            System.out.printf("test loss %.4f -> %.4f, accuracy %.3f; loss per epoch %s%n", before, after.loss(),
                    after.accuracy(), loss);
            assertTrue(loss.get(loss.size() - 1) < loss.get(0), "the training loss falls: " + loss);
            assertTrue(after.loss() < 0.8 * before, "the loss on unseen images falls: " + before + " -> " + after.loss());
        }
    }
}
