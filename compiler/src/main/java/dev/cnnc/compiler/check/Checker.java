package dev.cnnc.compiler.check;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.Span;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Augment;
import dev.cnnc.compiler.ir.JavaNames;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Loss;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.Optimizer;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.Training;
import dev.cnnc.compiler.syntax.Ast;
import dev.cnnc.compiler.syntax.Ast.Call;
import dev.cnnc.compiler.syntax.Ast.Statement;
import dev.cnnc.compiler.syntax.Ast.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed file into a checked {@link Model}: resolves each call (layer, {@code input},
 * {@code compile}, {@code fit}, Keras' {@code model.add(...)} forms), binds and checks arguments,
 * and infers every shape. Every problem is reported; checking goes on after one.
 */
public final class Checker {
    /** The most layers a model may have. */
    public static final int MAX_LAYERS = 1000;
    /** The most parameters a model may have: 2^31 floats, 8 GiB. */
    public static final long MAX_PARAMETERS = 1L << 31;

    /** Arguments every layer accepts besides its own. */
    private static final List<String> COMMON = List.of("name", "input_shape", "batch_input_shape", "batch_size",
            "trainable", "dtype");
    private static final List<String> STATEMENTS = List.of("input", "compile", "fit", "augment", "summary");
    private static final Set<String> IGNORED_METHODS = Set.of("evaluate", "predict", "save", "save_weights",
            "load_weights", "to_json");

    private static final Signature INPUT = Signature.of("input").optional("shape").build();
    private static final Signature COMPILE = Signature.of("compile").optional("optimizer", "loss", "metrics")
            .keywordOnly("loss_weights", "sample_weight_mode", "weighted_metrics").build();
    private static final Signature FIT = Signature.of("fit").optional("x", "y", "batch_size", "epochs", "verbose",
            "callbacks", "validation_split", "validation_data", "shuffle", "class_weight", "sample_weight",
            "initial_epoch", "steps_per_epoch", "validation_steps").keywordOnly("validation_freq", "max_queue_size",
            "workers", "use_multiprocessing").build();
    /** Keras' InputLayer and tf.keras' Input: the input shape, written as a first layer. */
    private static final Signature INPUT_LAYER = Signature.of("InputLayer").keywordOnly("input_shape", "batch_size",
            "batch_input_shape", "dtype", "input_tensor", "sparse", "name").build();
    private static final Signature INPUT_FUNCTION = Signature.of("Input").optional("shape", "batch_size", "name", "dtype",
            "sparse", "tensor").keywordOnly("batch_shape").build();
    private static final Signature SEQUENTIAL = Signature.of("Sequential").optional("layers", "name").build();

    private final Diagnostics diagnostics;
    private String packageName;
    private Span packageSpan;
    private String modelName;
    private Span modelSpan;
    private Shape inputShape;
    private Span inputSpan;
    private boolean inputKnown = true;
    private final List<Layer> layers = new ArrayList<>();
    private int layerCalls;
    private final Map<String, Integer> counters = new HashMap<>();
    private final Map<String, Span> layerNames = new HashMap<>();
    private final Set<String> sequentialVariables = new HashSet<>();
    private Span sequentialSpan;
    /** The name given by Sequential(name=...), used if there is no model line. */
    private String sequentialName;
    private Call compileCall;
    private Call fitCall;
    private Call augmentCall;
    private Training training;

    private final LayerRegistry kinds;

    private Checker(Diagnostics diagnostics, LayerRegistry kinds) {
        this.diagnostics = diagnostics;
        this.kinds = kinds;
    }

    /** Checks {@code program} with the layer kinds of {@code kinds}; returns the model, or null if there were errors. */
    public static Model check(Ast.Program program, Diagnostics diagnostics, LayerRegistry kinds) {
        return new Checker(diagnostics, kinds).run(program);
    }

    private Model run(Ast.Program program) {
        for (Statement s : program.statements()) {
            statement(s);
        }
        finishTraining();
        String name = resolveModelName();
        if (layerCalls == 0 && !diagnostics.hasErrors()) { // after an error, a consequence
            diagnostics.error(modelSpan != null ? modelSpan : new Span(1, 1, 1),
                    "the model has no layers: add layers such as Conv2D(32, (3, 3), activation='relu')");
        }
        long parameters = layers.stream().mapToLong(Layer::parameterCount).sum();
        if (parameters > MAX_PARAMETERS) {
            diagnostics.error(layers.get(0).span(), String.format(
                    "the model has %,d parameters, more than cnnc's limit of %,d (8 GiB of floats)", parameters,
                    MAX_PARAMETERS));
        }
        if (diagnostics.hasErrors()) {
            return null;
        }
        return new Model(name, packageName, diagnostics.source(), inputShape, layers, training);
    }

    // -----------------------------------------------------------------------------------------
    // Statements

    private void statement(Statement s) {
        if (s instanceof Ast.PackageStatement p) {
            packageStatement(p);
        } else if (s instanceof Ast.ModelStatement m) {
            modelStatement(m);
        } else if (s instanceof Ast.AssignStatement a) {
            assignment(a);
        } else if (s instanceof Ast.CallStatement c) {
            call(c.call());
        }
        // imports are accepted and ignored
    }

    private void packageStatement(Ast.PackageStatement p) {
        if (packageName != null) {
            diagnostics.error(p.span(), "the package is already given on line " + packageSpan.line());
            return;
        }
        for (String segment : p.name().split("\\.")) {
            String problem = JavaNames.problem(segment);
            if (problem != null) {
                diagnostics.error(p.span(), "package name '" + p.name() + "' is not a valid Java package: '" + segment
                        + "' " + problem);
                return;
            }
        }
        packageName = p.name();
        packageSpan = p.span();
    }

    private void modelStatement(Ast.ModelStatement m) {
        if (modelName != null) {
            diagnostics.error(m.span(), "the model is already named on line " + modelSpan.line());
            return;
        }
        checkModelName(m.name(), m.span(), "model name");
        modelName = m.name();
        modelSpan = m.span();
    }

    private boolean checkModelName(String name, Span span, String what) {
        String problem = JavaNames.classProblem(name);
        if (problem != null) {
            diagnostics.error(span, what + " '" + name + "' " + problem + "; it becomes the name of a Java class");
            return false;
        }
        return true;
    }

    private void assignment(Ast.AssignStatement a) {
        if (a.value() instanceof Ast.CallValue c && c.call().simpleName().equals("ImageDataGenerator")) {
            augment(c.call());
            return;
        }
        if (a.value() instanceof Ast.CallValue c && c.call().simpleName().equals("Sequential")) {
            if (sequentialSpan != null) {
                diagnostics.error(a.span(), "the model is already created on line " + sequentialSpan.line()
                        + "; a .cnn file describes one model");
                return;
            }
            sequentialSpan = a.span();
            sequentialVariables.add(a.target());
            Args args = SEQUENTIAL.bind(c.call(), diagnostics);
            String name = args.string("name");
            if (name != null) {
                String className = JavaNames.upperCamel(name);
                if (checkModelName(className, args.span("name"), "model name")) {
                    sequentialName = className;
                }
            }
            Value list = args.value("layers");
            if (list != null) {
                List<Value> items = Args.items(list);
                if (items == null) {
                    args.error("layers", "layers must be a list of layers, found " + Args.describe(list));
                } else {
                    for (Value item : items) {
                        layerValue(item, "Sequential");
                    }
                }
            }
            return;
        }
        diagnostics.error(a.span(), "only 'model = Sequential()' assignments are understood; write layers as calls, "
                + "such as Conv2D(32, (3, 3))");
    }

    private void call(Call call) {
        String qualifier = call.qualifier();
        String simple = call.simpleName();
        if (sequentialVariables.contains(qualifier) || qualifier.equals("model")) {
            method(call, simple);
            return;
        }
        if (qualifier.isEmpty()) {
            switch (simple) {
                case "input" -> input(call);
                case "compile" -> compile(call);
                case "fit" -> fit(call);
                case "augment" -> augment(call);
                case "summary" -> SUMMARY.bind(call, diagnostics);
                case "print" -> diagnostics.warning(call.nameSpan(), "print(...) is ignored");
                default -> layer(call);
            }
            return;
        }
        layer(call);
    }

    private static final Signature SUMMARY = Signature.of("summary").build();
    private static final Signature ADD = Signature.of("add").required("layer").build();

    /** {@code model.add(...)}, {@code model.compile(...)}, ... */
    private void method(Call call, String method) {
        switch (method) {
            case "add" -> {
                Args args = ADD.bind(call, diagnostics);
                if (args.ok()) {
                    layerValue(args.value("layer"), "model.add");
                }
            }
            case "compile" -> compile(call);
            case "fit" -> fit(call);
            case "summary" -> SUMMARY.bind(call, diagnostics);
            default -> {
                if (IGNORED_METHODS.contains(method)) {
                    diagnostics.warning(call.nameSpan(), call.name() + "(...) is ignored: cnnc train evaluates, saves and "
                            + "predicts from the command line");
                } else {
                    diagnostics.error(call.nameSpan(), "unknown method '" + method + "'"
                            + Suggest.didYouMean(method, List.of("add", "compile", "fit", "summary"))
                            + " (a model has add, compile, fit and summary)");
                }
            }
        }
    }

    private void layerValue(Value v, String where) {
        if (v instanceof Ast.CallValue c) {
            layer(c.call());
        } else {
            diagnostics.error(v.span(), where + " takes a layer such as Dense(10), found " + Args.describe(v));
        }
    }

    private void input(Call call) {
        if (inputShape != null) {
            diagnostics.error(call.nameSpan(), "the input shape is already given on line " + inputSpan.line());
            return;
        }
        if (layerCalls > 0) {
            diagnostics.error(call.nameSpan(), "input(...) must come before the first layer");
            return;
        }
        Shape shape;
        if (call.arguments().size() == 1 && call.arguments().get(0).isKeyword()) {
            shape = INPUT.bind(call, diagnostics).shape("shape");
        } else {
            List<Value> dims = new ArrayList<>();
            for (Ast.Argument a : call.arguments()) {
                if (a.isKeyword()) {
                    diagnostics.error(a.nameSpan(), "input takes its dimensions, such as input(28, 28, 1), or shape=(...)");
                    return;
                }
                dims.add(a.value());
            }
            if (dims.isEmpty()) {
                diagnostics.error(call.nameSpan(), "input needs the shape of one example, such as input(28, 28, 1)");
                return;
            }
            Value tuple = dims.size() == 1 && Args.items(dims.get(0)) != null ? dims.get(0)
                    : new Ast.TupleValue(dims, dims.get(0).span());
            Args args = Signature.of("input").optional("shape").build().bind(
                    new Call(call.name(), call.nameSpan(), List.of(new Ast.Argument(null, null, tuple)), call.closeSpan()),
                    diagnostics);
            shape = args.shape("shape");
        }
        if (shape != null && shape.size() > LayerContext.MAX_ARRAY / 2) {
            diagnostics.error(call.nameSpan(), String.format("the input would hold %,d floats per example (%s); the limit is %,d",
                    shape.size(), shape, LayerContext.MAX_ARRAY / 2));
            shape = null;
        }
        if (shape != null) {
            inputShape = shape;
            inputSpan = call.nameSpan();
        } else {
            inputKnown = false;
        }
    }

    /** {@code InputLayer(input_shape=...)} or {@code Input(shape=...)} before the first layer: the input shape. */
    private void inputLayer(Call call) {
        boolean function = call.simpleName().equals("Input");
        Args args = (function ? INPUT_FUNCTION : INPUT_LAYER).bind(call, diagnostics);
        if (layerCalls > 0) {
            diagnostics.error(call.nameSpan(), call.simpleName() + "(...) must come before the first layer");
            return;
        }
        if (inputShape != null) {
            diagnostics.error(call.nameSpan(), "the input shape is already given on line " + inputSpan.line());
            return;
        }
        String shapeName = function ? "shape" : "input_shape";
        String batchName = function ? "batch_shape" : "batch_input_shape";
        Shape shape = args.has(shapeName) ? args.shape(shapeName) : args.batchShape(batchName);
        if (!args.has(shapeName) && !args.has(batchName)) {
            args.callError(call.simpleName() + "(...) needs the shape of one example, such as " + shapeName + "=(28, 28, 1)");
        }
        for (String unsupported : List.of("input_tensor", "tensor", "sparse")) {
            if (args.has(unsupported) && !(args.value(unsupported) instanceof Ast.NoneValue)
                    && !(args.value(unsupported) instanceof Ast.BoolValue b && !b.value())) {
                args.error(unsupported, unsupported + " is not supported");
            }
        }
        if (shape != null) {
            inputShape = shape;
            inputSpan = call.nameSpan();
        } else {
            inputKnown = false;
        }
    }

    // -----------------------------------------------------------------------------------------
    // Layers

    private void layer(Call call) {
        String simple = call.simpleName();
        if (simple.equals("InputLayer") || simple.equals("Input")) {
            inputLayer(call);
            return;
        }
        LayerKind kind = kinds.find(simple);
        if (kind == null || !isLayerQualifier(call.qualifier())) {
            unknownLayer(call);
            inputKnown = false;
            layerCalls++;
            return;
        }
        Signature signature = withCommonArguments(kind);
        Args args = signature.bind(call, diagnostics);
        Shape declared = declaredInput(kind, args);
        if (layerCalls == 0) {
            String given = args.has("input_shape") ? "input_shape" : args.has("batch_input_shape") ? "batch_input_shape"
                    : "input_dim";
            if (declared != null && inputShape != null && !declared.equals(inputShape)) {
                args.error(given, given + " " + declared + " disagrees with input(...) on line " + inputSpan.line() + " ("
                        + inputShape + ")");
            } else if (declared != null) {
                inputShape = declared;
                inputSpan = args.span(given);
            }
            if (inputShape == null && inputKnown) {
                diagnostics.error(call.nameSpan(), "the model has no input shape: add input(28, 28, 1) before the first "
                        + "layer, or input_shape=(28, 28, 1) to it");
                inputKnown = false;
            }
        } else if (declared != null) {
            diagnostics.warning(args.span(args.has("input_shape") ? "input_shape" : args.has("batch_input_shape")
                    ? "batch_input_shape" : "input_dim"),
                    "input_shape is only used on the first layer; ignored here");
        }
        layerCalls++;
        if (layerCalls > MAX_LAYERS) {
            if (layerCalls == MAX_LAYERS + 1) {
                diagnostics.error(call.nameSpan(), "the model has more than " + MAX_LAYERS + " layers");
            }
            return;
        }
        checkCommonArguments(args);
        String name = layerName(kind, args);
        Shape input = inputKnown ? (layers.isEmpty() ? inputShape : layers.get(layers.size() - 1).outputShape()) : null;
        Layer layer = kind.build().apply(new LayerContext(name, call.nameSpan(), args, input));
        if (layer != null && layer.outputShape().size() > LayerContext.MAX_ARRAY / 2) {
            diagnostics.error(call.nameSpan(), String.format("%s output would hold %,d floats per example (%s); the limit is %,d",
                    kind.kerasClass(), layer.outputShape().size(), layer.outputShape(), LayerContext.MAX_ARRAY / 2));
            layer = null;
        }
        if (layer == null) {
            inputKnown = false; // later layers only check their arguments
        } else if (inputKnown) {
            layers.add(layer);
        }
    }

    private static boolean isLayerQualifier(String qualifier) {
        return qualifier.isEmpty() || qualifier.equals("layers") || qualifier.endsWith(".layers");
    }

    private void unknownLayer(Call call) {
        String simple = call.simpleName();
        if (kinds.find(simple) != null) {
            diagnostics.error(call.nameSpan(), "unknown module '" + call.qualifier() + "': write " + simple + "(...) or layers."
                    + simple + "(...)");
        } else if (kinds.isUnsupportedKerasLayer(simple)) {
            diagnostics.error(call.nameSpan(), "layer " + simple + " is not supported yet (cnnc supports "
                    + String.join(", ", kinds.names()) + ")");
        } else {
            List<String> candidates = new ArrayList<>(kinds.names());
            candidates.addAll(STATEMENTS);
            diagnostics.error(call.nameSpan(), "unknown layer '" + call.name() + "'" + Suggest.didYouMean(simple, candidates));
        }
    }

    private static final Map<LayerKind, Signature> WITH_COMMON = new HashMap<>();

    private static synchronized Signature withCommonArguments(LayerKind kind) {
        return WITH_COMMON.computeIfAbsent(kind, k -> k.signature().withKeywordOnly(COMMON));
    }

    private Shape declaredInput(LayerKind kind, Args args) {
        Shape shape = args.has("input_shape") ? args.shape("input_shape") : args.batchShape("batch_input_shape");
        if (args.has("input_dim")) {
            int dim = args.positiveInt("input_dim", 1);
            if (shape == null) {
                shape = Shape.of(dim);
            }
        }
        return shape;
    }

    private void checkCommonArguments(Args args) {
        if (args.has("trainable") && !args.bool("trainable", true)) {
            args.error("trainable", "trainable=False is not supported: cnnc trains every layer");
        }
        if (args.has("dtype")) {
            String dtype = args.string("dtype");
            if (dtype != null && !dtype.equals("float32")) {
                args.error("dtype", "dtype '" + dtype + "' is not supported: cnnc computes in float32");
            }
        }
    }

    /** Keras 2.2.4 names layers {@code conv2d_1}, {@code conv2d_2}, ...; {@code name=} overrides. */
    private String layerName(LayerKind kind, Args args) {
        String given = args.has("name") ? args.string("name") : null;
        String name;
        if (given != null) {
            name = given;
            String className = JavaNames.upperCamel(given);
            String problem = className.isEmpty() ? "has no letters or digits" : JavaNames.classProblem(className);
            int unprintable = given.codePoints().filter(Checker::unprintable).findFirst().orElse(-1);
            if (problem != null) {
                args.error("name", "layer name '" + given + "' cannot name a Java class: '" + className + "' " + problem);
            } else if (unprintable >= 0) {
                // A name is one cell of the summary table and is quoted in the generated sources.
                args.error("name", String.format("layer name '%s' holds U+%04X, a control character or line break; a layer "
                        + "name is printed on one line", given, unprintable));
            }
        } else {
            int n = counters.merge(kind.namePrefix(), 1, Integer::sum);
            name = kind.namePrefix() + "_" + n;
        }
        String className = JavaNames.upperCamel(name);
        Span where = given != null ? args.span("name") : args.call().nameSpan();
        Span previous = layerNames.putIfAbsent(className, where);
        if (previous != null) {
            diagnostics.error(where, "layer name '" + name + "' is already used on line " + previous.line()
                    + "; layer names must be unique");
        }
        return name;
    }

    /** Control characters (C0, DEL, C1) and Unicode's line and paragraph separators. */
    private static boolean unprintable(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    // -----------------------------------------------------------------------------------------
    // compile and fit

    private void compile(Call call) {
        if (compileCall != null) {
            diagnostics.error(call.nameSpan(), "compile(...) is already given on line " + compileCall.nameSpan().line());
            return;
        }
        compileCall = call;
    }

    private void fit(Call call) {
        if (fitCall != null) {
            diagnostics.error(call.nameSpan(), "fit(...) is already given on line " + fitCall.nameSpan().line());
            return;
        }
        fitCall = call;
    }

    private void augment(Call call) {
        if (augmentCall != null) {
            diagnostics.error(call.nameSpan(), "augment(...) is already given on line " + augmentCall.nameSpan().line());
            return;
        }
        augmentCall = call;
    }

    /** The file's augment(...), bound and checked against the input, or null. */
    private Augment finishAugment() {
        if (augmentCall == null) {
            return null;
        }
        Augment augment = Augments.bind(augmentCall, diagnostics);
        if (augment == null || inputShape == null || !inputKnown) {
            return augment;
        }
        if (inputShape.rank() != 3) {
            diagnostics.error(augmentCall.nameSpan(), augmentCall.simpleName() + "(...) transforms images, but the "
                    + "model's input is " + inputShape.toKeras() + ": its input must be (rows, cols, channels)");
            return null;
        }
        if (augment.isIdentity()) {
            diagnostics.warning(augmentCall.nameSpan(), augmentCall.simpleName() + "(...) changes nothing: give a "
                    + "range such as rotation_range=10 or a flip");
        }
        return augment;
    }

    private void finishTraining() {
        Optimizer optimizer = null;
        Loss loss = null;
        boolean fromLogits = false;
        List<String> metrics = List.of();
        if (compileCall != null) {
            Args args = COMPILE.bind(compileCall, diagnostics);
            if (args.value("optimizer") instanceof Ast.NoneValue) {
                args.error("optimizer", "optimizer must be a name such as 'rmsprop' or a call such as RMSprop(lr=0.001)");
            } else {
                optimizer = args.has("optimizer") ? Configs.optimizer(args, "optimizer")
                        : Optimizer.defaults(Optimizer.Kind.RMSPROP);
            }
            loss = Configs.loss(args, "loss");
            fromLogits = Configs.fromLogits(args, "loss");
            if (!args.has("loss")) {
                args.callError("compile(...) needs a loss, such as loss='categorical_crossentropy'");
            }
            metrics = Configs.metrics(args, "metrics");
            for (String unsupported : List.of("loss_weights", "sample_weight_mode", "weighted_metrics")) {
                if (args.has(unsupported) && !(args.value(unsupported) instanceof Ast.NoneValue)) {
                    args.error(unsupported, unsupported + " is not supported");
                }
            }
            checkLossAgainstOutput(args, loss, fromLogits);
        }
        int epochs = Training.DEFAULT_EPOCHS;
        int batchSize = Training.DEFAULT_BATCH_SIZE;
        double validationSplit = 0;
        boolean shuffle = true;
        boolean validateOnTest = false;
        int initialEpoch = 0;
        if (fitCall != null) {
            Args args = FIT.bind(fitCall, diagnostics);
            if (args.has("callbacks") && !(args.value("callbacks") instanceof Ast.NoneValue)) {
                diagnostics.warning(args.span("callbacks"), "callbacks are not supported; ignored");
            }
            for (String data : List.of("x", "y")) {
                if (args.has(data) && !(args.value(data) instanceof Ast.NoneValue)) {
                    diagnostics.warning(args.span(data), "fit's " + data + "=" + args.value(data).text()
                            + " binds nothing: cnnc train reads MNIST itself (see its --data option)");
                }
            }
            if (args.has("validation_data") && !(args.value("validation_data") instanceof Ast.NoneValue)) {
                validateOnTest = true;
                diagnostics.note(args.span("validation_data"), "validation_data=" + args.value("validation_data").text()
                        + ": cnnc train validates on the test set after every epoch (or on --validation-data)");
            }
            for (String weights : List.of("class_weight", "sample_weight")) {
                if (args.has(weights) && !(args.value(weights) instanceof Ast.NoneValue)) {
                    diagnostics.warning(args.span(weights), weights + " is not supported; ignored");
                }
            }
            epochs = args.integer("epochs", epochs, 1, 1_000_000);
            batchSize = args.has("batch_size") && args.value("batch_size") instanceof Ast.NoneValue ? batchSize
                    : args.integer("batch_size", batchSize, 1, 1 << 16);
            args.integer("verbose", 1, 0, 2);
            validationSplit = args.number("validation_split", 0, 0, 0.99);
            shuffle = args.bool("shuffle", true);
            initialEpoch = args.integer("initial_epoch", 0, 0, 1_000_000);
            if (initialEpoch >= epochs && args.has("initial_epoch") && args.ok("initial_epoch") && args.ok("epochs")) {
                args.error("initial_epoch", "initial_epoch=" + initialEpoch + " leaves no epoch to train: epochs is "
                        + epochs + " (Keras trains epochs initial_epoch + 1 .. epochs)");
                initialEpoch = 0;
            }
            for (String steps : List.of("steps_per_epoch", "validation_steps")) {
                if (args.has(steps) && !(args.value(steps) instanceof Ast.NoneValue)) {
                    args.error(steps, steps + " is not supported: an epoch is one pass over the data");
                }
            }
        }
        training = new Training(optimizer, loss, metrics, epochs, batchSize, validationSplit, shuffle, finishAugment(),
                validateOnTest, initialEpoch, fromLogits);
    }

    private void checkLossAgainstOutput(Args args, Loss loss, boolean fromLogits) {
        if (loss == null || layers.isEmpty() || !inputKnown) {
            return;
        }
        Layer last = layers.get(layers.size() - 1);
        Activation activation = last.activation();
        if (last.outputShape().rank() != 1) {
            args.error("loss", loss.keras() + " needs a flat output, but the last layer's output is "
                    + last.outputShape().toKeras() + ": end the model with Flatten() and Dense(classes)");
            return;
        }
        boolean categorical = loss == Loss.CATEGORICAL_CROSSENTROPY || loss == Loss.SPARSE_CATEGORICAL_CROSSENTROPY;
        if (fromLogits) {
            if (activation != Activation.LINEAR) {
                args.error("loss", "from_logits=True expects logits, but the last layer's activation is '"
                        + activation.keras() + "': leave the activation out, or from_logits out");
            }
            return;
        }
        if (categorical && activation != Activation.SOFTMAX) {
            diagnostics.warning(args.span("loss"), loss.keras() + " expects probabilities, but the last layer's activation "
                    + "is '" + activation.keras() + "': use activation='softmax'");
        } else if (loss == Loss.BINARY_CROSSENTROPY && activation != Activation.SIGMOID) {
            diagnostics.warning(args.span("loss"), "binary_crossentropy expects probabilities, but the last layer's "
                    + "activation is '" + activation.keras() + "': use activation='sigmoid'");
        }
    }

    private String resolveModelName() {
        if (modelName != null) {
            return modelName;
        }
        if (sequentialName != null) {
            return sequentialName;
        }
        String derived = JavaNames.upperCamel(diagnostics.source().baseName());
        String problem = derived.isEmpty() ? "is empty" : JavaNames.classProblem(derived);
        if (problem != null) {
            diagnostics.error(new Span(1, 1, 1), "the model name '" + derived + "' taken from the file name " + problem
                    + ": add a line such as 'model MyNet'");
        }
        return derived;
    }
}
