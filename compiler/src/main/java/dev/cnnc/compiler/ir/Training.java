package dev.cnnc.compiler.ir;

import java.util.List;

/**
 * What {@code compile(...)} and {@code fit(...)} say: how the model is trained. A file without a
 * {@code compile(...)} line has no optimizer and loss ({@code null}); it can still be generated and
 * used for inference. {@code augment} is the file's {@code augment(...)}, or null.
 * {@code validateOnTest} is a pasted script's {@code fit(validation_data=(x_test, y_test))};
 * {@code initialEpoch} its {@code initial_epoch}; {@code fromLogits} a loss object's
 * {@code from_logits=True} (the model outputs logits, the loss applies softmax or sigmoid).
 */
public record Training(Optimizer optimizer, Loss loss, List<String> metrics, int epochs, int batchSize,
        double validationSplit, boolean shuffle, Augment augment, boolean validateOnTest, int initialEpoch,
        boolean fromLogits) {

    /** Keras' {@code fit} defaults: 1 epoch, batch size 32, no validation split, shuffling. */
    public static final int DEFAULT_EPOCHS = 1;
    public static final int DEFAULT_BATCH_SIZE = 32;

    public boolean isCompiled() {
        return optimizer != null && loss != null;
    }
}
