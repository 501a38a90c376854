package dev.cnnc.runtime;

import dev.cnnc.runtime.data.Augmentation;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.optim.OptimizerKind;
import java.util.Objects;

/**
 * How a model is trained, as its {@code .cnn} file's {@code compile(...)} and {@code fit(...)} say,
 * with Keras 2.2.4's defaults for what they leave out. Generated models return theirs from
 * {@link Network#trainingConfig()}, built with {@link #builder} so that every value is named; the
 * command line may override any part with {@link #toBuilder()}.
 *
 * <p>Immutable. A null {@link #optimizer()} and {@link #loss()} mean the file has no {@code compile}
 * line: the model can be used for inference but not trained.
 */
public final class TrainingConfig {
    private final OptimizerKind optimizer;
    private final double learningRate;
    private final double rho;
    private final double momentum;
    private final boolean nesterov;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;
    private final double decay;
    private final double scheduleDecay;
    private final double clipnorm;
    private final double clipvalue;
    private final LossKind loss;
    private final int epochs;
    private final int batchSize;
    private final double validationSplit;
    private final boolean shuffle;
    private final boolean validateOnTest;
    private final int initialEpoch;
    private final boolean fromLogits;
    private final Augmentation augmentation;

    private TrainingConfig(Builder b) {
        this.optimizer = b.optimizer;
        this.learningRate = b.learningRate;
        this.rho = b.rho;
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.amsgrad = b.amsgrad;
        this.decay = b.decay;
        this.scheduleDecay = b.scheduleDecay;
        this.clipnorm = b.clipnorm;
        this.clipvalue = b.clipvalue;
        this.loss = b.loss;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.validationSplit = b.validationSplit;
        this.shuffle = b.shuffle;
        this.validateOnTest = b.validateOnTest;
        this.initialEpoch = b.initialEpoch;
        this.fromLogits = b.fromLogits;
        this.augmentation = b.augmentation;
    }

    /**
     * A builder holding Keras 2.2.4's defaults: the optimizer's default learning rate (0.001 without
     * one), {@code rho=0.9} (0.95 for Adadelta), {@code momentum=0}, {@code beta_1=0.9},
     * {@code beta_2=0.999}, {@code epsilon=1e-7}, no decay, Nadam's {@code schedule_decay=0.004}, no
     * clipping, 1 epoch, batch size 32, no validation split, shuffling.
     *
     * @param optimizer null for a model without {@code compile(...)}
     * @param loss null for a model without {@code compile(...)}
     */
    public static Builder builder(OptimizerKind optimizer, LossKind loss) {
        return new Builder(optimizer, loss);
    }

    /** {@code builder(optimizer, loss).build()}: Keras' defaults for everything else. */
    public static TrainingConfig defaults(OptimizerKind optimizer, LossKind loss) {
        return builder(optimizer, loss).build();
    }

    /** A builder holding this configuration's values, to change some of them. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The optimizer, or null if the file has no {@code compile}. */
    public OptimizerKind optimizer() {
        return optimizer;
    }

    /** {@code lr}. */
    public double learningRate() {
        return learningRate;
    }

    /** RMSprop's decay of the squared-gradient average. */
    public double rho() {
        return rho;
    }

    /** SGD's momentum. */
    public double momentum() {
        return momentum;
    }

    /** SGD's Nesterov momentum. */
    public boolean nesterov() {
        return nesterov;
    }

    /** Adam's {@code beta_1}. */
    public double beta1() {
        return beta1;
    }

    /** Adam's {@code beta_2}. */
    public double beta2() {
        return beta2;
    }

    /** Added outside the square root (Keras 2.2.4). */
    public double epsilon() {
        return epsilon;
    }

    /** Adam's AMSGrad variant. */
    public boolean amsgrad() {
        return amsgrad;
    }

    /** Learning-rate decay: {@code lr / (1 + decay * iterations)}. */
    public double decay() {
        return decay;
    }

    /** Nadam's {@code schedule_decay}. */
    public double scheduleDecay() {
        return scheduleDecay;
    }

    /** Gradient clipping by the global norm of all gradients; 0 for none. */
    public double clipnorm() {
        return clipnorm;
    }

    /** Gradient clipping of every element to {@code [-clipvalue, clipvalue]}; 0 for none. */
    public double clipvalue() {
        return clipvalue;
    }

    /** The loss, or null if the file has no {@code compile}. */
    public LossKind loss() {
        return loss;
    }

    /** {@code fit(epochs=...)}. */
    public int epochs() {
        return epochs;
    }

    /** {@code fit(batch_size=...)}. */
    public int batchSize() {
        return batchSize;
    }

    /** {@code fit(validation_split=...)}: the fraction held out from the end. */
    public double validationSplit() {
        return validationSplit;
    }

    /** {@code fit(shuffle=...)}. */
    public boolean shuffle() {
        return shuffle;
    }

    /**
     * {@code fit(validation_data=(x_test, y_test))} in a pasted script: validate on the test set
     * after every epoch (when no other validation data is given).
     */
    public boolean validateOnTest() {
        return validateOnTest;
    }

    /** {@code fit(initial_epoch=...)}: epochs {@code initialEpoch + 1 .. epochs} are trained. */
    public int initialEpoch() {
        return initialEpoch;
    }

    /**
     * A loss object's {@code from_logits=True}: the model's outputs are logits (its last layer has no
     * activation) and the loss applies softmax (sigmoid for the binary cross-entropy) first.
     */
    public boolean fromLogits() {
        return fromLogits;
    }

    /**
     * The file's {@code augment(...)}: random transformations of the training images, or null for
     * none. Evaluation and prediction never augment.
     */
    public Augmentation augmentation() {
        return augmentation;
    }

    /** Whether the model can be trained: it has both an optimizer and a loss. */
    public boolean isCompiled() {
        return optimizer != null && loss != null;
    }

    /** This configuration with another epoch count. */
    public TrainingConfig withEpochs(int epochs) {
        return toBuilder().epochs(epochs).build();
    }

    /** This configuration with another batch size. */
    public TrainingConfig withBatchSize(int batchSize) {
        return toBuilder().batchSize(batchSize).build();
    }

    /** This configuration with another learning rate. */
    public TrainingConfig withLearningRate(double learningRate) {
        return toBuilder().learningRate(learningRate).build();
    }

    /** This configuration with another validation split. */
    public TrainingConfig withValidationSplit(double validationSplit) {
        return toBuilder().validationSplit(validationSplit).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingConfig c && optimizer == c.optimizer && loss == c.loss
                && Double.compare(learningRate, c.learningRate) == 0 && Double.compare(rho, c.rho) == 0
                && Double.compare(momentum, c.momentum) == 0 && nesterov == c.nesterov
                && Double.compare(beta1, c.beta1) == 0 && Double.compare(beta2, c.beta2) == 0
                && Double.compare(epsilon, c.epsilon) == 0 && amsgrad == c.amsgrad
                && Double.compare(decay, c.decay) == 0 && Double.compare(scheduleDecay, c.scheduleDecay) == 0
                && Double.compare(clipnorm, c.clipnorm) == 0 && Double.compare(clipvalue, c.clipvalue) == 0 && epochs == c.epochs && batchSize == c.batchSize
                && Double.compare(validationSplit, c.validationSplit) == 0 && shuffle == c.shuffle
                && validateOnTest == c.validateOnTest && initialEpoch == c.initialEpoch && fromLogits == c.fromLogits
                && Objects.equals(augmentation, c.augmentation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(optimizer, learningRate, rho, momentum, nesterov, beta1, beta2, epsilon, amsgrad, decay,
                scheduleDecay, clipnorm, clipvalue, loss, epochs, batchSize, validationSplit, shuffle, validateOnTest,
                initialEpoch, fromLogits, augmentation);
    }

    @Override
    public String toString() {
        return "TrainingConfig[optimizer=" + optimizer + ", learningRate=" + learningRate + ", rho=" + rho
                + ", momentum=" + momentum + ", nesterov=" + nesterov + ", beta1=" + beta1 + ", beta2=" + beta2
                + ", epsilon=" + epsilon + ", amsgrad=" + amsgrad + ", decay=" + decay + ", scheduleDecay=" + scheduleDecay + ", clipnorm=" + clipnorm
                + ", clipvalue=" + clipvalue + ", loss=" + loss
                + ", epochs=" + epochs + ", batchSize=" + batchSize + ", validationSplit=" + validationSplit
                + ", shuffle=" + shuffle + (validateOnTest ? ", validateOnTest=true" : "")
                + (initialEpoch == 0 ? "" : ", initialEpoch=" + initialEpoch) + (fromLogits ? ", fromLogits=true" : "")
                + (augmentation == null ? "" : ", augmentation=" + augmentation) + "]";
    }

    /** Builds a {@link TrainingConfig}; starts from Keras' defaults (see {@link TrainingConfig#builder}). */
    public static final class Builder {
        private final OptimizerKind optimizer;
        private final LossKind loss;
        private double learningRate;
        private double rho = 0.9;
        private double momentum = 0.0;
        private boolean nesterov = false;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-7;
        private boolean amsgrad = false;
        private double decay = 0.0;
        private double scheduleDecay = 0.004;
        private double clipnorm = 0.0;
        private double clipvalue = 0.0;
        private int epochs = 1;
        private int batchSize = 32;
        private double validationSplit = 0.0;
        private boolean shuffle = true;
        private boolean validateOnTest = false;
        private int initialEpoch = 0;
        private boolean fromLogits = false;
        private Augmentation augmentation;

        private Builder(OptimizerKind optimizer, LossKind loss) {
            this.optimizer = optimizer;
            this.loss = loss;
            this.learningRate = optimizer == null ? 0.001 : optimizer.defaultLearningRate();
            this.rho = optimizer == OptimizerKind.ADADELTA ? 0.95 : 0.9;
        }

        private Builder(TrainingConfig c) {
            this.optimizer = c.optimizer;
            this.loss = c.loss;
            this.learningRate = c.learningRate;
            this.rho = c.rho;
            this.momentum = c.momentum;
            this.nesterov = c.nesterov;
            this.beta1 = c.beta1;
            this.beta2 = c.beta2;
            this.epsilon = c.epsilon;
            this.amsgrad = c.amsgrad;
            this.decay = c.decay;
            this.scheduleDecay = c.scheduleDecay;
            this.clipnorm = c.clipnorm;
            this.clipvalue = c.clipvalue;
            this.epochs = c.epochs;
            this.batchSize = c.batchSize;
            this.validationSplit = c.validationSplit;
            this.shuffle = c.shuffle;
            this.validateOnTest = c.validateOnTest;
            this.initialEpoch = c.initialEpoch;
            this.fromLogits = c.fromLogits;
            this.augmentation = c.augmentation;
        }

        /** A loss object's {@code from_logits=True}. */
        public Builder fromLogits(boolean v) {
            fromLogits = v;
            return this;
        }

        /** {@code fit(validation_data=...)} of a pasted script: validate on the test set. */
        public Builder validateOnTest(boolean v) {
            validateOnTest = v;
            return this;
        }

        /** {@code fit(initial_epoch=...)}. */
        public Builder initialEpoch(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("initialEpoch must be at least 0: " + v);
            }
            initialEpoch = v;
            return this;
        }

        /** {@code lr}. */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** RMSprop's {@code rho}. */
        public Builder rho(double v) {
            rho = v;
            return this;
        }

        /** SGD's {@code momentum}. */
        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        /** SGD's {@code nesterov}. */
        public Builder nesterov(boolean v) {
            nesterov = v;
            return this;
        }

        /** Adam's {@code beta_1}. */
        public Builder beta1(double v) {
            beta1 = v;
            return this;
        }

        /** Adam's {@code beta_2}. */
        public Builder beta2(double v) {
            beta2 = v;
            return this;
        }

        /** {@code epsilon}. */
        public Builder epsilon(double v) {
            epsilon = v;
            return this;
        }

        /** Adam's {@code amsgrad}. */
        public Builder amsgrad(boolean v) {
            amsgrad = v;
            return this;
        }

        /** {@code decay}. */
        public Builder decay(double v) {
            decay = v;
            return this;
        }

        /** Nadam's {@code schedule_decay}. */
        public Builder scheduleDecay(double v) {
            scheduleDecay = v;
            return this;
        }

        /** {@code clipnorm}: 0 for none. */
        public Builder clipnorm(double v) {
            clipnorm = v;
            return this;
        }

        /** {@code clipvalue}: 0 for none. */
        public Builder clipvalue(double v) {
            clipvalue = v;
            return this;
        }

        /** {@code fit(epochs=...)}. */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /** {@code fit(batch_size=...)}. */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /** {@code fit(validation_split=...)}. */
        public Builder validationSplit(double v) {
            validationSplit = v;
            return this;
        }

        /** {@code fit(shuffle=...)}. */
        public Builder shuffle(boolean v) {
            shuffle = v;
            return this;
        }

        /** {@code augment(...)}: null for none. */
        public Builder augmentation(Augmentation v) {
            augmentation = v;
            return this;
        }

        /** The configuration. Values are checked where they are used (the optimizer, the trainer). */
        public TrainingConfig build() {
            return new TrainingConfig(this);
        }
    }
}
