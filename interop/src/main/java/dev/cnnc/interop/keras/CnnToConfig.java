package dev.cnnc.interop.keras;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.cnnc.compiler.ir.ActivationLayer;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.BatchNormLayer;
import dev.cnnc.compiler.ir.Border2DLayer;
import dev.cnnc.compiler.ir.Constraint;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Conv2DTransposeLayer;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.DepthwiseConv2DLayer;
import dev.cnnc.compiler.ir.FlattenLayer;
import dev.cnnc.compiler.ir.Geometry2D;
import dev.cnnc.compiler.ir.GlobalPool2DLayer;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.NoiseLayer;
import dev.cnnc.compiler.ir.Optimizer;
import dev.cnnc.compiler.ir.PReluLayer;
import dev.cnnc.compiler.ir.PermuteLayer;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.Regularizer;
import dev.cnnc.compiler.ir.ReshapeLayer;
import dev.cnnc.compiler.ir.SeparableConv2DLayer;
import dev.cnnc.compiler.ir.Training;
import dev.cnnc.compiler.ir.UpSampling2DLayer;
import dev.cnnc.compiler.ir.Weight;
import dev.cnnc.compiler.ir.WeightOptions;

/**
 * A checked cnnc model as the {@code model_config} and {@code training_config} JSON that Keras 2.2.4's
 * {@code model.save} writes, every argument given (as {@code get_config()} does), so that Keras'
 * {@code load_model} and TensorFlow.js' {@code modelFromJSON} rebuild the same layers.
 */
final class CnnToConfig {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private CnnToConfig() {}

    /** Thrown for a layer that has no Keras config form here; names the layer. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    static String modelConfig(Model model) throws Unsupported {
        JsonArray layers = new JsonArray();
        boolean first = true;
        for (Layer l : model.layers()) {
            JsonObject c = new JsonObject();
            c.addProperty("name", l.name());
            c.addProperty("trainable", true);
            if (first) {
                JsonArray shape = new JsonArray();
                shape.add(JsonNull.INSTANCE);
                for (int d : model.inputShape().dims()) {
                    shape.add(d);
                }
                c.add("batch_input_shape", shape);
                c.addProperty("dtype", "float32");
                first = false;
            }
            config(l, c);
            JsonObject layer = new JsonObject();
            layer.addProperty("class_name", l.kerasClass());
            layer.add("config", c);
            layers.add(layer);
        }
        JsonObject config = new JsonObject();
        config.addProperty("name", "sequential_1");
        config.add("layers", layers);
        JsonObject root = new JsonObject();
        root.addProperty("class_name", "Sequential");
        root.add("config", config);
        return GSON.toJson(root);
    }

    /** The {@code training_config}, or null for a model without {@code compile(...)}. */
    static String trainingConfig(Model model) {
        Training t = model.training();
        if (t == null || t.optimizer() == null || t.loss() == null) {
            return null;
        }
        Optimizer o = t.optimizer();
        JsonObject oc = new JsonObject();
        oc.addProperty("lr", o.learningRate());
        switch (o.kind()) {
            case SGD -> {
                oc.addProperty("momentum", o.momentum());
                oc.addProperty("nesterov", o.nesterov());
            }
            case RMSPROP, ADADELTA -> {
                oc.addProperty("rho", o.rho());
                oc.addProperty("epsilon", o.epsilon());
            }
            case ADAGRAD -> oc.addProperty("epsilon", o.epsilon());
            case ADAM, ADAMAX, NADAM -> {
                oc.addProperty("beta_1", o.beta1());
                oc.addProperty("beta_2", o.beta2());
                oc.addProperty("epsilon", o.epsilon());
                if (o.kind() == Optimizer.Kind.ADAM) {
                    oc.addProperty("amsgrad", o.amsgrad());
                }
            }
            default -> { }
        }
        if (o.kind() == Optimizer.Kind.NADAM) {
            oc.addProperty("schedule_decay", o.scheduleDecay());
        } else {
            oc.addProperty("decay", o.decay());
        }
        if (o.clipnorm() > 0) {
            oc.addProperty("clipnorm", o.clipnorm());
        }
        if (o.clipvalue() > 0) {
            oc.addProperty("clipvalue", o.clipvalue());
        }
        JsonObject optimizer = new JsonObject();
        optimizer.addProperty("class_name", switch (o.kind()) {
            case SGD -> "SGD";
            case RMSPROP -> "RMSprop";
            case ADAM -> "Adam";
            case ADAGRAD -> "Adagrad";
            case ADADELTA -> "Adadelta";
            case ADAMAX -> "Adamax";
            case NADAM -> "Nadam";
        });
        optimizer.add("config", oc);
        JsonObject root = new JsonObject();
        root.add("optimizer_config", optimizer);
        root.addProperty("loss", t.loss().keras());
        JsonArray metrics = new JsonArray();
        t.metrics().forEach(metrics::add);
        root.add("metrics", metrics);
        root.add("sample_weight_mode", JsonNull.INSTANCE);
        root.add("loss_weights", JsonNull.INSTANCE);
        return GSON.toJson(root);
    }

    private static void config(Layer layer, JsonObject c) throws Unsupported {
        if (layer instanceof Conv2DLayer l) {
            c.addProperty("filters", l.filters());
            window(c, l.geometry(), true);
            weighted(c, l.options(), "kernel");
        } else if (layer instanceof Conv2DTransposeLayer l) {
            c.addProperty("filters", l.filters());
            window(c, l.geometry(), true);
            c.add("output_padding", l.outputPadding() == null ? JsonNull.INSTANCE : ints(l.outputPadding()));
            weighted(c, l.options(), "kernel");
        } else if (layer instanceof DepthwiseConv2DLayer l) {
            window(c, l.geometry(), false);
            c.addProperty("depth_multiplier", l.depthMultiplier());
            weighted(c, l.options(), "depthwise");
        } else if (layer instanceof SeparableConv2DLayer l) {
            c.addProperty("filters", l.filters());
            window(c, l.geometry(), true);
            c.addProperty("depth_multiplier", l.depthMultiplier());
            c.addProperty("activation", l.activation().keras());
            boolean bias = l.weights().stream().anyMatch(w -> w.role() == Weight.Role.BIAS);
            c.addProperty("use_bias", bias);
            for (Weight w : l.weights()) {
                String key = w.role() == Weight.Role.BIAS ? "bias" : w.role().keras().replace("_kernel", "");
                c.add(key + "_initializer", initializer(w.initializer()));
                c.add(key + "_regularizer", regularizer(w.regularizer()));
                c.add(key + "_constraint", constraint(w.constraint()));
            }
            c.add("activity_regularizer", regularizer(l.activityRegularizer()));
        } else if (layer instanceof DenseLayer l) {
            c.addProperty("units", l.units());
            weighted(c, l.options(), "kernel");
        } else if (layer instanceof Pool2DLayer l) {
            Geometry2D g = l.geometry();
            c.add("pool_size", ints(new int[] {g.kernelHeight(), g.kernelWidth()}));
            c.addProperty("padding", g.padding().keras());
            c.add("strides", ints(new int[] {g.strideHeight(), g.strideWidth()}));
            c.addProperty("data_format", g.dataFormat().keras());
        } else if (layer instanceof GlobalPool2DLayer l) {
            c.addProperty("data_format", l.dataFormat().keras());
        } else if (layer instanceof FlattenLayer l) {
            c.addProperty("data_format", l.dataFormat().keras());
        } else if (layer instanceof NoiseLayer l) {
            switch (l.kind()) {
                case DROPOUT -> {
                    c.addProperty("rate", l.amount());
                    c.add("noise_shape", l.maskShape() == null ? JsonNull.INSTANCE : ints(l.maskShape()));
                }
                case GAUSSIAN_NOISE -> c.addProperty("stddev", l.amount());
                case GAUSSIAN_DROPOUT -> c.addProperty("rate", l.amount());
                default -> throw new Unsupported(l.kerasClass());
            }
            if (l.kind() == NoiseLayer.Kind.DROPOUT) {
                if (l.seed() == null) {
                    c.add("seed", JsonNull.INSTANCE);
                } else {
                    c.addProperty("seed", l.seed());
                }
            }
        } else if (layer instanceof ActivationLayer l) {
            if (l.kerasClass().equals("Softmax")) {
                c.addProperty("axis", -1);
            } else {
                c.addProperty("activation", l.activation().keras());
            }
        } else if (layer instanceof AdvancedActivationLayer l) {
            switch (l.kerasClass()) {
                case "LeakyReLU", "ELU" -> c.addProperty("alpha", l.alpha());
                case "ThresholdedReLU" -> c.addProperty("theta", l.threshold());
                case "ReLU" -> {
                    if (l.maxValue() == null) {
                        c.add("max_value", JsonNull.INSTANCE);
                    } else {
                        c.addProperty("max_value", l.maxValue());
                    }
                    c.addProperty("negative_slope", l.alpha());
                    c.addProperty("threshold", l.threshold());
                }
                default -> throw new Unsupported(l.kerasClass());
            }
        } else if (layer instanceof PReluLayer l) {
            c.add("alpha_initializer", initializer(l.alpha().initializer()));
            c.add("alpha_regularizer", regularizer(l.alpha().regularizer()));
            c.add("alpha_constraint", constraint(l.alpha().constraint()));
            c.add("shared_axes", JsonNull.INSTANCE);
            if (l.alpha().shape().length != l.inputShape().rank()) {
                throw new Unsupported("PReLU with shared_axes");
            }
        } else if (layer instanceof BatchNormLayer l) {
            // the IR counts axes of one example; Keras counts the batch axis too
            c.addProperty("axis", l.axis() == l.inputShape().rank() - 1 ? -1 : l.axis() + 1);
            c.addProperty("momentum", l.momentum());
            c.addProperty("epsilon", l.epsilon());
            c.addProperty("center", l.center());
            c.addProperty("scale", l.scale());
            c.add("beta_initializer", initializer(l.betaInitializer()));
            c.add("gamma_initializer", initializer(l.gammaInitializer()));
            c.add("moving_mean_initializer", initializer(l.movingMeanInitializer()));
            c.add("moving_variance_initializer", initializer(l.movingVarianceInitializer()));
            c.add("beta_regularizer", regularizer(l.betaRegularizer()));
            c.add("gamma_regularizer", regularizer(l.gammaRegularizer()));
            c.add("beta_constraint", constraint(l.betaConstraint()));
            c.add("gamma_constraint", constraint(l.gammaConstraint()));
        } else if (layer instanceof Border2DLayer l) {
            JsonArray p = new JsonArray();
            p.add(ints(new int[] {l.top(), l.bottom()}));
            p.add(ints(new int[] {l.left(), l.right()}));
            c.add(l.kind() == Border2DLayer.Kind.ZERO_PADDING ? "padding" : "cropping", p);
            c.addProperty("data_format", l.dataFormat().keras());
        } else if (layer instanceof UpSampling2DLayer l) {
            c.add("size", ints(new int[] {l.sizeHeight(), l.sizeWidth()}));
            c.addProperty("data_format", l.dataFormat().keras());
            c.addProperty("interpolation", l.interpolation().keras());
        } else if (layer instanceof ReshapeLayer l) {
            c.add("target_shape", ints(l.outputShape().dims()));
        } else if (layer instanceof PermuteLayer l) {
            c.add("dims", ints(l.dims()));
        } else {
            throw new Unsupported(layer.kerasClass());
        }
}

    private static void window(JsonObject c, Geometry2D g, boolean dilation) {
        c.add("kernel_size", ints(new int[] {g.kernelHeight(), g.kernelWidth()}));
        c.add("strides", ints(new int[] {g.strideHeight(), g.strideWidth()}));
        c.addProperty("padding", g.padding().keras());
        c.addProperty("data_format", g.dataFormat().keras());
        if (dilation) {
            c.add("dilation_rate", ints(new int[] {g.dilationHeight(), g.dilationWidth()}));
        }
    }

    private static void weighted(JsonObject c, WeightOptions o, String kernel) {
        c.addProperty("activation", o.activation().keras());
        c.addProperty("use_bias", o.useBias());
        c.add(kernel + "_initializer", initializer(o.kernelInitializer()));
        c.add("bias_initializer", initializer(o.biasInitializer()));
        c.add(kernel + "_regularizer", regularizer(o.kernelRegularizer()));
        c.add("bias_regularizer", regularizer(o.biasRegularizer()));
        c.add("activity_regularizer", regularizer(o.activityRegularizer()));
        c.add(kernel + "_constraint", constraint(o.kernelConstraint()));
        c.add("bias_constraint", constraint(o.biasConstraint()));
    }

    private static JsonArray ints(int[] values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonObject object(String cls, JsonObject config) {
        JsonObject o = new JsonObject();
        o.addProperty("class_name", cls);
        o.add("config", config);
        return o;
    }

    private static void seed(JsonObject c, Long seed) {
        if (seed == null) {
            c.add("seed", JsonNull.INSTANCE);
        } else {
            c.addProperty("seed", seed);
        }
    }

    static JsonObject initializer(Initializer i) {
        JsonObject c = new JsonObject();
        if (i instanceof Initializer.Constant k) {
            if (k.value() == 0 || k.value() == 1) {
                return object(k.value() == 0 ? "Zeros" : "Ones", c);
            }
            c.addProperty("value", k.value());
            return object("Constant", c);
        }
        if (i instanceof Initializer.RandomNormal r) {
            c.addProperty("mean", r.mean());
            c.addProperty("stddev", r.stddev());
            seed(c, r.seed());
            return object("RandomNormal", c);
        }
        if (i instanceof Initializer.RandomUniform r) {
            c.addProperty("minval", r.minval());
            c.addProperty("maxval", r.maxval());
            seed(c, r.seed());
            return object("RandomUniform", c);
        }
        if (i instanceof Initializer.TruncatedNormal r) {
            c.addProperty("mean", r.mean());
            c.addProperty("stddev", r.stddev());
            seed(c, r.seed());
            return object("TruncatedNormal", c);
        }
        if (i instanceof Initializer.VarianceScaling v) {
            c.addProperty("scale", v.scale());
            c.addProperty("mode", v.mode().keras());
            c.addProperty("distribution", v.uniform() ? "uniform" : "normal");
            seed(c, v.seed());
            return object("VarianceScaling", c);
        }
        throw new IllegalStateException("an initializer without a Keras form: " + i);
    }

    static com.google.gson.JsonElement regularizer(Regularizer r) {
        if (r == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject c = new JsonObject();
        c.addProperty("l1", r.l1());
        c.addProperty("l2", r.l2());
        return object("L1L2", c);
    }

    static com.google.gson.JsonElement constraint(Constraint k) {
        if (k == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject c = new JsonObject();
        if (k instanceof Constraint.MaxNorm m) {
            c.addProperty("max_value", m.maxValue());
            c.add("axis", ints(m.axes()));
            return object("MaxNorm", c);
        }
        if (k instanceof Constraint.NonNeg) {
            return object("NonNeg", c);
        }
        if (k instanceof Constraint.UnitNorm u) {
            c.add("axis", ints(u.axes()));
            return object("UnitNorm", c);
        }
        if (k instanceof Constraint.MinMaxNorm m) {
            c.addProperty("min_value", m.minValue());
            c.addProperty("max_value", m.maxValue());
            c.addProperty("rate", m.rate());
            c.add("axis", ints(m.axes()));
            return object("MinMaxNorm", c);
        }
        throw new IllegalStateException("a constraint without a Keras form: " + k);
    }
}
