package dev.cnnc.examples.kerasmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.ActivationKind;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.SyntheticDigits;
import dev.cnnc.runtime.optim.Optimizer;
import dev.cnnc.runtime.optim.OptimizerKind;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * KerasMnistCnn, generated from Keras 2.2.4's mnist_cnn.py model
 * (src/main/cnn/dev/cnnc/examples/kerasmnist/KerasMnistCnn.cnn), trains briefly on synthetic digits.
 */
class KerasMnistCnnTest {

    @Test
    void theModelIsKerasMnistCnn() {
        KerasMnistCnn model = new KerasMnistCnn(1, 1L);
        // Keras 2.2.4 prints "Total params: 1,199,882" for mnist_cnn.py
        assertEquals(1_199_882, model.parameterCount());
        String summary = model.summary();
        assertTrue(summary.contains("dropout_1 (Dropout)          (None, 12, 12, 64)        0         "), summary);
        assertTrue(summary.contains("dense_1 (Dense)              (None, 128)               1179776   "), summary);
        assertTrue(summary.contains("dropout_2 (Dropout)          (None, 128)               0         "), summary);
        assertEquals(ActivationKind.SOFTMAX, model.outputActivation());
        TrainingConfig config = model.trainingConfig();
        assertEquals(OptimizerKind.ADADELTA, config.optimizer());
        assertEquals("Adadelta(lr=1.0, rho=0.95, epsilon=1e-07)",
                Optimizer.create(config, model.trainableParameters()).describe());
        assertEquals(128, config.batchSize());
        assertEquals(12, config.epochs());
    }

    @Test
    void dropoutIsTheIdentityInInference() {
        KerasMnistCnn model = new KerasMnistCnn(2, 1L);
        float[] images = new float[2 * 784];
        SyntheticDigits.make(2, 5).copyInputs(new int[] {0, 1}, 0, 2, images);
        float[] first = model.forward(images, 2).clone();
        assertArrayEquals(first, model.forward(images, 2));
    }

    @Test
    void aFewStepsOnSyntheticDigitsLowerTheLoss() throws Exception {
        // 2 epochs of 8 steps of 32 (mnist_cnn.py takes 12 epochs of 128 on the real data)
        TrainingConfig config = new KerasMnistCnn(1, 1L).trainingConfig().withEpochs(2).withBatchSize(32);
        Dataset train = SyntheticDigits.make(256, 3);
        Dataset test = SyntheticDigits.make(100, 4);
        KerasMnistCnn model = new KerasMnistCnn(config.batchSize(), 1L);
        try (Trainer trainer = new Trainer(model, config, 2, 1L, System.out, false)) {
            double before = trainer.evaluate(test, null).loss();
            History history = trainer.fit(train, null, 0, new History(), null);
            Trainer.Evaluation after = trainer.evaluate(test, null);
            List<Double> loss = history.get("loss");
            System.out.printf("test loss %.4f -> %.4f, accuracy %.3f; loss per epoch %s%n", before, after.loss(),
                    after.accuracy(), loss);
            assertTrue(after.loss() < 0.8 * before, "the loss on unseen images falls: " + before + " -> " + after.loss());
        }
    }
}
