package dev.cnnc.interop.keras;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.layers.LayerKinds;
import dev.cnnc.interop.InteropException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A Keras {@code model_config} (and {@code training_config}) as the {@code .cnn} file a person would write
 * for it: one line per layer with its required arguments positional and only the arguments whose values
 * differ from Keras' defaults, then {@code compile(...)}. Keras 2.2.4 and tf.keras 2.x configs alike:
 * Sequential models in both config forms, and functional models whose layers form one chain. Anything
 * cnnc cannot build is an {@link InteropException} naming the layer and its place in the JSON.
 */
final class ConfigToCnn {

    /** One converted layer: where it is in the JSON and in the generated text. */
    record LayerLine(int index, String kerasClass, String name, String text) {
        String where() {
            return "model_config: layers[" + index + "] '" + name + "' (" + kerasClass + ")";
        }
    }

    /** The converted model: its layer lines, input shape, compile line and what was left out. */
    record Converted(List<LayerLine> layers, int[] inputShape, String compile, List<String> warnings) {}

    /** Keys every layer config may carry that are not arguments of the layer's call. */
    private static final Set<String> COMMON = Set.of("name", "trainable", "dtype", "batch_input_shape", "batch_size",
            "input_dtype");

    /** Keys of newer Keras versions that cnnc can ignore when they hold these values (implementation details). */
    private static final Map<String, Object> NEUTRAL = Map.ofEntries(Map.entry("groups", 1), Map.entry("ragged", false),
            Map.entry("sparse", false), Map.entry("renorm", false), Map.entry("virtual_batch_size", "null"),
            Map.entry("adjustment", "null"), Map.entry("synchronized", false),
            Map.entry("renorm_clipping", "null"), Map.entry("renorm_momentum", 0.99), Map.entry("keepdims", false),
            Map.entry("interpolation", "nearest"));

    /** Keys whose value never matters to cnnc (how TensorFlow computes, not what). */
    private static final Set<String> IGNORED = Set.of("fused", "implementation");

    /** Keras' defaults of the arguments that have the same default in every layer that takes them. */
    private static final Map<String, Object> DEFAULTS = new HashMap<>();

    /** Defaults that differ by layer: {@code Class.key}. */
    private static final Map<String, Object> CLASS_DEFAULTS = new HashMap<>();

    static {
        DEFAULTS.put("strides", List.of(1, 1));
        DEFAULTS.put("padding", "valid");
        DEFAULTS.put("data_format", "channels_last");
        DEFAULTS.put("dilation_rate", List.of(1, 1));
        DEFAULTS.put("activation", "linear");
        DEFAULTS.put("use_bias", true);
        DEFAULTS.put("depth_multiplier", 1);
        DEFAULTS.put("pool_size", List.of(2, 2));
        DEFAULTS.put("noise_shape", "null");
        DEFAULTS.put("seed", "null");
        DEFAULTS.put("axis", -1);
        DEFAULTS.put("momentum", 0.99);
        DEFAULTS.put("epsilon", 0.001);
        DEFAULTS.put("center", true);
        DEFAULTS.put("scale", true);
        DEFAULTS.put("size", List.of(2, 2));
        DEFAULTS.put("interpolation", "nearest");
        DEFAULTS.put("output_padding", "null");
        DEFAULTS.put("max_value", "null");
        DEFAULTS.put("negative_slope", 0);
        DEFAULTS.put("threshold", 0);
        DEFAULTS.put("theta", 1.0);
        DEFAULTS.put("shared_axes", "null");
        DEFAULTS.put("cropping", List.of(List.of(0, 0), List.of(0, 0)));
        CLASS_DEFAULTS.put("ZeroPadding2D.padding", List.of(List.of(1, 1), List.of(1, 1)));
        CLASS_DEFAULTS.put("LeakyReLU.alpha", 0.3);
        CLASS_DEFAULTS.put("ELU.alpha", 1.0);
        for (String k : List.of("kernel_initializer", "depthwise_initializer", "pointwise_initializer")) {
            DEFAULTS.put(k, "glorot_uniform");
        }
        for (String k : List.of("bias_initializer", "beta_initializer", "moving_mean_initializer", "alpha_initializer")) {
            DEFAULTS.put(k, "zeros");
        }
        for (String k : List.of("gamma_initializer", "moving_variance_initializer")) {
            DEFAULTS.put(k, "ones");
        }
    }

    private final Path file;
    private final List<String> warnings = new ArrayList<>();

    private ConfigToCnn(Path file) {
        this.file = file;
    }

    static Converted convert(Path file, String modelConfig, String trainingConfig) throws InteropException {
        return new ConfigToCnn(file).convert(modelConfig, trainingConfig);
    }

    private InteropException fail(String where, String problem) {
        return new InteropException(file, where + ": " + problem);
    }

    static JsonElement parse(Path file, String part, String json) throws InteropException {
        try {
            return JsonParser.parseString(json);
        } catch (JsonParseException | IllegalStateException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().replaceAll("^[a-zA-Z.]*Exception: ", "");
            throw new InteropException(file, part + " is not JSON: " + m);
        }
    }

    private Converted convert(String modelConfig, String trainingConfig) throws InteropException {
        JsonElement root = parse(file, "model_config", modelConfig);
        if (!root.isJsonObject()) {
            throw fail("model_config", "is not a JSON object with class_name and config");
        }
        JsonObject top = root.getAsJsonObject();
        String modelClass = string(top, "class_name", "model_config");
        JsonElement config = top.get("config");
        List<JsonObject> layers;
        if (modelClass.equals("Sequential")) {
            JsonElement list = config != null && config.isJsonObject() ? config.getAsJsonObject().get("layers") : config;
            if (list == null || !list.isJsonArray()) {
                throw fail("model_config", "a Sequential config without a list of layers");
            }
            layers = objects(list.getAsJsonArray(), "model_config: layers");
        } else if (modelClass.equals("Model") || modelClass.equals("Functional")) {
            if (config == null || !config.isJsonObject()) {
                throw fail("model_config", "a functional model's config must be an object");
            }
            layers = Chain.of(this, config.getAsJsonObject());
        } else {
            throw fail("model_config", "class_name '" + modelClass + "' is not a model cnnc can import: Sequential "
                    + "models and functional models whose layers form one chain (a subclassed model has no config)");
        }
        if (layers.isEmpty()) {
            throw fail("model_config", "the model has no layers");
        }
        int[] input = null;
        List<LayerLine> lines = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            JsonObject layer = layers.get(i);
            String where = "model_config: layers[" + i + "]";
            String cls = string(layer, "class_name", where);
            JsonElement c = layer.get("config");
            if (c == null || !c.isJsonObject()) {
                throw fail(where, "layer '" + cls + "' has no config object");
            }
            JsonObject cfg = c.getAsJsonObject();
            String name = cfg.has("name") && cfg.get("name").isJsonPrimitive() ? cfg.get("name").getAsString() : null;
            if (name == null) {
                throw fail(where, "layer '" + cls + "' has no name");
            }
            where = where + " '" + name + "' (" + cls + ")";
            if (input == null) {
                input = inputShape(cfg, top, where);
            }
            if (cls.equals("InputLayer")) {
                if (i != 0) {
                    throw fail(where, "an InputLayer can only come first");
                }
                continue;
            }
            lines.add(new LayerLine(i, cls, name, layerCall(cls, name, cfg, where)));
        }
        if (lines.isEmpty()) {
            throw fail("model_config", "the model has no layers after its input");
        }
        String compile = trainingConfig == null ? null : compile(trainingConfig);
        return new Converted(lines, input, compile, warnings);
    }

    private int[] inputShape(JsonObject cfg, JsonObject top, String where) throws InteropException {
        JsonElement shape = cfg.get("batch_input_shape");
        String key = "batch_input_shape";
        if (shape == null && top.get("config") != null && top.get("config").isJsonObject()) {
            shape = top.getAsJsonObject("config").get("build_input_shape");
            key = "build_input_shape";
            where = "model_config";
        }
        if (shape == null || !shape.isJsonArray() || shape.getAsJsonArray().size() < 2) {
            throw fail(where, "the first layer has no batch_input_shape, so the model's input shape is unknown "
                    + "(a model that was never built or called)");
        }
        JsonArray a = shape.getAsJsonArray();
        int[] dims = new int[a.size() - 1];
        for (int i = 1; i < a.size(); i++) {
            JsonElement d = a.get(i);
            if (d.isJsonNull()) {
                throw fail(where, key + " " + PyLiterals.of(a) + " has a variable dimension: cnnc compiles one input "
                        + "shape; save the model with a fixed input_shape");
            }
            if (!isInt(d) || d.getAsLong() < 1 || d.getAsLong() > 1 << 20) {
                throw fail(where, key + " " + PyLiterals.of(a) + " is not a shape of positive integers");
            }
            dims[i - 1] = d.getAsInt();
        }
        return dims;
    }

    private String layerCall(String cls, String name, JsonObject cfg, String where) throws InteropException {
        LayerKind kind = LayerKinds.REGISTRY.find(cls);
        if (kind == null) {
            if (cls.equals("Lambda")) {
                throw fail(where, "is not supported: cnnc cannot compile Python code");
            }
            throw fail(where, "is not supported: cnnc has no layer " + cls
                    + (LayerKinds.REGISTRY.isUnsupportedKerasLayer(cls) ? " yet" : "")
                    + " (docs/language.md lists the layers it compiles)");
        }
        checkDtype(cfg, where);
        List<String> positional = kind.signature().requiredNames();
        List<String> names = kind.signature().names();
        List<String> args = new ArrayList<>();
        for (String key : cfg.keySet()) {
            if (!COMMON.contains(key) && !names.contains(key) && !IGNORED.contains(key)) {
                Object neutral = NEUTRAL.get(key);
                if (neutral == null || !same(cfg.get(key), neutral)) {
                    throw fail(where, "argument " + key + "=" + shortText(cfg.get(key)) + " is not supported by cnnc's "
                            + cls);
                }
            }
        }
        for (String key : names) {
            JsonElement v = cfg.get(key);
            if (v == null) {
                continue;
            }
            boolean required = positional.contains(key);
            String text = value(cls, key, v, cfg, where);
            if (text == null && !required) {
                continue;
            }
            if (text == null) {
                text = PyLiterals.of(v);
            }
            args.add(required ? text : key + "=" + text);
        }
        if (cfg.has("trainable") && cfg.get("trainable").isJsonPrimitive() && !cfg.get("trainable").getAsBoolean()) {
            warnings.add(where + ": trainable=False is left out: cnnc trains every layer, so cnnc train updates it too");
        }
        return cls + "(" + String.join(", ", args) + ")";
    }

    private void checkDtype(JsonObject cfg, String where) throws InteropException {
        JsonElement d = cfg.get("dtype");
        if (d == null || d.isJsonNull()) {
            return;
        }
        String dtype = d.isJsonPrimitive() ? d.getAsString()
                : d.isJsonObject() && d.getAsJsonObject().has("config")
                        && d.getAsJsonObject().getAsJsonObject("config").has("name")
                        ? d.getAsJsonObject().getAsJsonObject("config").get("name").getAsString() : d.toString();
        if (!dtype.equals("float32")) {
            throw fail(where, "dtype '" + dtype + "' is not supported: cnnc computes in float32");
        }
    }

    /** The Python text of argument {@code key}, or null if it holds Keras' default. */
    private String value(String cls, String key, JsonElement v, JsonObject cfg, String where) throws InteropException {
        if (key.endsWith("_initializer")) {
            String text = KerasObjects.initializer(v, where + " " + key, this::fail);
            return text.equals(PyLiterals.string(String.valueOf(DEFAULTS.get(key)))) ? null : text;
        }
        if (key.endsWith("_regularizer")) {
            return v.isJsonNull() ? null : KerasObjects.regularizer(v, where + " " + key, this::fail);
        }
        if (key.endsWith("_constraint")) {
            return v.isJsonNull() ? null : KerasObjects.constraint(v, where + " " + key, this::fail);
        }
        if (v.isJsonObject()) {
            throw fail(where, "argument " + key + "=" + shortText(v) + " is not supported by cnnc");
        }
        if (key.equals("strides") && cls.endsWith("Pooling2D") && same(v, cfg.get("pool_size"))) {
            return null; // Keras stores strides=None as strides=pool_size
        }
        if (key.equals("data_format") && v.isJsonNull()) {
            return null;
        }
        if (key.equals("axis") && v.isJsonArray() && v.getAsJsonArray().size() == 1) {
            v = v.getAsJsonArray().get(0); // tf.keras writes BatchNormalization's axis as a list
        }
        Object def = CLASS_DEFAULTS.containsKey(cls + "." + key) ? CLASS_DEFAULTS.get(cls + "." + key) : DEFAULTS.get(key);
        if (def != null && same(v, def)) {
            return null;
        }
        return PyLiterals.of(v);
    }

    // ---------------------------------------------------------------------------------------------
    // compile(...) from training_config

    private static final Map<String, Map<String, Double>> OPTIMIZER_DEFAULTS = Map.of(
            "SGD", Map.of("lr", 0.01, "momentum", 0.0, "decay", 0.0),
            "RMSprop", Map.of("lr", 0.001, "rho", 0.9, "epsilon", 1e-7, "decay", 0.0),
            "Adam", Map.of("lr", 0.001, "beta_1", 0.9, "beta_2", 0.999, "epsilon", 1e-7, "decay", 0.0),
            "Adagrad", Map.of("lr", 0.01, "epsilon", 1e-7, "decay", 0.0),
            "Adadelta", Map.of("lr", 1.0, "rho", 0.95, "epsilon", 1e-7, "decay", 0.0),
            "Adamax", Map.of("lr", 0.002, "beta_1", 0.9, "beta_2", 0.999, "epsilon", 1e-7, "decay", 0.0),
            "Nadam", Map.of("lr", 0.002, "beta_1", 0.9, "beta_2", 0.999, "epsilon", 1e-7, "schedule_decay", 0.004));

    /** Optimizer keys of newer Keras versions, ignorable when they hold these values. */
    private static final Map<String, Object> OPTIMIZER_NEUTRAL = Map.of("momentum", 0, "centered", false,
            "nesterov", false, "amsgrad", false, "clipnorm", "null", "clipvalue", "null", "global_clipnorm", "null",
            "use_ema", false, "weight_decay", "null", "initial_accumulator_value", 0.1);

    private String compile(String trainingConfig) throws InteropException {
        JsonElement root = parse(file, "training_config", trainingConfig);
        if (!root.isJsonObject()) {
            warnings.add("training_config is not a JSON object: compile(...) is left out");
            return null;
        }
        JsonObject t = root.getAsJsonObject();
        List<String> args = new ArrayList<>();
        String optimizer = optimizer(t.get("optimizer_config"));
        if (optimizer != null) {
            args.add("optimizer=" + optimizer);
        }
        JsonElement loss = t.get("loss");
        String lossText = loss == null ? null : loss(loss);
        if (lossText != null) {
            args.add("loss=" + lossText);
        }
        JsonElement metrics = t.get("metrics");
        List<String> names = new ArrayList<>();
        if (metrics != null && metrics.isJsonArray()) {
            for (JsonElement m : metrics.getAsJsonArray()) {
                JsonElement one = m.isJsonArray() && m.getAsJsonArray().size() == 1 ? m.getAsJsonArray().get(0) : m;
                String metric = one.isJsonPrimitive() ? one.getAsString()
                        : one.isJsonObject() && one.getAsJsonObject().has("config")
                                && one.getAsJsonObject().getAsJsonObject("config").has("name")
                                ? one.getAsJsonObject().getAsJsonObject("config").get("name").getAsString() : null;
                if (metric != null && (metric.equals("accuracy") || metric.equals("acc"))) {
                    names.add(PyLiterals.string(metric));
                } else {
                    warnings.add("training_config: metric " + shortText(m) + " is left out: cnnc reports loss and "
                            + "accuracy");
                }
            }
        }
        if (!names.isEmpty()) {
            args.add("metrics=[" + String.join(", ", names) + "]");
        }
        return args.isEmpty() ? null : "compile(" + String.join(", ", args) + ")";
    }

    private String optimizer(JsonElement o) {
        if (o == null || !o.isJsonObject() || !o.getAsJsonObject().has("class_name")) {
            if (o != null) {
                warnings.add("training_config: optimizer_config " + shortText(o) + " is not understood; left out");
            }
            return null;
        }
        String cls = o.getAsJsonObject().get("class_name").getAsString();
        if (cls.startsWith("Custom>")) {
            cls = cls.substring("Custom>".length());
        }
        Map<String, Double> defaults = OPTIMIZER_DEFAULTS.get(cls);
        if (defaults == null) {
            warnings.add("training_config: optimizer " + cls + " is not one cnnc has; compile(...) names no optimizer");
            return null;
        }
        JsonElement c = o.getAsJsonObject().get("config");
        List<String> args = new ArrayList<>();
        if (c != null && c.isJsonObject()) {
            Map<String, JsonElement> cfg = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : c.getAsJsonObject().entrySet()) {
                cfg.put(e.getKey().equals("learning_rate") ? "lr" : e.getKey(), e.getValue());
            }
            for (Map.Entry<String, JsonElement> e : cfg.entrySet()) {
                String key = e.getKey();
                JsonElement v = e.getValue();
                if (key.equals("name") || key.equals("jit_compile") || key.equals("is_legacy_optimizer")
                        || key.equals("ema_momentum") || key.equals("ema_overwrite_frequency")) {
                    continue;
                }
                if (defaults.containsKey(key)) {
                    if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                        warnings.add("training_config: " + cls + " " + key + "=" + shortText(v)
                                + " is not a number (a schedule?); Keras' default is used");
                        continue;
                    }
                    if (!same(v, defaults.get(key))) {
                        args.add(key + "=" + PyLiterals.of(v));
                    }
                } else if (key.equals("nesterov") || key.equals("amsgrad") || key.equals("clipnorm")
                        || key.equals("clipvalue")) {
                    if (!same(v, OPTIMIZER_NEUTRAL.get(key))) {
                        args.add(key + "=" + PyLiterals.of(v));
                    }
                } else if (!OPTIMIZER_NEUTRAL.containsKey(key) || !same(v, OPTIMIZER_NEUTRAL.get(key))) {
                    warnings.add("training_config: " + cls + " " + key + "=" + shortText(v)
                            + " is not supported by cnnc; left out");
                }
            }
        }
        if (args.isEmpty()) {
            return PyLiterals.string(cls.toLowerCase(Locale.ROOT).equals("rmsprop") ? "rmsprop"
                    : cls.toLowerCase(Locale.ROOT));
        }
        return cls + "(" + String.join(", ", args) + ")";
    }

    private String loss(JsonElement loss) {
        if (loss.isJsonPrimitive()) {
            return PyLiterals.string(loss.getAsString());
        }
        if (loss.isJsonObject() && loss.getAsJsonObject().has("class_name")) {
            String cls = loss.getAsJsonObject().get("class_name").getAsString();
            JsonElement c = loss.getAsJsonObject().get("config");
            boolean logits = c != null && c.isJsonObject() && c.getAsJsonObject().has("from_logits")
                    && c.getAsJsonObject().get("from_logits").getAsBoolean();
            if (logits) {
                return "keras.losses." + cls + "(from_logits=True)";
            }
            return PyLiterals.string(cls.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT));
        }
        warnings.add("training_config: loss " + shortText(loss) + " is not understood; left out");
        return null;
    }

    // ---------------------------------------------------------------------------------------------

    String string(JsonObject o, String key, String where) throws InteropException {
        JsonElement v = o.get(key);
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
            throw fail(where, "has no " + key);
        }
        return v.getAsString();
    }

    List<JsonObject> objects(JsonArray a, String where) throws InteropException {
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).isJsonObject()) {
                throw fail(where + "[" + i + "]", "is not a layer object with class_name and config");
            }
            out.add(a.get(i).getAsJsonObject());
        }
        return out;
    }

    InteropException failAt(String where, String problem) {
        return fail(where, problem);
    }

    static boolean isInt(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber() && e.getAsString().matches("-?[0-9]+");
    }

    /** JSON value {@code v} equals the default {@code d} (numbers by value, lists element by element, "null" for null). */
    static boolean same(JsonElement v, Object d) {
        if (v == null) {
            return d == null;
        }
        if (d instanceof String s && s.equals("null")) {
            return v.isJsonNull();
        }
        if (v.isJsonNull()) {
            return false;
        }
        if (d instanceof JsonElement e) {
            return v.equals(e) || v.isJsonPrimitive() && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()
                    && v.getAsJsonPrimitive().isNumber() && v.getAsDouble() == e.getAsDouble()
                    || v.isJsonArray() && e.isJsonArray() && sameList(v.getAsJsonArray(), e.getAsJsonArray());
        }
        if (d instanceof Number n) {
            return v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()
                    && (float) v.getAsDouble() == (float) n.doubleValue();
        }
        if (d instanceof Boolean b) {
            return v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean() && v.getAsBoolean() == b;
        }
        if (d instanceof String s) {
            return v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() && v.getAsString().equals(s);
        }
        if (d instanceof List<?> list) {
            if (!v.isJsonArray() || v.getAsJsonArray().size() != list.size()) {
                return false;
            }
            for (int i = 0; i < list.size(); i++) {
                if (!same(v.getAsJsonArray().get(i), list.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean sameList(JsonArray a, JsonArray b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!same(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    static String shortText(JsonElement v) {
        String s = v instanceof JsonPrimitive p && p.isString() ? PyLiterals.string(p.getAsString()) : v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** A failure factory, so that {@link KerasObjects} and {@link Chain} report as this converter does. */
    interface Failure {
        InteropException at(String where, String problem);
    }
}
