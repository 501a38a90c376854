package dev.cnnc.compiler.ir;

import java.util.Locale;

/**
 * An optimizer and its hyper-parameters, with Keras 2.2.4's defaults ({@code keras/optimizers.py}).
 * Fields that a kind does not use keep their defaults and are ignored.
 *
 * @param epsilon Keras' {@code epsilon=None} means {@code K.epsilon()} = 1e-7
 * @param decay learning-rate decay per update: {@code lr / (1 + decay * iterations)}
 */
public record Optimizer(Kind kind, double learningRate, double rho, double momentum, boolean nesterov, double beta1,
        double beta2, double epsilon, boolean amsgrad, double decay) {

    public enum Kind {
        SGD(0.01),
        RMSPROP(0.001),
        ADAM(0.001),
        ADAGRAD(0.01);

        private final double defaultLearningRate;

        Kind(double defaultLearningRate) {
            this.defaultLearningRate = defaultLearningRate;
        }

        public String keras() {
            return name().toLowerCase(Locale.ROOT);
        }

        public double defaultLearningRate() {
            return defaultLearningRate;
        }
    }

    public static final double KERAS_EPSILON = 1e-7;

    /** The optimizer Keras builds for {@code optimizer='name'}. */
    public static Optimizer defaults(Kind kind) {
        return new Optimizer(kind, kind.defaultLearningRate(), 0.9, 0.0, false, 0.9, 0.999, KERAS_EPSILON, false, 0.0);
    }

    public String describe() {
        return switch (kind) {
            case SGD -> "SGD(lr=" + learningRate + ", momentum=" + momentum + ", nesterov=" + (nesterov ? "True" : "False") + ")";
            case RMSPROP -> "RMSprop(lr=" + learningRate + ", rho=" + rho + ", epsilon=" + epsilon + ")";
            case ADAM -> "Adam(lr=" + learningRate + ", beta_1=" + beta1 + ", beta_2=" + beta2 + ", epsilon=" + epsilon
                    + ", amsgrad=" + (amsgrad ? "True" : "False") + ")";
            case ADAGRAD -> "Adagrad(lr=" + learningRate + ", epsilon=" + epsilon + ")";
        };
    }
}
