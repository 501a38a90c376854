package dev.cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.ArrayDataset;
import dev.cnnc.runtime.data.DataMismatchException;
import dev.cnnc.runtime.io.WeightsFile;
import dev.cnnc.runtime.train.TestNets.BatchMean;
import dev.cnnc.runtime.train.TestNets.DenseSoftmax;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole run: what it prints, checkpoints and resume (with state), and the errors users can cause. */
class TrainingSessionTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private PrintStream out() {
        return new PrintStream(log, true, StandardCharsets.UTF_8);
    }

    private String printed() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private static TrainingConfig config(int epochs) {
        return TrainerTest.sgd(0.1, 40, epochs, true).toBuilder().validationSplit(0.2).build();
    }

    @Test
    void printsTheKerasStyleRunAndEvaluation() throws Exception {
        DenseSoftmax net = new DenseSoftmax(6, 3, 1, 3, 0.1);
        Path save = dir.resolve("w.cnnw");
        TrainingSession.Result r;
        try (TrainingSession s = TrainingSession.builder(net, config(2)).threads(2).seed(7).out(out()).save(save)
                .build()) {
            r = s.train(TrainerTest.blobs(200, 1), TrainerTest.blobs(90, 2));
        }
        String text = printed();
        assertTrue(text.startsWith("DenseSoftmax: 21 parameters\nTrain on 160 samples, validate on 40 samples, 2 threads, "
                + "SGD(lr=0.1, momentum=0.0, nesterov=False)\nEpoch 1/2\n"), text);
        assertTrue(text.contains(" - val_acc: "), text);
        assertTrue(text.contains("Saved weights to " + save + "\n"), text);
        assertTrue(text.matches("(?s).*\ntest_loss: \\d\\.\\d{4}\ntest_acc: \\d\\.\\d{4}\nTraining took \\d+\\.\\d s "
                + "\\(\\d+ images/s\\)\n"), text);
        assertEquals(2, r.epochsRun());
        assertEquals(2, r.history().epochs());
        assertTrue(r.test().accuracy() > 0.8, "accuracy " + r.test().accuracy());
        assertTrue(text.contains(String.format(java.util.Locale.ROOT, "test_acc: %.4f", r.test().accuracy())));
        WeightsFile.Contents saved = WeightsFile.read(save);
        assertEquals(2, saved.training().epochsDone());
        assertEquals(7, saved.training().seed());
    }

    @Test
    void aResumedRunEndsWithTheSameWeightsAndStateAsAStraightOne() throws Exception {
        ArrayDataset data = TrainerTest.blobs(200, 1);
        BatchMean straight = new BatchMean(6, 4, 3, 1, 3, true);
        try (TrainingSession s = TrainingSession.builder(straight, config(3)).threads(2).seed(7).build()) {
            s.train(data, null);
        }
        Path checkpoint = dir.resolve("checkpoint.cnnw");
        BatchMean first = new BatchMean(6, 4, 3, 1, 3, true);
        try (TrainingSession s = TrainingSession.builder(first, config(2)).threads(3).seed(7).checkpoint(checkpoint)
                .build()) {
            s.train(data, null);
        }
        BatchMean second = new BatchMean(6, 4, 3, 1, 3, true);
        try (TrainingSession s = TrainingSession.builder(second, config(3)).threads(1).seed(7).out(out())
                .checkpoint(checkpoint).resume(true).build()) {
            TrainingSession.Result r = s.train(data, null);
            assertEquals(1, r.epochsRun());
            assertEquals(3, r.history().get("val_loss").size());
        }
        assertTrue(printed().contains("Resuming from " + checkpoint + " after epoch 2/3\n"), printed());
        List<float[]> a = TrainerTest.values(straight);
        List<float[]> b = TrainerTest.values(second);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), straight.parameters().get(i).name());
        }
        assertEquals(List.of(true, true, false, true, true), WeightsFile.read(checkpoint).trainable());
    }

    @Test
    void userErrorsAreExceptionsWithMessagesForUsers() throws Exception {
        ArrayDataset data = TrainerTest.blobs(100, 1);
        Path checkpoint = dir.resolve("checkpoint.cnnw");
        Network net = new DenseSoftmax(6, 3, 1, 3, 0.1);
        try (TrainingSession s = TrainingSession.builder(net, config(1)).seed(7).checkpoint(checkpoint).resume(true)
                .build()) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> s.train(data, null));
            assertEquals("no checkpoint at " + checkpoint + " to resume from; run without --resume first", e.getMessage());
        }
        try (TrainingSession s = TrainingSession.builder(net, config(1)).seed(7).checkpoint(checkpoint).build()) {
            s.train(data, null);
        }
        try (TrainingSession s = TrainingSession.builder(net, config(2)).seed(8).checkpoint(checkpoint).resume(true)
                .build()) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> s.train(data, null));
            assertEquals(checkpoint + " was made with --seed 7 and batch size 40; resume with the same (now --seed 8, "
                    + "batch size 40)", e.getMessage());
        }
        WeightsFile.save(checkpoint, net, null, null);
        try (TrainingSession s = TrainingSession.builder(net, config(2)).seed(7).checkpoint(checkpoint).resume(true)
                .build()) {
            assertEquals(checkpoint + " holds weights only, not a checkpoint to resume from",
                    assertThrows(CheckpointException.class, () -> s.train(data, null)).getMessage());
        }
        Network five = new DenseSoftmax(6, 5, 1, 3, 0.1);
        try (TrainingSession s = TrainingSession.builder(five, config(1)).build()) {
            DataMismatchException e = assertThrows(DataMismatchException.class, () -> s.train(data, null));
            assertEquals("the data has 3 classes but the model's output has 5 values: end the model with "
                    + "Dense(3, activation='softmax')", e.getMessage());
        }
        Network wide = new DenseSoftmax(8, 3, 1, 3, 0.1);
        try (TrainingSession s = TrainingSession.builder(wide, config(1)).build()) {
            assertEquals("the data's examples are 6 but the model's input is (8)",
                    assertThrows(DataMismatchException.class, () -> s.evaluate(data)).getMessage());
        }
    }
}
