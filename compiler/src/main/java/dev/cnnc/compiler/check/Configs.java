package dev.cnnc.compiler.check;

import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Constraint;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Initializer.FanMode;
import dev.cnnc.compiler.ir.Loss;
import dev.cnnc.compiler.ir.Optimizer;
import dev.cnnc.compiler.ir.Regularizer;
import dev.cnnc.compiler.syntax.Ast;
import dev.cnnc.compiler.syntax.Ast.Call;
import dev.cnnc.compiler.syntax.Ast.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads Keras' configured objects from argument values: activations, initializers, regularizers,
 * constraints, optimizers and losses, each by name ({@code 'glorot_uniform'}) or by call
 * ({@code RandomNormal(stddev=0.01)}), with Keras 2.2.4's defaults.
 */
public final class Configs {
    private static final double MAX = Double.MAX_VALUE;

    private Configs() {}

    // -----------------------------------------------------------------------------------------
    // Activations

    public static Activation activation(Args args, String name) {
        Value v = args.value(name);
        if (v == null || v instanceof Ast.NoneValue) {
            return Activation.LINEAR;
        }
        List<String> names = Arrays.stream(Activation.values()).map(Activation::keras).toList();
        String text = v instanceof Ast.StringValue s ? s.value() : v instanceof Ast.NameValue n ? n.name() : null;
        if (text == null) {
            args.error(name, name + " must be the name of an activation such as 'relu', found " + Args.describe(v));
            return Activation.LINEAR;
        }
        Activation a = Activation.fromKeras(text);
        if (a == null) {
            args.error(name, "unknown activation '" + text + "'" + Suggest.didYouMean(text, names)
                    + " (known: " + String.join(", ", names) + ")");
            return Activation.LINEAR;
        }
        if (v instanceof Ast.NameValue) {
            args.error(name, "write the activation as a string: " + name + "='" + text + "'");
        }
        return a;
    }

    // -----------------------------------------------------------------------------------------
    // Initializers

    private record Factory<T>(Signature signature, Function<Args, T> build) {}

    private static final Map<String, Factory<Initializer>> INITIALIZERS = new LinkedHashMap<>();

    static {
        Factory<Initializer> zeros = new Factory<>(Signature.of("Zeros").build(), a -> new Initializer.Constant(0));
        Factory<Initializer> ones = new Factory<>(Signature.of("Ones").build(), a -> new Initializer.Constant(1));
        Factory<Initializer> constant = new Factory<>(Signature.of("Constant").optional("value").build(),
                a -> new Initializer.Constant(a.number("value", 0, -MAX, MAX)));
        Factory<Initializer> normal = new Factory<>(Signature.of("RandomNormal").optional("mean", "stddev", "seed").build(),
                a -> new Initializer.RandomNormal(a.number("mean", 0, -MAX, MAX), a.number("stddev", 0.05, 0, MAX),
                        a.seed("seed")));
        Factory<Initializer> uniform = new Factory<>(
                Signature.of("RandomUniform").optional("minval", "maxval", "seed").build(), a -> {
                    double lo = a.number("minval", -0.05, -MAX, MAX);
                    double hi = a.number("maxval", 0.05, -MAX, MAX);
                    if (lo > hi) {
                        a.error("maxval", "maxval must not be below minval");
                    }
                    return new Initializer.RandomUniform(lo, hi, a.seed("seed"));
                });
        Factory<Initializer> truncated = new Factory<>(
                Signature.of("TruncatedNormal").optional("mean", "stddev", "seed").build(),
                a -> new Initializer.TruncatedNormal(a.number("mean", 0, -MAX, MAX), a.number("stddev", 0.05, 0, MAX),
                        a.seed("seed")));
        Factory<Initializer> scaling = new Factory<>(
                Signature.of("VarianceScaling").optional("scale", "mode", "distribution", "seed").build(), a -> {
                    double scale = a.number("scale", 1.0, Double.MIN_VALUE, MAX);
                    String mode = a.choice("mode", "fan_in", List.of("fan_in", "fan_out", "fan_avg"));
                    String dist = a.choice("distribution", "normal", List.of("normal", "uniform"));
                    FanMode fan = FanMode.valueOf(mode.toUpperCase(Locale.ROOT));
                    return new Initializer.VarianceScaling(null, scale, fan, dist.equals("uniform"), a.seed("seed"));
                });
        register(INITIALIZERS, zeros, "zeros", "zero", "Zeros");
        register(INITIALIZERS, ones, "ones", "one", "Ones");
        register(INITIALIZERS, constant, "constant", "Constant");
        register(INITIALIZERS, normal, "random_normal", "normal", "RandomNormal");
        register(INITIALIZERS, uniform, "random_uniform", "uniform", "RandomUniform");
        register(INITIALIZERS, truncated, "truncated_normal", "TruncatedNormal");
        register(INITIALIZERS, scaling, "variance_scaling", "VarianceScaling");
        preset("glorot_normal", 1.0, FanMode.FAN_AVG, false);
        preset("glorot_uniform", 1.0, FanMode.FAN_AVG, true);
        preset("he_normal", 2.0, FanMode.FAN_IN, false);
        preset("he_uniform", 2.0, FanMode.FAN_IN, true);
        preset("lecun_normal", 1.0, FanMode.FAN_IN, false);
        preset("lecun_uniform", 1.0, FanMode.FAN_IN, true);
    }

    private static void preset(String name, double scale, FanMode mode, boolean uniform) {
        INITIALIZERS.put(name, new Factory<>(Signature.of(name).optional("seed").build(),
                a -> new Initializer.VarianceScaling(name, scale, mode, uniform, a.seed("seed"))));
    }

    @SafeVarargs
    private static <T> void register(Map<String, Factory<T>> map, Factory<T> factory, String... names) {
        for (String n : names) {
            map.put(n, factory);
        }
    }

    public static Initializer initializer(Args args, String name, Initializer fallback) {
        return configured(args, name, "initializer", INITIALIZERS, fallback, false);
    }

    // -----------------------------------------------------------------------------------------
    // Regularizers

    private static final Map<String, Factory<Regularizer>> REGULARIZERS = new LinkedHashMap<>();

    static {
        register(REGULARIZERS, new Factory<>(Signature.of("l1").optional("l").build(),
                a -> new Regularizer(a.number("l", 0.01, 0, MAX), 0)), "l1");
        register(REGULARIZERS, new Factory<>(Signature.of("l2").optional("l").build(),
                a -> new Regularizer(0, a.number("l", 0.01, 0, MAX))), "l2");
        register(REGULARIZERS, new Factory<>(Signature.of("l1_l2").optional("l1", "l2").build(),
                a -> new Regularizer(a.number("l1", 0.01, 0, MAX), a.number("l2", 0.01, 0, MAX))), "l1_l2");
        register(REGULARIZERS, new Factory<>(Signature.of("L1L2").optional("l1", "l2").build(),
                a -> new Regularizer(a.number("l1", 0, 0, MAX), a.number("l2", 0, 0, MAX))), "L1L2");
    }

    /** A regularizer, or null for {@code None}, absent, or one whose factors are all zero. */
    public static Regularizer regularizer(Args args, String name) {
        Regularizer r = configured(args, name, "regularizer", REGULARIZERS, null, true);
        return r == null || (r.l1() == 0 && r.l2() == 0) ? null : r;
    }

    // -----------------------------------------------------------------------------------------
    // Constraints

    private static final Map<String, Factory<Constraint>> CONSTRAINTS = new LinkedHashMap<>();

    static {
        register(CONSTRAINTS, new Factory<>(Signature.of("max_norm").optional("max_value", "axis").build(),
                a -> new Constraint.MaxNorm(a.number("max_value", 2, Double.MIN_VALUE, MAX), axes(a))), "max_norm",
                "MaxNorm", "maxnorm");
        register(CONSTRAINTS, new Factory<>(Signature.of("non_neg").build(), a -> new Constraint.NonNeg()), "non_neg",
                "NonNeg", "nonneg");
        register(CONSTRAINTS, new Factory<>(Signature.of("unit_norm").optional("axis").build(),
                a -> new Constraint.UnitNorm(axes(a))), "unit_norm", "UnitNorm", "unitnorm");
        register(CONSTRAINTS, new Factory<>(
                Signature.of("min_max_norm").optional("min_value", "max_value", "rate", "axis").build(), a -> {
                    double lo = a.number("min_value", 0, 0, MAX);
                    double hi = a.number("max_value", 1, 0, MAX);
                    if (lo > hi) {
                        a.error("max_value", "max_value must not be below min_value");
                    }
                    return new Constraint.MinMaxNorm(lo, hi, a.number("rate", 1, 0, 1), axes(a));
                }), "min_max_norm", "MinMaxNorm");
    }

    private static int[] axes(Args a) {
        Value v = a.value("axis");
        if (v == null) {
            return new int[] {0};
        }
        List<Value> items = v instanceof Ast.IntValue ? List.of(v) : Args.items(v);
        if (items == null || items.isEmpty() || !items.stream().allMatch(i -> i instanceof Ast.IntValue)) {
            a.error("axis", "axis must be an integer or a list of integers, found " + Args.describe(v));
            return new int[] {0};
        }
        int[] axes = new int[items.size()];
        for (int i = 0; i < axes.length; i++) {
            long x = ((Ast.IntValue) items.get(i)).value();
            if (x < -4 || x > 3) {
                a.error("axis", "axis " + x + " is out of range: weight tensors have at most 4 axes");
                return new int[] {0};
            }
            axes[i] = (int) x;
        }
        return axes;
    }

    public static Constraint constraint(Args args, String name) {
        return configured(args, name, "constraint", CONSTRAINTS, null, true);
    }

    // -----------------------------------------------------------------------------------------
    // Optimizers and losses

    private static final Map<String, Factory<Optimizer>> OPTIMIZERS = new LinkedHashMap<>();

    static {
        register(OPTIMIZERS, optimizer(Signature.of("SGD").optional("lr", "momentum", "decay", "nesterov"), a -> build(a,
                Optimizer.Kind.SGD, 0.9, a.number("momentum", 0, 0, MAX), a.bool("nesterov", false), 0.9, 0.999,
                Optimizer.KERAS_EPSILON, false, decay(a))), "sgd", "SGD");
        register(OPTIMIZERS, optimizer(Signature.of("RMSprop").optional("lr", "rho", "epsilon", "decay"), a -> build(a,
                Optimizer.Kind.RMSPROP, a.number("rho", 0.9, 0, 1), 0, false, 0.9, 0.999, epsilon(a), false, decay(a))),
                "rmsprop", "RMSprop");
        register(OPTIMIZERS, optimizer(Signature.of("Adam").optional("lr", "beta_1", "beta_2", "epsilon", "decay",
                "amsgrad"), a -> build(a, Optimizer.Kind.ADAM, 0.9, 0, false, beta(a, "beta_1", 0.9),
                        beta(a, "beta_2", 0.999), epsilon(a), a.bool("amsgrad", false), decay(a))), "adam", "Adam");
        register(OPTIMIZERS, optimizer(Signature.of("Adagrad").optional("lr", "epsilon", "decay"), a -> build(a,
                Optimizer.Kind.ADAGRAD, 0.9, 0, false, 0.9, 0.999, epsilon(a), false, decay(a))), "adagrad", "Adagrad");
        register(OPTIMIZERS, optimizer(Signature.of("Adadelta").optional("lr", "rho", "epsilon", "decay"), a -> build(a,
                Optimizer.Kind.ADADELTA, a.number("rho", 0.95, 0, 1), 0, false, 0.9, 0.999, epsilon(a), false, decay(a))),
                "adadelta", "Adadelta");
        register(OPTIMIZERS, optimizer(Signature.of("Adamax").optional("lr", "beta_1", "beta_2", "epsilon", "decay"),
                a -> build(a, Optimizer.Kind.ADAMAX, 0.9, 0, false, beta(a, "beta_1", 0.9), beta(a, "beta_2", 0.999),
                        epsilon(a), false, decay(a))), "adamax", "Adamax");
        // Keras 2.2.4's Nadam has no decay (Nadam(decay=...) is a TypeError there).
        register(OPTIMIZERS, optimizer(Signature.of("Nadam").optional("lr", "beta_1", "beta_2", "epsilon",
                "schedule_decay"), a -> build(a, Optimizer.Kind.NADAM, 0.9, 0, false, beta(a, "beta_1", 0.9),
                        beta(a, "beta_2", 0.999), epsilon(a), false, 0)), "nadam", "Nadam");
    }

    /** An optimizer's signature with Keras' {@code learning_rate} alias and the {@code clipnorm} and {@code clipvalue} every optimizer takes. */
    private static Factory<Optimizer> optimizer(Signature.Builder signature, Function<Args, Optimizer> build) {
        return new Factory<>(signature.optional("clipnorm", "clipvalue").alias("learning_rate", "lr").build(), build);
    }

    private static Optimizer build(Args a, Optimizer.Kind kind, double rho, double momentum, boolean nesterov,
            double beta1, double beta2, double epsilon, boolean amsgrad, double decay) {
        double scheduleDecay = kind == Optimizer.Kind.NADAM
                ? a.number("schedule_decay", Optimizer.DEFAULT_SCHEDULE_DECAY, 0, MAX)
                : Optimizer.DEFAULT_SCHEDULE_DECAY;
        return new Optimizer(kind, lr(a, kind), rho, momentum, nesterov, beta1, beta2, epsilon, amsgrad, decay,
                scheduleDecay, a.number("clipnorm", 0, 0, MAX), a.number("clipvalue", 0, 0, MAX));
    }

    private static double beta(Args a, String name, double fallback) {
        return a.number(name, fallback, 0, 0.999999);
    }

    private static double lr(Args a, Optimizer.Kind kind) {
        return a.number("lr", kind.defaultLearningRate(), Double.MIN_VALUE, MAX);
    }

    private static double epsilon(Args a) {
        return a.numberOrNone("epsilon", Optimizer.KERAS_EPSILON, 0, MAX);
    }

    private static double decay(Args a) {
        return a.number("decay", 0, 0, MAX);
    }

    public static Optimizer optimizer(Args args, String name) {
        Value v = args.value(name);
        if (v instanceof Ast.StringValue s) {
            // Keras looks optimizer names up case-insensitively ('RMSprop', 'rmsprop').
            String lower = s.value().toLowerCase(Locale.ROOT);
            for (Optimizer.Kind kind : Optimizer.Kind.values()) {
                if (kind.keras().equals(lower)) {
                    return Optimizer.defaults(kind);
                }
            }
        }
        return configured(args, name, "optimizer", OPTIMIZERS, null, false);
    }

    public static Loss loss(Args args, String name) {
        Value v = args.value(name);
        if (v == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (Loss l : Loss.values()) {
            names.add(l.keras());
            names.addAll(l.aliases());
        }
        if (v instanceof Ast.NameValue n) {
            // A reference to Keras' function: keras.losses.categorical_crossentropy, losses.mse, or the bare name.
            int dot = n.name().lastIndexOf('.');
            String qualifier = dot < 0 ? "" : n.name().substring(0, dot);
            Loss loss = Loss.fromKeras(n.name().substring(dot + 1));
            if (loss != null && (qualifier.isEmpty() || qualifier.equals("losses") || qualifier.endsWith(".losses"))) {
                return loss;
            }
        }
        if (v instanceof Ast.CallValue c && LOSS_CLASSES.containsKey(c.call().simpleName())) {
            return lossObject(args, name, c.call());
        }
        if (!(v instanceof Ast.StringValue s)) {
            args.error(name, name + " must be the name of a loss such as 'categorical_crossentropy', found "
                    + Args.describe(v));
            return null;
        }
        Loss loss = Loss.fromKeras(s.value());
        if (loss == null) {
            args.error(name, "unknown loss '" + s.value() + "'" + Suggest.didYouMean(s.value(), names) + " (known: "
                    + String.join(", ", names) + ")");
        }
        return loss;
    }

    /** tf.keras' loss classes, by the loss each computes. */
    private static final Map<String, Loss> LOSS_CLASSES = Map.of("CategoricalCrossentropy", Loss.CATEGORICAL_CROSSENTROPY,
            "SparseCategoricalCrossentropy", Loss.SPARSE_CATEGORICAL_CROSSENTROPY, "BinaryCrossentropy",
            Loss.BINARY_CROSSENTROPY, "MeanSquaredError", Loss.MEAN_SQUARED_ERROR);

    /** {@code tf.keras.losses.SparseCategoricalCrossentropy(...)}: the loss, with Keras' defaults only. */
    private static Loss lossObject(Args args, String name, Call call) {
        Args a = lossSignature(call).bind(call, args.diagnostics());
        if (!a.ok()) {
            args.invalidate(name);
            return null;
        }
        if (a.number("label_smoothing", 0, 0, 1) != 0) {
            a.error("label_smoothing", "label_smoothing is not supported yet");
        }
        return LOSS_CLASSES.get(call.simpleName());
    }

    private static Signature lossSignature(Call call) {
        return call.simpleName().equals("MeanSquaredError") ? Signature.of(call.simpleName()).optional("reduction", "name")
                .build() : Signature.of(call.simpleName()).optional("from_logits", "label_smoothing", "reduction", "name")
                .keywordOnly("axis").build();
    }

    /** Whether {@code name} is a loss object with {@code from_logits=True}. */
    public static boolean fromLogits(Args args, String name) {
        if (!(args.value(name) instanceof Ast.CallValue c) || !LOSS_CLASSES.containsKey(c.call().simpleName())
                || c.call().simpleName().equals("MeanSquaredError")) {
            return false;
        }
        Args a = lossSignature(c.call()).bind(c.call(), new dev.cnnc.compiler.diag.Diagnostics(args.diagnostics().source()));
        return a.ok() && a.value("from_logits") instanceof Ast.BoolValue b && b.value();
    }

    /** Metrics: only {@code 'accuracy'} (alias {@code 'acc'}); returns the list with aliases resolved. */
    public static List<String> metrics(Args args, String name) {
        Value v = args.value(name);
        if (v == null || v instanceof Ast.NoneValue) {
            return List.of();
        }
        List<Value> items = Args.items(v);
        if (items == null) {
            items = List.of(v);
        }
        List<String> metrics = new ArrayList<>();
        for (Value item : items) {
            String m = item instanceof Ast.StringValue s ? s.value() : null;
            if ("accuracy".equals(m) || "acc".equals(m)) {
                metrics.add("accuracy");
            } else if (item instanceof Ast.NameValue n) {
                args.diagnostics().error(item.span(), "write the metric as a string: '" + n.name() + "'");
            } else {
                args.diagnostics().error(item.span(), "unknown metric " + item.text() + " (cnnc computes 'accuracy')");
            }
        }
        return List.copyOf(metrics);
    }

    // -----------------------------------------------------------------------------------------

    /**
     * A configured object given by name ({@code 'l2'}) or by call ({@code regularizers.l2(0.001)}).
     * The call's qualifier ({@code keras.regularizers.}) is ignored.
     */
    private static <T> T configured(Args args, String name, String what, Map<String, Factory<T>> factories, T fallback,
            boolean noneAllowed) {
        Value v = args.value(name);
        if (v == null || (noneAllowed && v instanceof Ast.NoneValue)) {
            return fallback;
        }
        if (v instanceof Ast.StringValue s) {
            Factory<T> f = factories.get(s.value());
            if (f == null) {
                return unknown(args, name, what, s.value(), factories, fallback);
            }
            return f.build().apply(f.signature().bind(new Call(s.value(), s.span(), List.of(), s.span()),
                    args.diagnostics()));
        }
        if (v instanceof Ast.CallValue c) {
            Call call = c.call();
            Factory<T> f = factories.get(call.simpleName());
            if (f == null) {
                return unknown(args, name, what, call.simpleName(), factories, fallback);
            }
            Args inner = f.signature().bind(call, args.diagnostics());
            T built = f.build().apply(inner);
            if (!inner.ok()) {
                args.invalidate(name); // the problem was reported inside the call
            }
            return built;
        }
        args.error(name, name + " must be " + (what.startsWith("i") || what.startsWith("o") ? "an " : "a ") + what
                + " name or call, found " + Args.describe(v));
        return fallback;
    }

    private static <T> T unknown(Args args, String name, String what, String given, Map<String, Factory<T>> factories,
            T fallback) {
        args.error(name, "unknown " + what + " '" + given + "'" + Suggest.didYouMean(given, factories.keySet()));
        return fallback;
    }
}
