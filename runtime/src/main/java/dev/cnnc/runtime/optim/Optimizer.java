package dev.cnnc.runtime.optim;

import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.TrainingConfig;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A Keras 2.2.4 optimizer ({@code keras/optimizers.py}) updating a fixed list of {@link Parameter}s in place.
 *
 * <p>Every {@link #update()} is one training step: it reads each parameter's {@link Parameter#gradients()}
 * and writes its {@link Parameter#values()}. The learning rate decays with the number of updates made before
 * this one, {@code iterations}:
 *
 * <pre>{@code lr_t = lr * (1 / (1 + decay * iterations))}</pre>
 *
 * <p>The subclasses give the per-element update rules. Per-step scalars ({@code lr_t}, Adam's bias
 * correction, {@code 1 - rho}, ...) are computed in {@code double} and rounded to {@code float} once; the
 * per-element arithmetic is in {@code float}, as TensorFlow's float32 kernels, in a fixed order. The same
 * inputs therefore always give bit-identical results.
 *
 * <p><b>State.</b> Besides {@link #iterations()}, an optimizer has <em>slots</em>: arrays of the size of a
 * parameter, zero at the start. {@link #slots()} lists them grouped by kind, and within a kind in parameter
 * order: for Adam {@code m} of every parameter, then {@code v} of every parameter, then (with {@code amsgrad})
 * {@code vhat} of every parameter. {@link #slotNames()} names them ({@code m/dense_1/kernel}) and
 * {@link #restore(long, List)} sets them back.
 *
 * <p>Optimizers are not thread-safe; {@link #update()} allocates nothing.
 */
public abstract sealed class Optimizer permits Sgd, RmsProp, Adam, Adagrad, Adadelta, Adamax, Nadam {

    private final Parameter[] parameters;
    private final double learningRate;
    private final double decay;
    private final String[] slotKinds;
    private final float[][] slots;
    private long iterations;
    private double clipnorm;
    private double clipvalue;
    private float clipScale = 1f;

    /**
     * @param parameters the tensors to update; non-trainable ones ({@link Parameter#trainable()} false) are
     *     skipped, so that state such as a moving mean is never touched by an optimizer
     * @param slotKinds the names of the slot groups, in {@link #slots()} order; each has one zero array per
     *     parameter
     */
    Optimizer(List<Parameter> parameters, double learningRate, double decay, String... slotKinds) {
        Objects.requireNonNull(parameters, "parameters");
        List<Parameter> trainable = new ArrayList<>();
        for (Parameter p : parameters) {
            if (Objects.requireNonNull(p, "parameters contains null").trainable()) {
                trainable.add(p);
            }
        }
        this.parameters = trainable.toArray(new Parameter[0]);
        this.learningRate = requireAtLeast("lr", learningRate, 0);
        this.decay = requireAtLeast("decay", decay, 0);
        this.slotKinds = slotKinds.clone();
        this.slots = new float[slotKinds.length * this.parameters.length][];
        for (int s = 0; s < slots.length; s++) {
            slots[s] = new float[this.parameters[s % this.parameters.length].size()];
        }
    }

    /**
     * The optimizer a training configuration names, with the configuration's hyper-parameters.
     *
     * @throws IllegalArgumentException if the configuration has no optimizer, or for out-of-range
     *     hyper-parameters
     */
    public static Optimizer create(TrainingConfig config, List<Parameter> parameters) {
        Objects.requireNonNull(config, "config");
        if (config.optimizer() == null) {
            throw new IllegalArgumentException("the training configuration has no optimizer (no compile(...) line)");
        }
        Optimizer optimizer = switch (config.optimizer()) {
            case SGD -> new Sgd(parameters, config.learningRate(), config.momentum(), config.nesterov(), config.decay());
            case RMSPROP -> new RmsProp(parameters, config.learningRate(), config.rho(), config.epsilon(), config.decay());
            case ADAM -> new Adam(parameters, config.learningRate(), config.beta1(), config.beta2(), config.epsilon(),
                    config.amsgrad(), config.decay());
            case ADAGRAD -> new Adagrad(parameters, config.learningRate(), config.epsilon(), config.decay());
            case ADADELTA -> new Adadelta(parameters, config.learningRate(), config.rho(), config.epsilon(), config.decay());
            case ADAMAX -> new Adamax(parameters, config.learningRate(), config.beta1(), config.beta2(), config.epsilon(),
                    config.decay());
            case NADAM -> new Nadam(parameters, config.learningRate(), config.beta1(), config.beta2(), config.epsilon(),
                    config.scheduleDecay());
        };
        return optimizer.clipping(config.clipnorm(), config.clipvalue());
    }

    /**
     * Sets Keras' gradient clipping ({@code Optimizer.get_gradients} in 2.2.4), applied to the gradients,
     * in place, at the start of every step: with {@code clipnorm > 0}, if the global L2 norm {@code n} of
     * all the gradients together is at least {@code clipnorm}, every gradient is multiplied by
     * {@code clipnorm / n}; then, with {@code clipvalue > 0}, every element is clipped to
     * {@code [-clipvalue, clipvalue]}. Zero turns either off. The norm is summed in double in parameter
     * order, so it does not depend on how {@link #update(int)} is spread over threads.
     *
     * @return this optimizer
     * @throws IllegalArgumentException for a negative or non-finite value
     */
    public final Optimizer clipping(double clipnorm, double clipvalue) {
        this.clipnorm = requireAtLeast("clipnorm", clipnorm, 0);
        this.clipvalue = requireAtLeast("clipvalue", clipvalue, 0);
        return this;
    }

    /** Keras' {@code clipnorm}; 0 for none. */
    public final double clipnorm() {
        return clipnorm;
    }

    /** Keras' {@code clipvalue}; 0 for none. */
    public final double clipvalue() {
        return clipvalue;
    }

    /**
     * One training step over every parameter, in list order: uses the current gradients and
     * {@code lr_t = lr * (1 / (1 + decay * iterations()))}, then increments {@link #iterations()}.
     */
    public final void update() {
        beginUpdate();
        for (int i = 0; i < parameters.length; i++) {
            update(i);
        }
        endUpdate();
    }

    /**
     * The same step as {@link #update()}, split so that parameters can be updated in parallel:
     * {@code beginUpdate()}, then {@code update(i)} once for every parameter index in any order or
     * on any thread, then {@code endUpdate()}. Each parameter's update depends on nothing else, so
     * the results are those of {@link #update()}, bit for bit.
     */
    public final void beginUpdate() {
        clipScale = 1f;
        if (clipnorm > 0) {
            double sum = 0;
            for (Parameter p : parameters) {
                for (float g : p.gradients()) {
                    sum += (double) g * g;
                }
            }
            double norm = Math.sqrt(sum);
            if (norm >= clipnorm) {
                clipScale = (float) (clipnorm / norm);
            }
        }
        beginStep(currentLearningRate(), iterations);
    }

    /** Updates parameter {@code index}; see {@link #beginUpdate()}. */
    public final void update(int index) {
        Parameter parameter = parameters[index];
        float[] g = parameter.gradients();
        if (clipScale != 1f) {
            for (int i = 0; i < g.length; i++) {
                g[i] *= clipScale;
            }
        }
        if (clipvalue > 0) {
            float c = (float) clipvalue;
            for (int i = 0; i < g.length; i++) {
                g[i] = Math.min(Math.max(g[i], -c), c);
            }
        }
        apply(index, parameter.values(), g);
    }

    /** Ends the step begun by {@link #beginUpdate()}. */
    public final void endUpdate() {
        iterations++;
    }

    /** The number of updates made so far (Keras' {@code iterations}). */
    public final long iterations() {
        return iterations;
    }

    /** The learning rate the next {@link #update()} uses: {@code lr * (1 / (1 + decay * iterations))}. */
    public final double currentLearningRate() {
        return learningRate * (1.0 / (1.0 + decay * (double) iterations));
    }

    /** The initial learning rate {@code lr}. */
    public final double learningRate() {
        return learningRate;
    }

    public final double decay() {
        return decay;
    }

    /** The parameters this optimizer updates, in update order. */
    public final List<Parameter> parameters() {
        return List.of(parameters);
    }

    /**
     * The optimizer and its hyper-parameters in Keras' spelling, with Python's number format:
     * {@code RMSprop(lr=0.001, rho=0.9, epsilon=1e-07)}. {@code decay}, {@code clipnorm} and
     * {@code clipvalue} are shown only when non-zero, the clipping last.
     */
    public final String describe() {
        String own = describeOwn();
        if (clipnorm == 0 && clipvalue == 0) {
            return own;
        }
        return own.substring(0, own.length() - 1) + (clipnorm > 0 ? ", clipnorm=" + python(clipnorm) : "")
                + (clipvalue > 0 ? ", clipvalue=" + python(clipvalue) : "") + ")";
    }

    /** {@link #describe()} without the clipping. */
    abstract String describeOwn();

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Copies of the state arrays, grouped by kind and within a kind in parameter order (see the class
     * comment and each subclass). Saving these and {@link #iterations()} is enough to {@link #restore} the
     * optimizer.
     */
    public final List<float[]> slots() {
        List<float[]> copies = new ArrayList<>(slots.length);
        for (float[] slot : slots) {
            copies.add(slot.clone());
        }
        return Collections.unmodifiableList(copies);
    }

    /** The name of each slot in {@link #slots()} order: the kind, a slash and the parameter's name ({@code m/dense_1/kernel}). */
    public final List<String> slotNames() {
        List<String> names = new ArrayList<>(slots.length);
        for (int s = 0; s < slots.length; s++) {
            names.add(slotName(s));
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * Sets the state saved from {@link #iterations()} and {@link #slots()}. The arrays are copied. Nothing
     * changes unless everything is valid.
     *
     * @throws IllegalArgumentException if {@code iterations} is negative, or the number of arrays or any
     *     array's length differs from {@link #slots()}
     */
    public final void restore(long iterations, List<float[]> slots) {
        if (iterations < 0) {
            throw new IllegalArgumentException(name() + ": iterations must be >= 0, found " + iterations);
        }
        Objects.requireNonNull(slots, "slots");
        if (slots.size() != this.slots.length) {
            throw new IllegalArgumentException(name() + " has " + this.slots.length + " slot arrays (" + slotLayout()
                    + "), but " + slots.size() + " were given");
        }
        for (int s = 0; s < this.slots.length; s++) {
            float[] given = slots.get(s);
            if (given == null || given.length != this.slots[s].length) {
                throw new IllegalArgumentException(name() + ": slot " + s + " (" + slotName(s) + ") needs "
                        + this.slots[s].length + " values, but " + (given == null ? "null" : given.length + " values")
                        + " were given");
            }
        }
        for (int s = 0; s < this.slots.length; s++) {
            System.arraycopy(slots.get(s), 0, this.slots[s], 0, this.slots[s].length);
        }
        this.iterations = iterations;
    }

    /** Called once per {@link #update()}, before {@link #apply}: computes the step's scalars. */
    abstract void beginStep(double learningRate, long iterations);

    /** Updates parameter {@code index} in place from its gradient. Must not allocate. */
    abstract void apply(int index, float[] values, float[] gradients);

    /** Keras' class name: {@code RMSprop}. */
    abstract String name();

    /** The slot arrays of one kind (its index in the constructor's {@code slotKinds}), one per parameter. */
    final float[][] slotGroup(int kind) {
        float[][] group = new float[parameters.length][];
        System.arraycopy(slots, kind * parameters.length, group, 0, parameters.length);
        return group;
    }

    /** {@code lr=0.001}. */
    final String describeLearningRate() {
        return "lr=" + python(learningRate);
    }

    /** {@code , decay=0.01}, or nothing if decay is zero. */
    final String describeDecay() {
        return decay == 0 ? "" : ", decay=" + python(decay);
    }

    private String slotName(int s) {
        return slotKinds[s / parameters.length] + "/" + parameters[s % parameters.length].name();
    }

    private String slotLayout() {
        if (slotKinds.length == 0) {
            return "none";
        }
        return String.join(", ", slotKinds) + " for each of " + parameters.length + " parameters";
    }

    static double requireAtLeast(String name, double value, double min) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= " + python(min) + ", found " + value);
        }
        return value;
    }

    static double requireFraction(String name, double value, boolean oneAllowed) {
        if (!(value >= 0) || (oneAllowed ? value > 1 : value >= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1" + (oneAllowed ? "]" : ")") + ", found " + value);
        }
        return value;
    }

    static String python(boolean value) {
        return value ? "True" : "False";
    }

    /**
     * Formats a number as Python's {@code repr(float)}: the shortest digits, positional for exponents in
     * [-4, 16) ({@code 0.001}, {@code 10.0}), otherwise scientific with at least two exponent digits
     * ({@code 1e-07}, {@code 1e+16}).
     */
    static String python(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        int exponent = decimal.precision() - decimal.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = decimal.toPlainString();
            return plain.indexOf('.') < 0 ? plain + ".0" : plain;
        }
        String digits = decimal.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String sign = decimal.signum() < 0 ? "-" : "";
        String exponentSign = exponent < 0 ? "-" : "+";
        int magnitude = Math.abs(exponent);
        return sign + mantissa + "e" + exponentSign + (magnitude < 10 ? "0" : "") + magnitude;
    }
}
