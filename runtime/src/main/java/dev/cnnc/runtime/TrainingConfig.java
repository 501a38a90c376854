package dev.cnnc.runtime;

/**
 * How a model is trained, as its {@code .cnn} file's {@code compile(...)} and {@code fit(...)} say,
 * with Keras 2.2.4's defaults for what they leave out. Generated models return theirs from
 * {@link Network#trainingConfig()}; the command line may override any part.
 *
 * @param optimizer {@code sgd}, {@code rmsprop}, {@code adam} or {@code adagrad}; null if the file has no {@code compile}
 * @param epsilon added outside the square root (Keras 2.2.4)
 * @param decay learning-rate decay: {@code lr / (1 + decay * iterations)}
 * @param loss {@code categorical_crossentropy}, {@code sparse_categorical_crossentropy},
 *     {@code binary_crossentropy} or {@code mean_squared_error}; null if the file has no {@code compile}
 */
public record TrainingConfig(String optimizer, double learningRate, double rho, double momentum, boolean nesterov,
        double beta1, double beta2, double epsilon, boolean amsgrad, double decay, String loss, int epochs, int batchSize,
        double validationSplit, boolean shuffle) {

    /** Keras' defaults for {@code optimizer}: RMSprop(lr=0.001, rho=0.9, epsilon=1e-7) and so on. */
    public static TrainingConfig defaults(String optimizer, String loss) {
        double lr = switch (optimizer) {
            case "sgd", "adagrad" -> 0.01;
            default -> 0.001;
        };
        return new TrainingConfig(optimizer, lr, 0.9, 0.0, false, 0.9, 0.999, 1e-7, false, 0.0, loss, 1, 32, 0.0, true);
    }

    public boolean isCompiled() {
        return optimizer != null && loss != null;
    }

    public TrainingConfig withEpochs(int epochs) {
        return new TrainingConfig(optimizer, learningRate, rho, momentum, nesterov, beta1, beta2, epsilon, amsgrad, decay, loss,
                epochs, batchSize, validationSplit, shuffle);
    }

    public TrainingConfig withBatchSize(int batchSize) {
        return new TrainingConfig(optimizer, learningRate, rho, momentum, nesterov, beta1, beta2, epsilon, amsgrad, decay, loss,
                epochs, batchSize, validationSplit, shuffle);
    }

    public TrainingConfig withLearningRate(double learningRate) {
        return new TrainingConfig(optimizer, learningRate, rho, momentum, nesterov, beta1, beta2, epsilon, amsgrad, decay, loss,
                epochs, batchSize, validationSplit, shuffle);
    }

    public TrainingConfig withValidationSplit(double validationSplit) {
        return new TrainingConfig(optimizer, learningRate, rho, momentum, nesterov, beta1, beta2, epsilon, amsgrad, decay, loss,
                epochs, batchSize, validationSplit, shuffle);
    }
}
