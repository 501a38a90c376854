package dev.cnnc.compiler.ir;

import java.util.Locale;

/**
 * An optimizer and its hyper-parameters, with Keras 2.2.4's defaults ({@code keras/optimizers.py}).
 * Fields that a kind does not use keep their defaults and are ignored.
 *
 * @param rho RMSprop's and Adadelta's (0.9 and 0.95 by default)
 * @param epsilon Keras' {@code epsilon=None} means {@code K.epsilon()} = 1e-7
 * @param decay learning-rate decay per update: {@code lr / (1 + decay * iterations)} (Nadam has none)
 * @param scheduleDecay Nadam's momentum schedule
 * @param clipnorm clipping of all gradients by their global L2 norm; 0 for none
 * @param clipvalue clipping of every gradient element to {@code [-clipvalue, clipvalue]}; 0 for none
 */
public record Optimizer(Kind kind, double learningRate, double rho, double momentum, boolean nesterov, double beta1,
        double beta2, double epsilon, boolean amsgrad, double decay, double scheduleDecay, double clipnorm,
        double clipvalue) {

    public enum Kind {
        SGD(0.01),
        RMSPROP(0.001),
        ADAM(0.001),
        ADAGRAD(0.01),
        ADADELTA(1.0),
        ADAMAX(0.002),
        NADAM(0.002);

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

        /** Keras' default {@code rho}: 0.95 for Adadelta, 0.9 otherwise (used by RMSprop). */
        public double defaultRho() {
            return this == ADADELTA ? 0.95 : 0.9;
        }
    }

    public static final double KERAS_EPSILON = 1e-7;

    /** Nadam's default {@code schedule_decay}. */
    public static final double DEFAULT_SCHEDULE_DECAY = 0.004;

    /** The optimizer Keras builds for {@code optimizer='name'}. */
    public static Optimizer defaults(Kind kind) {
        return new Optimizer(kind, kind.defaultLearningRate(), kind.defaultRho(), 0.0, false, 0.9, 0.999, KERAS_EPSILON,
                false, 0.0, DEFAULT_SCHEDULE_DECAY, 0.0, 0.0);
    }

    public String describe() {
        String own = switch (kind) {
            case SGD -> "SGD(lr=" + learningRate + ", momentum=" + momentum + ", nesterov=" + (nesterov ? "True" : "False") + ")";
            case RMSPROP -> "RMSprop(lr=" + learningRate + ", rho=" + rho + ", epsilon=" + epsilon + ")";
            case ADAM -> "Adam(lr=" + learningRate + ", beta_1=" + beta1 + ", beta_2=" + beta2 + ", epsilon=" + epsilon
                    + ", amsgrad=" + (amsgrad ? "True" : "False") + ")";
            case ADAGRAD -> "Adagrad(lr=" + learningRate + ", epsilon=" + epsilon + ")";
            case ADADELTA -> "Adadelta(lr=" + learningRate + ", rho=" + rho + ", epsilon=" + epsilon + ")";
            case ADAMAX -> "Adamax(lr=" + learningRate + ", beta_1=" + beta1 + ", beta_2=" + beta2 + ", epsilon=" + epsilon
                    + ")";
            case NADAM -> "Nadam(lr=" + learningRate + ", beta_1=" + beta1 + ", beta_2=" + beta2 + ", epsilon=" + epsilon
                    + ", schedule_decay=" + scheduleDecay + ")";
        };
        if (clipnorm == 0 && clipvalue == 0) {
            return own;
        }
        return own.substring(0, own.length() - 1) + (clipnorm > 0 ? ", clipnorm=" + clipnorm : "")
                + (clipvalue > 0 ? ", clipvalue=" + clipvalue : "") + ")";
    }
}
