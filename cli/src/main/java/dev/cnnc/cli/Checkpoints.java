package dev.cnnc.cli;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.io.WeightsFile;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Saving and restoring everything a resumed run needs: weights, optimizer state, epoch, history. */
final class Checkpoints {
    private Checkpoints() {}

    static void save(Path file, Network model, Trainer trainer, long seed, int batchSize, int epochsDone, History history)
            throws IOException {
        WeightsFile.save(file, model,
                new WeightsFile.OptimizerState(trainer.optimizer().describe(), trainer.optimizer().iterations(),
                        trainer.optimizer().slots()),
                new WeightsFile.TrainingState(epochsDone, seed, batchSize, history.all()));
    }

    /** Restores the checkpoint into the model and trainer; returns the epochs it had done. */
    static int restore(Path file, Network model, Trainer trainer, TrainingConfig config, long seed, History history)
            throws IOException {
        if (!Files.exists(file)) {
            throw new Main.UserException("no checkpoint at " + file + " to resume from; run without --resume first",
                    Main.USAGE);
        }
        WeightsFile.Contents c = WeightsFile.load(file, model);
        if (c.optimizer() == null || c.training() == null) {
            throw new Main.UserException(file + " holds weights only, not a checkpoint to resume from", Main.USAGE);
        }
        WeightsFile.TrainingState t = c.training();
        if (t.seed() != seed || t.batchSize() != config.batchSize()) {
            throw new Main.UserException(String.format("%s was made with --seed %d and batch size %d; resume with the same "
                    + "(now --seed %d, batch size %d)", file, t.seed(), t.batchSize(), seed, config.batchSize()), Main.USAGE);
        }
        if (!c.optimizer().name().equals(trainer.optimizer().describe())) {
            throw new Main.UserException(file + " was trained with " + c.optimizer().name() + ", not "
                    + trainer.optimizer().describe(), Main.USAGE);
        }
        trainer.optimizer().restore(c.optimizer().iterations(), c.optimizer().slots());
        for (Map.Entry<String, List<Double>> e : t.history().entrySet()) {
            for (double v : e.getValue()) {
                history.add(e.getKey(), v);
            }
        }
        return t.epochsDone();
    }
}
