package dev.cnnc.compiler.syntax;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.diag.Span;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a file as the Keras training script it may be: takes the statements that describe the
 * model, its {@code compile} and its {@code fit} (with the script's constants resolved into their
 * arguments), and sets the rest aside. Not a Python interpreter: constants are numbers, strings,
 * tuples, lists, None and booleans with Python's arithmetic on them; every other statement is either
 * recognised as data loading, preparation or output and skipped (one note counts them), or reported
 * with a warning at its place. The result is the {@link Ast.Program} the checker reads, as if the
 * model lines had been written alone.
 *
 * <ul>
 * <li>Imports are remembered: {@code from keras import layers as L} makes {@code L.Dense}
 *     {@code keras.layers.Dense}; {@code from keras.datasets import mnist} makes
 *     {@code mnist.load_data()} the script's data set.
 * <li>{@code if K.image_data_format() == 'channels_first':} takes the branch of Keras' default
 *     configuration, {@code channels_last} (or of {@link Options#channelsFirst}), with a note; an
 *     {@code if} on constants takes its branch; any other {@code if} is a warning, and neither branch
 *     is read.
 * <li>{@code with} and {@code try} blocks are read as if their statements stood alone; {@code for},
 *     {@code while}, {@code def} and {@code class} blocks are skipped (a model built inside one is an
 *     error or a warning).
 * </ul>
 */
public final class Script {
    /** How a script's open questions are answered. */
    public record Options(boolean channelsFirst) {
        public static final Options DEFAULT = new Options(false);

        /** The value {@code K.image_data_format()} has: {@code channels_last} unless asked otherwise. */
        public String imageDataFormat() {
            return channelsFirst ? "channels_first" : "channels_last";
        }
    }

    /** Methods of a model that are not part of its description: evaluation, prediction, saving. */
    private static final Set<String> OUTPUT_METHODS = Set.of("evaluate", "evaluate_generator", "predict", "predict_classes",
            "predict_proba", "predict_generator", "predict_on_batch", "test_on_batch", "save", "save_weights", "to_json",
            "to_yaml", "get_weights", "get_layer", "get_config", "count_params");
    /** Functions and methods that load, prepare or show data, whatever they are called on. */
    private static final Set<String> DATA_FUNCTIONS = Set.of("load_data", "reshape", "astype", "to_categorical",
            "expand_dims", "squeeze", "transpose", "normalize", "flow", "flow_from_directory", "flow_from_dataframe",
            "image_dataset_from_directory", "len", "range", "print", "format", "open", "list", "dict", "tuple", "set",
            "sorted", "enumerate", "zip", "min", "max", "sum", "abs", "round", "int", "float", "str", "bool", "isinstance",
            "type", "input", "exit", "seed", "set_seed", "mean", "std", "argmax", "array", "asarray", "zeros", "ones",
            "concatenate", "stack", "shuffle", "append", "extend", "copy", "load", "savez", "save", "imshow", "show");
    /** Top-level modules whose calls are never part of a model. */
    private static final Set<String> DATA_MODULES = Set.of("numpy", "matplotlib", "pandas", "os", "sys", "time", "random",
            "shutil", "glob", "pathlib", "json", "pickle", "math", "scipy", "sklearn", "PIL", "cv2", "argparse", "logging",
            "datetime", "h5py", "seaborn", "IPython", "warnings", "collections", "itertools", "functools", "subprocess",
            "gzip", "zipfile", "tarfile", "urllib", "requests", "csv", "io", "__future__",
            // their usual aliases, also where a pasted snippet lacks the import
            "np", "plt", "pd", "sns");
    /** Model methods the checker reads. */
    private static final Set<String> MODEL_METHODS = Set.of("add", "compile", "fit", "summary");

    private final Diagnostics diagnostics;
    private final Options options;
    private final List<Ast.Statement> out = new ArrayList<>();
    /** Names bound to values known at compile time (numbers, strings, tuples, Keras objects and layers). */
    private final Map<String, Ast.Value> constants = new HashMap<>();
    /** Names bound by imports, to the dotted path they stand for. */
    private final Map<String, String> imports = new LinkedHashMap<>();
    /** Names bound to data (arrays, generators, histories, scores, loop variables): never constants. */
    private final Set<String> data = new HashSet<>();
    /** The shapes of data arrays where the script makes them known (mnist.load_data(), reshape, to_categorical). */
    private final Map<String, List<Long>> shapes = new HashMap<>();
    /** Names bound to the model (model = Sequential()). */
    private final Set<String> models = new HashSet<>();
    /** Functions that build, compile or fit the model, read where they are first called. */
    private final Map<String, Py.Block> functions = new LinkedHashMap<>();
    /** Those already read, with the line of the call. */
    private final Map<String, Integer> called = new HashMap<>();
    /** The name the model was created under, which the checker knows it by. */
    private String modelName;
    /** Names bound to an ImageDataGenerator. */
    private final Set<String> generators = new HashSet<>();
    /** Names used in model code but never defined, with the line of their first use. */
    private final Map<String, Integer> undefined = new HashMap<>();
    /** Generators (train_generator = datagen.flow_from_directory(..., batch_size=20)) and their batch sizes. */
    private final Map<String, Ast.Value> generatorBatches = new HashMap<>();
    private boolean directoryNoted;
    private int skipped;
    private Span firstSkipped;
    private boolean channelsNoted;

    private Script(Diagnostics diagnostics, Options options) {
        this.diagnostics = diagnostics;
        this.options = options;
    }

    /** The model description in {@code statements}, for the checker; diagnostics for the rest. */
    public static Ast.Program read(List<Py.Stmt> statements, Diagnostics diagnostics, Options options) {
        Script s = new Script(diagnostics, options);
        for (Py.Stmt st : statements) {
            s.statement(st);
        }
        for (Py.Block f : s.functions.values()) {
            if (!s.called.containsKey(f.name())) {
                diagnostics.warning(f.span(), "the model code in " + f.name() + "(...) is not read: the script never "
                        + "calls it");
            }
        }
        if (s.skipped > 0) {
            diagnostics.note(s.firstSkipped, s.skipped + (s.skipped == 1 ? " statement" : " statements")
                    + " about data and output " + (s.skipped == 1 ? "was" : "were") + " skipped: cnnc train reads the data "
                    + "itself (see its --data option)");
        }
        return new Ast.Program(List.copyOf(s.out), Map.copyOf(s.undefined));
    }

    // ---------------------------------------------------------------------------------------------
    // Statements

    private void statement(Py.Stmt s) {
        if (s instanceof Py.PackageLine p) {
            out.add(new Ast.PackageStatement(p.name(), p.span()));
        } else if (s instanceof Py.ModelLine m) {
            out.add(new Ast.ModelStatement(m.name(), m.span()));
        } else if (s instanceof Py.Import i) {
            importStatement(i);
        } else if (s instanceof Py.Assign a) {
            assignment(a);
        } else if (s instanceof Py.AugAssign a) {
            augmentedAssignment(a);
        } else if (s instanceof Py.ExprStmt e) {
            expressionStatement(e.expr(), e.span());
        } else if (s instanceof Py.If i) {
            ifStatement(i);
        } else if (s instanceof Py.Block b) {
            block(b);
        }
        // pass, return, del, ...: nothing to read
    }

    private void skip(Span span) {
        if (skipped++ == 0) {
            firstSkipped = span;
        }
    }

    private void importStatement(Py.Import i) {
        out.add(new Ast.ImportStatement(i.span()));
        String from = i.from();
        for (Py.ImportName n : i.names()) {
            String bound = n.bound(from != null);
            String path = from == null ? (n.alias() != null ? n.name() : bound) : from + "." + n.name();
            imports.put(bound, path);
            constants.remove(bound);
            data.remove(bound);
        }
    }

    private void assignment(Py.Assign a) {
        Py.Expr value = a.value();
        String target = a.targets().size() == 1 ? simpleTarget(a.targets().get(0)) : null;
        if (value instanceof Py.Call call && Py.dotted(call.function()) != null) {
            String name = canonical(Py.dotted(call.function()));
            String simple = last(name);
            String qualifier = qualifier(name);
            if (functions.containsKey(name)) {
                boolean read = callFunction(call, a.span());
                if (read && target != null && modelName != null) {
                    models.add(target); // model = build_model()
                }
                return;
            }
            if (simple.equals("Sequential") && target != null) {
                models.add(target);
                if (modelName == null) {
                    modelName = target;
                }
                forget(target);
                out.add(new Ast.AssignStatement(target, a.targets().get(0).span(),
                        new Ast.CallValue(call(call, true))));
                return;
            }
            if (simple.equals("Sequential")) {
                diagnostics.error(a.span(), "assign the model to one name, such as model = Sequential()");
                return;
            }
            if (simple.equals("Model") && isKeras(name)) {
                diagnostics.error(a.span(), "functional models with branches are not supported yet: " + shorten(statementText(a))
                        + " at line " + a.span().line() + "; cnnc compiles Sequential models (a chain of layers can be "
                        + "written as Sequential([...]))");
                return;
            }
            if (simple.equals("ImageDataGenerator") && target != null && call.arguments().stream()
                    .allMatch(arg -> "rescale".equals(arg.name()) || "dtype".equals(arg.name()))) {
                // ImageDataGenerator(rescale=1./255): scaling only, which cnnc does itself
                skip(a.span());
                bindData(a.targets());
                return;
            }
            if (simple.equals("ImageDataGenerator") && target != null) {
                generators.add(target);
                forget(target);
                out.add(new Ast.AssignStatement(target, a.targets().get(0).span(), new Ast.CallValue(call(call, true))));
                return;
            }
            if (isModel(qualifier) && (simple.equals("fit") || simple.equals("fit_generator"))) {
                fit(call);
                bindData(a.targets());
                return;
            }
            if (isModel(qualifier) && OUTPUT_METHODS.contains(simple)) {
                skip(a.span());
                bindData(a.targets());
                return;
            }
            if (simple.equals("load_data")) {
                dataset(name, call.span());
            }
            if (isDataCall(name)) {
                skip(a.span());
                Map<String, List<Long>> known = shapesOf(a.targets(), value);
                bindData(a.targets());
                shapes.putAll(known);
                Ast.Value batch = generatorBatchSize(call);
                if (batch != null && target != null) {
                    generatorBatches.put(target, batch);
                }
                if (simple.equals("flow_from_directory") && !directoryNoted) {
                    directoryNoted = true;
                    diagnostics.note(call.span(), "the script reads images from folders: give cnnc train the folder "
                            + "with --data DIR (one subfolder per class, optionally in train/ and validation/)");
                }
                return;
            }
            if (isKerasObject(name) && target != null) {
                // a layer, optimizer, loss or initializer kept for later: opt = keras.optimizers.RMSprop(lr=1e-4)
                forget(target);
                constants.put(target, new Ast.CallValue(call(call, true)));
                return;
            }
        }
        if (value instanceof Py.Call call && call.function() instanceof Py.Call inner
                && Py.dotted(inner.function()) != null && isKerasObject(canonical(Py.dotted(inner.function())))) {
            // x = Conv2D(32, 3)(inputs): the functional API
            bindData(a.targets()); // refused at model = Model(inputs, outputs)
            return;
        }
        Ast.Value folded = fold(value);
        if (folded != null && bind(a.targets(), folded)) {
            return;
        }
        if (folded == null && value instanceof Py.ListExpr list && target != null) {
            // a list of layers: feature_layers = [Conv2D(...), ...]
            Ast.Value v = value(list, true);
            if (v instanceof Ast.ListValue l && l.items().stream().allMatch(i -> i instanceof Ast.CallValue)) {
                forget(target);
                constants.put(target, v);
                return;
            }
        }
        if (refersToData(value) || isDataLike(value)) {
            skip(a.span());
            Map<String, List<Long>> known = shapesOf(a.targets(), value);
            bindData(a.targets());
            shapes.putAll(known);
            return;
        }
        if (target != null && Py.dotted(value) != null && imports.containsKey(root(Py.dotted(value)))) {
            // an alias of something imported: Adam = keras.optimizers.Adam
            forget(target);
            imports.put(target, canonical(Py.dotted(value)));
            return;
        }
        diagnostics.warning(a.span(), "not understood, so ignored: " + shorten(statementText(a)));
        bindData(a.targets());
    }

    private void augmentedAssignment(Py.AugAssign a) {
        String target = simpleTarget(a.target());
        if (target != null && constants.containsKey(target)) {
            Ast.Value right = fold(a.value());
            String op = a.op().substring(0, a.op().length() - 1);
            Ast.Value result = right == null ? null : Fold.binary(op, constants.get(target), right, a.span());
            if (result != null) {
                constants.put(target, result);
                return;
            }
        }
        if (refersToData(a.target()) || refersToData(a.value()) || target != null) {
            skip(a.span());
            List<Long> shape = target == null ? null : shapes.get(target); // x_train /= 255 keeps the shape
            bindData(List.of(a.target()));
            if (shape != null) {
                shapes.put(target, shape);
            }
            return;
        }
        diagnostics.warning(a.span(), "not understood, so ignored: " + shorten(a.target().text() + " " + a.op() + " "
                + a.value().text()));
    }

    private void expressionStatement(Py.Expr e, Span span) {
        if (e instanceof Py.Literal lit && lit.value() instanceof Ast.StringValue) {
            return; // a docstring
        }
        if (e instanceof Py.Call call && Py.dotted(call.function()) != null) {
            String name = canonical(Py.dotted(call.function()));
            String simple = last(name);
            String qualifier = qualifier(name);
            if (functions.containsKey(name)) {
                callFunction(call, span);
                return;
            }
            if (isModel(qualifier)) {
                if (simple.equals("fit") || simple.equals("fit_generator")) {
                    fit(call);
                } else if (MODEL_METHODS.contains(simple)) {
                    out.add(new Ast.CallStatement(onModel(call(call, !simple.equals("fit")))));
                } else if (OUTPUT_METHODS.contains(simple)) {
                    skip(span);
                } else {
                    out.add(new Ast.CallStatement(call(call, true))); // the checker names the unknown method
                }
                return;
            }
            if (generators.contains(qualifier)) {
                skip(span); // datagen.fit(x_train): cnnc train applies the transformations to each training batch
                return;
            }
            if (simple.equals("load_data")) {
                dataset(name, call.span());
            }
            if (isDataCall(name) && !(qualifier.isEmpty() && isCnnStatement(simple))) {
                skip(span);
                return;
            }
            if (isKerasOther(name)) {
                diagnostics.warning(span, "not understood, so ignored: " + shorten(e.text()));
                return;
            }
            // a .cnn line: Conv2D(32, (3, 3)), input(28, 28, 1), compile(...), or a mistake the checker names
            out.add(new Ast.CallStatement(call(call, !simple.equals("fit"))));
            return;
        }
        if (refersToData(e) || isDataLike(e) || e instanceof Py.Name) {
            skip(span); // a value shown by a notebook cell, plt.show, history.history['acc']...
            return;
        }
        diagnostics.warning(span, "not understood, so ignored: " + shorten(e.text()));
    }

    /**
     * A call of a function that builds, compiles or fits the model: its statements are read once, at the
     * first call, with its parameters bound to the call's arguments (the model, constants, data).
     * Returns whether they were read.
     */
    private boolean callFunction(Py.Call call, Span span) {
        Py.Block f = functions.get(Py.dotted(call.function()));
        Integer first = called.get(f.name());
        if (first != null) {
            diagnostics.warning(span, f.name() + "(...) is called again: cnnc trains once and reads the call at line "
                    + first + " only");
            return false;
        }
        called.put(f.name(), span.line());
        List<String> parameters = f.parameters();
        for (int i = 0; i < call.arguments().size(); i++) {
            Py.Arg a = call.arguments().get(i);
            String parameter = a.name() != null ? a.name() : i < parameters.size() ? parameters.get(i) : null;
            if (parameter == null || parameter.startsWith("*")) {
                continue;
            }
            Py.Expr v = a.value();
            forget(parameter);
            models.remove(parameter);
            if (v instanceof Py.Name n && (models.contains(n.id()) || isModel(n.id()))) {
                models.add(parameter);
            } else {
                Ast.Value folded = fold(v);
                if (folded != null) {
                    constants.put(parameter, folded);
                } else {
                    data.add(parameter);
                }
            }
        }
        f.body().forEach(this::statement);
        return true;
    }

    /** A method call on the model under the name the checker knows it by (a function's parameter may rename it). */
    private Ast.Call onModel(Ast.Call c) {
        String qualifier = qualifier(c.name());
        if (modelName == null || qualifier.isEmpty() || qualifier.equals(modelName)) {
            return c;
        }
        return new Ast.Call(modelName + "." + last(c.name()), c.nameSpan(), c.arguments(), c.closeSpan());
    }

    /** {@code model.fit(...)} or {@code model.fit_generator(...)}, as the checker's {@code fit(...)}. */
    private void fit(Py.Call call) {
        String name = Py.dotted(call.function());
        if (!last(name).equals("fit_generator")) {
            // the script's own arrays (x_train, y_train) are what cnnc train reads: None, not a warning
            Ast.Call c = call(call, false);
            List<Ast.Argument> arguments = new ArrayList<>();
            for (int i = 0; i < c.arguments().size(); i++) {
                Ast.Argument a = c.arguments().get(i);
                boolean xy = a.name() == null ? i < 2 : a.name().equals("x") || a.name().equals("y");
                if (xy && a.value() instanceof Ast.NameValue n && data.contains(n.name())) {
                    a = new Ast.Argument(a.name(), a.nameSpan(), new Ast.NoneValue(n.span()));
                }
                arguments.add(a);
            }
            out.add(new Ast.CallStatement(onModel(new Ast.Call(c.name(), c.nameSpan(), List.copyOf(arguments),
                    c.closeSpan()))));
            return;
        }
        // fit_generator(generator, steps_per_epoch, epochs, ...): the generator's batch size, not its steps
        List<Ast.Argument> arguments = new ArrayList<>();
        Span nameSpan = call.function() instanceof Py.Attribute at ? at.nameSpan() : call.span();
        for (int i = 0; i < call.arguments().size(); i++) {
            Py.Arg a = call.arguments().get(i);
            String keyword = a.name() != null ? a.name() : i == 0 ? "generator" : i == 1 ? "steps_per_epoch" : i == 2
                    ? "epochs" : null;
            if (keyword == null) {
                diagnostics.error(a.value().span(), "give fit_generator's arguments after the first three by name, as "
                        + "Keras' examples do (epochs=..., validation_data=...)");
                continue;
            }
            switch (keyword) {
                case "generator" -> {
                    Ast.Value batch = generatorBatchSize(a.value());
                    if (batch != null) {
                        arguments.add(new Ast.Argument("batch_size", batch.span(), batch));
                    }
                }
                case "steps_per_epoch", "validation_steps", "max_queue_size", "workers", "use_multiprocessing" ->
                        diagnostics.note(a.nameSpan() != null ? a.nameSpan() : a.value().span(), keyword + " is not used: "
                                + (keyword.startsWith("steps") ? "an epoch is one pass over the training data"
                                        : keyword.equals("validation_steps") ? "validation uses the whole validation set"
                                                : "cnnc train reads the data with its own threads"));
                default -> arguments.add(new Ast.Argument(keyword, a.nameSpan() != null ? a.nameSpan()
                        : a.value().span(), value(a.value(), false)));
            }
        }
        String fitName = qualifier(name).isEmpty() ? "fit" : qualifier(name) + ".fit";
        out.add(new Ast.CallStatement(onModel(new Ast.Call(fitName, nameSpan, List.copyOf(arguments), call.closeSpan()))));
    }

    /** The {@code batch_size=} of {@code datagen.flow(x, y, batch_size=32)} (Keras' default 32), or null. */
    private Ast.Value generatorBatchSize(Py.Expr generator) {
        Py.Expr e = generator;
        if (e instanceof Py.Name n) {
            Ast.Value known = generatorBatches.get(n.id());
            return known == null ? null : Fold.at(known, n.span());
        }
        if (!(e instanceof Py.Call c) || Py.dotted(c.function()) == null) {
            return null;
        }
        String simple = last(Py.dotted(c.function()));
        if (!simple.startsWith("flow")) {
            return null;
        }
        for (int i = 0; i < c.arguments().size(); i++) {
            Py.Arg a = c.arguments().get(i);
            if ("batch_size".equals(a.name()) || (a.name() == null && simple.equals("flow") && i == 2)) {
                return value(a.value(), true);
            }
        }
        return null;
    }

    private void ifStatement(Py.If i) {
        for (Py.Branch b : i.branches()) {
            Boolean taken = condition(b.condition());
            if (taken == null) {
                boolean model = i.branches().stream().anyMatch(br -> buildsModel(br.body())) || buildsModel(i.orElse());
                if (model) {
                    diagnostics.warning(b.condition().span(), "cnnc cannot decide 'if " + shorten(b.condition().text())
                            + "' before training, so it reads neither branch");
                } else {
                    skip(i.span()); // if not os.path.isdir(save_dir): ...
                }
                return;
            }
            if (taken) {
                b.body().forEach(this::statement);
                return;
            }
        }
        i.orElse().forEach(this::statement);
    }

    /** True or false if cnnc can tell before training; null if not. */
    private Boolean condition(Py.Expr c) {
        if (c instanceof Py.Compare cmp && cmp.ops().size() == 1 && (cmp.ops().get(0).equals("==")
                || cmp.ops().get(0).equals("!="))) {
            Py.Expr left = cmp.operands().get(0);
            Py.Expr right = cmp.operands().get(1);
            Py.Expr format = isImageDataFormat(left) ? left : isImageDataFormat(right) ? right : null;
            Py.Expr other = format == left ? right : left;
            if (format != null && fold(other) instanceof Ast.StringValue s) {
                if (!channelsNoted) {
                    channelsNoted = true;
                    diagnostics.note(format.span(), "cnnc reads the branch for " + format.text() + " == '"
                            + options.imageDataFormat() + "'" + (options.channelsFirst() ? "" : ", Keras' default")
                            + " (cnnc check --image-data-format=" + (options.channelsFirst() ? "channels_last"
                                    : "channels_first") + " reads the other)");
                }
                boolean equal = s.value().equals(options.imageDataFormat());
                return cmp.ops().get(0).equals("==") == equal;
            }
        }
        Ast.Value v = fold(c);
        return v == null ? null : Fold.truth(v);
    }

    private boolean isImageDataFormat(Py.Expr e) {
        return e instanceof Py.Call call && call.arguments().isEmpty() && Py.dotted(call.function()) != null
                && last(Py.dotted(call.function())).equals("image_data_format");
    }

    private void block(Py.Block b) {
        switch (b.keyword()) {
            case "with", "try" -> b.body().forEach(this::statement);
            case "def" -> {
                if (buildsModel(b.body())) {
                    functions.put(b.name(), b); // read where it is called: train_model(model, ...)
                } else {
                    skip(b.span());
                }
            }
            case "class" -> {
                if (buildsModel(b.body())) {
                    diagnostics.warning(b.span(), "cnnc does not run classes, so the model code in this class is not "
                            + "read: build the model at the top level of the script");
                } else {
                    skip(b.span());
                }
            }
            default -> {
                if (buildsModel(b.body())) {
                    diagnostics.error(b.span(), "a model built or trained inside a '" + b.keyword() + "' loop is not "
                            + "supported: cnnc reads the model built at the top level of the script");
                } else {
                    skip(b.span());
                    assignedNames(b.body()).forEach(n -> {
                        forget(n);
                        data.add(n);
                    });
                }
            }
        }
    }

    /** Whether statements create the model, add to it, compile or fit it. */
    private boolean buildsModel(List<Py.Stmt> body) {
        for (Py.Stmt s : body) {
            Py.Expr e = s instanceof Py.ExprStmt x ? x.expr() : s instanceof Py.Assign a ? a.value() : null;
            if (e instanceof Py.Call c && Py.dotted(c.function()) != null) {
                String name = Py.dotted(c.function());
                String simple = last(name);
                if (simple.equals("Sequential") || ((isModel(qualifier(name)) || qualifier(name).equals("model"))
                        && (MODEL_METHODS.contains(simple) || simple.equals("fit_generator")))) {
                    return true;
                }
            }
            if (s instanceof Py.If i && (i.branches().stream().anyMatch(br -> buildsModel(br.body())) || buildsModel(i.orElse()))) {
                return true;
            }
            if (s instanceof Py.Block bl && buildsModel(bl.body())) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> assignedNames(List<Py.Stmt> body) {
        Set<String> names = new HashSet<>();
        for (Py.Stmt s : body) {
            if (s instanceof Py.Assign a) {
                a.targets().forEach(t -> namesOf(t, names));
            } else if (s instanceof Py.AugAssign a) {
                namesOf(a.target(), names);
            }
        }
        return names;
    }

    private static void namesOf(Py.Expr target, Set<String> names) {
        if (target instanceof Py.Name n) {
            names.add(n.id());
        } else if (target instanceof Py.TupleExpr t) {
            t.items().forEach(i -> namesOf(i, names));
        } else if (target instanceof Py.ListExpr l) {
            l.items().forEach(i -> namesOf(i, names));
        }
    }

    /** The data sets Keras downloads, with their arrays' shapes: (x_train, y_train), (x_test, y_test). */
    private static final Map<String, long[][]> DATASETS = Map.of(
            "mnist", new long[][] {{60000, 28, 28}, {60000}, {10000, 28, 28}, {10000}},
            "fashion_mnist", new long[][] {{60000, 28, 28}, {60000}, {10000, 28, 28}, {10000}},
            "cifar10", new long[][] {{50000, 32, 32, 3}, {50000, 1}, {10000, 32, 32, 3}, {10000, 1}},
            "cifar100", new long[][] {{50000, 32, 32, 3}, {50000, 1}, {10000, 32, 32, 3}, {10000, 1}});

    /**
     * The shapes an assignment gives its targets, where cnnc can follow them: a known data set's
     * arrays, {@code reshape} with constant dimensions, {@code astype}, arithmetic with a number,
     * {@code to_categorical} with the class count. So that {@code input_shape=x_train.shape[1:]} is a
     * constant.
     */
    private Map<String, List<Long>> shapesOf(List<Py.Expr> targets, Py.Expr value) {
        Map<String, List<Long>> out = new HashMap<>();
        if (targets.size() != 1) {
            return out;
        }
        Py.Expr target = targets.get(0);
        if (value instanceof Py.Call c && Py.dotted(c.function()) != null && last(Py.dotted(c.function())).equals("load_data")) {
            String path = resolved(Py.dotted(c.function()));
            int at = path.indexOf("datasets.");
            String name = at < 0 ? null : path.substring(at + "datasets.".length()).split("\\.")[0];
            long[][] known = name == null ? null : DATASETS.get(name);
            if (known != null && target instanceof Py.TupleExpr pair && pair.items().size() == 2) {
                for (int split = 0; split < 2; split++) {
                    if (pair.items().get(split) instanceof Py.TupleExpr xy && xy.items().size() == 2) {
                        for (int k = 0; k < 2; k++) {
                            if (xy.items().get(k) instanceof Py.Name n) {
                                out.put(n.id(), toList(known[split * 2 + k]));
                            }
                        }
                    }
                }
            }
            return out;
        }
        if (target instanceof Py.Name n) {
            List<Long> shape = arrayShape(value);
            if (shape != null) {
                out.put(n.id(), shape);
            }
        } else if (target instanceof Py.TupleExpr t && value instanceof Py.TupleExpr v && t.items().size() == v.items().size()) {
            for (int i = 0; i < t.items().size(); i++) {
                List<Long> shape = arrayShape(v.items().get(i));
                if (t.items().get(i) instanceof Py.Name n && shape != null) {
                    out.put(n.id(), shape);
                }
            }
        }
        return out;
    }

    private static List<Long> toList(long[] dims) {
        List<Long> out = new ArrayList<>();
        for (long d : dims) {
            out.add(d);
        }
        return List.copyOf(out);
    }

    private List<Long> arrayShape(Py.Expr e) {
        if (e instanceof Py.Name n) {
            return shapes.get(n.id());
        }
        if (e instanceof Py.Binary b) {
            List<Long> left = arrayShape(b.left());
            List<Long> right = arrayShape(b.right());
            if (left != null && right == null && fold(b.right()) != null) {
                return left;
            }
            if (right != null && left == null && fold(b.left()) != null) {
                return right;
            }
            return null;
        }
        if (!(e instanceof Py.Call c)) {
            return null;
        }
        if (c.function() instanceof Py.Attribute method) {
            List<Long> of = arrayShape(method.target());
            if (of != null && method.name().equals("astype")) {
                return of;
            }
            if (of != null && method.name().equals("reshape")) {
                List<Ast.Value> dims = new ArrayList<>();
                for (Py.Arg a : c.arguments()) {
                    Ast.Value v = fold(a.value());
                    if (v == null || a.name() != null) {
                        return null;
                    }
                    dims.add(v);
                }
                if (dims.size() == 1 && dims.get(0) instanceof Ast.TupleValue t) {
                    dims = t.items();
                }
                return reshaped(of, dims);
            }
        }
        String name = Py.dotted(c.function());
        if (name != null && last(name).equals("to_categorical") && c.arguments().size() >= 2) {
            List<Long> labels = arrayShape(c.arguments().get(0).value());
            Ast.Value classes = fold(c.arguments().get(1).value());
            if (labels != null && classes instanceof Ast.IntValue k && k.value() > 0) {
                return List.of(labels.get(0), k.value());
            }
        }
        return null;
    }

    private static List<Long> reshaped(List<Long> of, List<Ast.Value> dims) {
        long total = 1;
        for (long d : of) {
            total *= d;
        }
        List<Long> out = new ArrayList<>();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < dims.size(); i++) {
            if (!(dims.get(i) instanceof Ast.IntValue d) || d.value() == 0 || d.value() < -1) {
                return null;
            }
            if (d.value() == -1) {
                if (unknown >= 0) {
                    return null;
                }
                unknown = i;
                out.add(-1L);
            } else {
                known *= d.value();
                out.add(d.value());
            }
        }
        if (unknown >= 0) {
            if (total % known != 0) {
                return null;
            }
            out.set(unknown, total / known);
        } else if (known != total) {
            return null;
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------------------------------------
    // Names

    private void forget(String name) {
        shapes.remove(name);
        constants.remove(name);
        data.remove(name);
        imports.remove(name);
    }

    private void bindData(List<Py.Expr> targets) {
        Set<String> names = new HashSet<>();
        targets.forEach(t -> namesOf(t, names));
        for (String n : names) {
            forget(n);
            models.remove(n);
            data.add(n);
        }
    }

    /** Binds names to a constant, unpacking tuples as Python does; false if the shapes do not match. */
    private boolean bind(List<Py.Expr> targets, Ast.Value value) {
        for (Py.Expr t : targets) {
            if (!bindOne(t, value, true)) {
                return false;
            }
        }
        for (Py.Expr t : targets) {
            bindOne(t, value, false);
        }
        return true;
    }

    private boolean bindOne(Py.Expr target, Ast.Value value, boolean dryRun) {
        if (target instanceof Py.Name n) {
            if (!dryRun) {
                forget(n.id());
                models.remove(n.id());
                constants.put(n.id(), value);
            }
            return true;
        }
        List<Py.Expr> parts = target instanceof Py.TupleExpr t && !t.starred() ? t.items()
                : target instanceof Py.ListExpr l && !l.starred() ? l.items() : null;
        List<Ast.Value> items = value instanceof Ast.TupleValue tv ? tv.items() : value instanceof Ast.ListValue lv
                ? lv.items() : null;
        if (parts == null || items == null || parts.size() != items.size()) {
            return false;
        }
        for (int i = 0; i < parts.size(); i++) {
            if (!bindOne(parts.get(i), items.get(i), dryRun)) {
                return false;
            }
        }
        return true;
    }

    private static String simpleTarget(Py.Expr e) {
        return e instanceof Py.Name n ? n.id() : null;
    }

    /** The dotted name with an imported alias replaced by what it stands for ({@code L.Dense} is {@code keras.layers.Dense}). */
    private String canonical(String dotted) {
        String root = root(dotted);
        String path = imports.get(root);
        if (path == null || path.equals(root) || last(path).equals(root) || root.equals("tf")) {
            return dotted;
        }
        return path + dotted.substring(root.length());
    }

    /** The full path of a dotted name, through the imports ({@code np.zeros} is {@code numpy.zeros}). */
    private String resolved(String dotted) {
        String root = root(dotted);
        String path = imports.get(root);
        return path == null ? dotted : path + dotted.substring(root.length());
    }

    private static String root(String dotted) {
        int dot = dotted.indexOf('.');
        return dot < 0 ? dotted : dotted.substring(0, dot);
    }

    private static String last(String dotted) {
        return dotted.substring(dotted.lastIndexOf('.') + 1);
    }

    private static String qualifier(String dotted) {
        int dot = dotted.lastIndexOf('.');
        return dot < 0 ? "" : dotted.substring(0, dot);
    }

    private boolean isModel(String qualifier) {
        return models.contains(qualifier) || (qualifier.equals("model") && !data.contains("model")
                && !constants.containsKey("model"));
    }

    private boolean isKeras(String dotted) {
        String path = resolved(dotted);
        return path.startsWith("keras") || path.startsWith("tensorflow") || path.startsWith("tf.") || !path.contains(".");
    }

    /** A call of Keras' layers, optimizers, losses, initializers, regularizers, constraints. */
    private boolean isKerasObject(String dotted) {
        String path = resolved(dotted);
        String simple = last(path);
        boolean kerasPath = path.startsWith("keras.") || path.startsWith("tensorflow.") || path.startsWith("tf.");
        boolean bare = !path.contains(".");
        return (kerasPath || bare || path.startsWith("layers.") || path.startsWith("optimizers.")
                || path.startsWith("losses.") || path.startsWith("initializers.") || path.startsWith("regularizers."))
                && !simple.isEmpty() && !DATA_FUNCTIONS.contains(simple) && !data.contains(root(dotted));
    }

    /** A call into Keras that is neither a model line nor data, such as K.set_image_data_format(...). */
    private boolean isKerasOther(String dotted) {
        String path = resolved(dotted);
        return (path.startsWith("keras.") || path.startsWith("tensorflow.")) && !path.contains(".layers.")
                && !qualifier(path).endsWith("layers") && !isLayerModule(qualifier(dotted));
    }

    private static boolean isLayerModule(String qualifier) {
        return qualifier.isEmpty() || qualifier.equals("layers") || qualifier.endsWith(".layers");
    }

    /** A call that loads, prepares or shows data: on data, into a data module, or a known data function. */
    private boolean isDataCall(String dotted) {
        String root = root(dotted);
        String path = resolved(dotted);
        return data.contains(root) || DATA_MODULES.contains(root(path)) || DATA_FUNCTIONS.contains(last(dotted))
                || path.contains(".datasets.") || path.contains(".utils.") || path.startsWith("tensorflow.data.")
                || path.startsWith("tf.data.");
    }

    private static boolean isCnnStatement(String simple) {
        return simple.equals("input") || simple.equals("summary");
    }

    /** Whether the expression mentions a name bound to data. */
    private boolean refersToData(Py.Expr e) {
        if (e instanceof Py.Name n) {
            return data.contains(n.id());
        }
        if (e instanceof Py.Attribute a) {
            return refersToData(a.target());
        }
        if (e instanceof Py.Subscript s) {
            return refersToData(s.target());
        }
        if (e instanceof Py.Call c) {
            return refersToData(c.function()) || c.arguments().stream().anyMatch(a -> refersToData(a.value()));
        }
        if (e instanceof Py.Binary b) {
            return refersToData(b.left()) || refersToData(b.right());
        }
        if (e instanceof Py.Unary u) {
            return refersToData(u.operand());
        }
        if (e instanceof Py.Not n) {
            return refersToData(n.operand());
        }
        if (e instanceof Py.Compare c) {
            return c.operands().stream().anyMatch(this::refersToData);
        }
        if (e instanceof Py.Logic l) {
            return l.operands().stream().anyMatch(this::refersToData);
        }
        if (e instanceof Py.TupleExpr t) {
            return t.items().stream().anyMatch(this::refersToData);
        }
        if (e instanceof Py.ListExpr l) {
            return l.items().stream().anyMatch(this::refersToData);
        }
        return false;
    }

    /** A data call anywhere at the top of the expression: {@code np.zeros(...) / 255}, {@code os.path.join(...)}. */
    private boolean isDataLike(Py.Expr e) {
        if (e instanceof Py.Call c) {
            String name = Py.dotted(c.function());
            return name != null ? isDataCall(name) : isDataLike(c.function());
        }
        if (e instanceof Py.Attribute || e instanceof Py.Subscript) {
            String name = e instanceof Py.Attribute a ? Py.dotted(a) : null;
            if (name != null) {
                return DATA_MODULES.contains(root(resolved(name))) || data.contains(root(name));
            }
            Py.Expr target = e instanceof Py.Attribute a ? a.target() : ((Py.Subscript) e).target();
            return isDataLike(target) || refersToData(target);
        }
        if (e instanceof Py.Binary b) {
            return isDataLike(b.left()) || isDataLike(b.right());
        }
        if (e instanceof Py.Opaque) {
            return true; // a lambda, a comprehension, a dictionary: not part of a model description
        }
        return false;
    }

    private void dataset(String dotted, Span span) {
        String path = resolved(dotted);
        int at = path.indexOf("datasets.");
        if (at < 0) {
            return;
        }
        String name = path.substring(at + "datasets.".length());
        name = name.substring(0, name.indexOf('.') < 0 ? name.length() : name.indexOf('.'));
        diagnostics.note(span, "the script loads Keras' " + name + " data set" + (name.equals("mnist")
                ? ", which cnnc train reads by default" : "; give it to cnnc train with --data (MNIST is read otherwise)"));
    }

    // ---------------------------------------------------------------------------------------------
    // Values

    /** A call with its name through the imports and its arguments as values. */
    private Ast.Call call(Py.Call call, boolean strict) {
        List<Ast.Argument> arguments = new ArrayList<>();
        for (Py.Arg a : call.arguments()) {
            if (!a.stars().isEmpty()) {
                diagnostics.error(a.value().span(), a.stars() + a.value().text() + " is not supported: write the "
                        + "arguments out");
                continue;
            }
            arguments.add(new Ast.Argument(a.name(), a.nameSpan(), value(a.value(), strict)));
        }
        String name = canonical(Objects.requireNonNull(Py.dotted(call.function())));
        return new Ast.Call(name, call.span(), List.copyOf(arguments), call.closeSpan());
    }

    /**
     * The value of an expression: a constant (with the script's names resolved), a call, a name; an
     * expression cnnc does not evaluate becomes an {@link Ast.ExpressionValue}. With {@code strict},
     * a name that is neither defined nor imported is an error where it is used.
     */
    Ast.Value value(Py.Expr e, boolean strict) {
        Ast.Value folded = fold(e);
        if (folded != null) {
            return folded;
        }
        if (e instanceof Py.Name n) {
            if (!imports.containsKey(n.id()) && !data.contains(n.id()) && !models.contains(n.id()) && strict) {
                undefined(n);
            }
            return new Ast.NameValue(canonical(n.id()), n.span());
        }
        if (e instanceof Py.Attribute && Py.dotted(e) != null) {
            return new Ast.NameValue(canonical(Py.dotted(e)), e.span());
        }
        if (e instanceof Py.Call c && Py.dotted(c.function()) != null) {
            return new Ast.CallValue(call(c, strict));
        }
        if (e instanceof Py.TupleExpr t && !t.starred()) {
            return new Ast.TupleValue(values(t.items(), strict), t.span());
        }
        if (e instanceof Py.ListExpr l && !l.starred()) {
            return new Ast.ListValue(values(l.items(), strict), l.span());
        }
        if (e instanceof Py.Binary b && b.op().equals("+")) {
            // feature_layers + classification_layers
            Ast.Value left = value(b.left(), strict);
            Ast.Value right = value(b.right(), strict);
            if (left instanceof Ast.ListValue l && right instanceof Ast.ListValue r) {
                List<Ast.Value> items = new ArrayList<>(l.items());
                items.addAll(r.items());
                return new Ast.ListValue(List.copyOf(items), b.span());
            }
        }
        if (strict) {
            Py.Name missing = firstUndefined(e);
            if (missing != null) {
                undefined(missing);
            }
        }
        String what = e instanceof Py.Opaque o ? o.what() : e instanceof Py.Subscript ? "a subscript"
                : e instanceof Py.Call ? "a call" : "an expression";
        return new Ast.ExpressionValue(what, e.text(), e.span());
    }

    private List<Ast.Value> values(List<Py.Expr> items, boolean strict) {
        List<Ast.Value> out = new ArrayList<>();
        for (Py.Expr i : items) {
            out.add(value(i, strict));
        }
        return List.copyOf(out);
    }

    /** The checker says where to define it, if the argument needed a value (Args.describe). */
    private void undefined(Py.Name n) {
        undefined.putIfAbsent(n.id(), n.span().line());
    }

    private Py.Name firstUndefined(Py.Expr e) {
        if (e instanceof Py.Name n) {
            return constants.containsKey(n.id()) || imports.containsKey(n.id()) || data.contains(n.id())
                    || models.contains(n.id()) ? null : n;
        }
        List<Py.Expr> parts = new ArrayList<>();
        if (e instanceof Py.Binary b) {
            parts.add(b.left());
            parts.add(b.right());
        } else if (e instanceof Py.Unary u) {
            parts.add(u.operand());
        } else if (e instanceof Py.Compare c) {
            parts.addAll(c.operands());
        } else if (e instanceof Py.Logic l) {
            parts.addAll(l.operands());
        } else if (e instanceof Py.Not n) {
            parts.add(n.operand());
        } else if (e instanceof Py.TupleExpr t) {
            parts.addAll(t.items());
        } else if (e instanceof Py.ListExpr l) {
            parts.addAll(l.items());
        }
        for (Py.Expr p : parts) {
            Py.Name n = firstUndefined(p);
            if (n != null) {
                return n;
            }
        }
        return null;
    }

    /** The constant value of an expression, or null if it is not one (see {@link Fold}). */
    private Ast.Value fold(Py.Expr e) {
        return new Fold(constants, shapes).fold(e);
    }

    private static String statementText(Py.Assign a) {
        StringBuilder b = new StringBuilder();
        for (Py.Expr t : a.targets()) {
            b.append(t.text()).append(" = ");
        }
        return b.append(a.value().text()).toString();
    }

    private static String shorten(String text) {
        return Ast.shorten(text, 70);
    }

    // ---------------------------------------------------------------------------------------------
    // Constant folding

    /** Python's arithmetic on constants: numbers, strings, tuples, lists, None and booleans. */
    static final class Fold {
        private final Map<String, Ast.Value> constants;
        private final Map<String, List<Long>> shapes;

        Fold(Map<String, Ast.Value> constants, Map<String, List<Long>> shapes) {
            this.constants = constants;
            this.shapes = shapes;
        }

        Ast.Value fold(Py.Expr e) {
            if (e instanceof Py.Literal l) {
                return l.value();
            }
            if (e instanceof Py.Name n) {
                Ast.Value v = constants.get(n.id());
                return v == null ? null : at(v, n.span());
            }
            if (e instanceof Py.TupleExpr t && !t.starred()) {
                List<Ast.Value> items = all(t.items());
                return items == null ? null : new Ast.TupleValue(items, t.span());
            }
            if (e instanceof Py.ListExpr l && !l.starred()) {
                List<Ast.Value> items = all(l.items());
                return items == null ? null : new Ast.ListValue(items, l.span());
            }
            if (e instanceof Py.Unary u) {
                Ast.Value v = fold(u.operand());
                return v == null ? null : unary(u.op(), v, u.span());
            }
            if (e instanceof Py.Binary b) {
                Ast.Value l = fold(b.left());
                Ast.Value r = l == null ? null : fold(b.right());
                return r == null ? null : binary(b.op(), l, r, b.span());
            }
            if (e instanceof Py.Not n) {
                Ast.Value v = fold(n.operand());
                Boolean t = v == null ? null : truth(v);
                return t == null ? null : new Ast.BoolValue(!t, n.span());
            }
            if (e instanceof Py.Logic l) {
                Ast.Value result = null;
                for (Py.Expr operand : l.operands()) {
                    result = fold(operand);
                    Boolean t = result == null ? null : truth(result);
                    if (t == null) {
                        return null;
                    }
                    if (l.op().equals("and") ? !t : t) {
                        break;
                    }
                }
                return result == null ? null : at(result, l.span());
            }
            if (e instanceof Py.Attribute a && a.name().equals("shape") && a.target() instanceof Py.Name n
                    && shapes.containsKey(n.id())) {
                List<Ast.Value> dims = new ArrayList<>();
                for (long d : shapes.get(n.id())) {
                    dims.add(new Ast.IntValue(d, a.span()));
                }
                return new Ast.TupleValue(List.copyOf(dims), a.span());
            }
            if (e instanceof Py.Subscript sub && sub.indices().size() == 1) {
                Ast.Value target = fold(sub.target());
                return target == null ? null : index(target, sub.indices().get(0), sub.span());
            }
            if (e instanceof Py.Call c && "len".equals(Py.dotted(c.function())) && c.arguments().size() == 1) {
                Ast.Value v = fold(c.arguments().get(0).value());
                List<Ast.Value> items = v instanceof Ast.TupleValue t ? t.items() : v instanceof Ast.ListValue l ? l.items()
                        : null;
                if (items != null) {
                    return new Ast.IntValue(items.size(), c.span());
                }
                if (c.arguments().get(0).value() instanceof Py.Name n && shapes.containsKey(n.id())
                        && !shapes.get(n.id()).isEmpty()) {
                    return new Ast.IntValue(shapes.get(n.id()).get(0), c.span());
                }
                return null;
            }
            if (e instanceof Py.Compare c) {
                Ast.Value left = fold(c.operands().get(0));
                if (left == null) {
                    return null;
                }
                for (int i = 0; i < c.ops().size(); i++) {
                    Ast.Value right = fold(c.operands().get(i + 1));
                    Boolean r = right == null ? null : compare(c.ops().get(i), left, right);
                    if (r == null) {
                        return null;
                    }
                    if (!r) {
                        return new Ast.BoolValue(false, c.span());
                    }
                    left = right;
                }
                return new Ast.BoolValue(true, c.span());
            }
            return null;
        }

        /** {@code t[i]} or {@code t[a:b:c]} of a tuple, list or string, Python's way (negative from the end). */
        private Ast.Value index(Ast.Value target, Py.Expr index, Span span) {
            List<Ast.Value> items = target instanceof Ast.TupleValue t ? t.items() : target instanceof Ast.ListValue l
                    ? l.items() : null;
            if (items == null) {
                return null;
            }
            int size = items.size();
            if (index instanceof Py.Slice slice) {
                Long lower = slice.lower() == null ? null : integer(fold(slice.lower()));
                Long upper = slice.upper() == null ? null : integer(fold(slice.upper()));
                Long step = slice.step() == null ? Long.valueOf(1) : integer(fold(slice.step()));
                if ((slice.lower() != null && lower == null) || (slice.upper() != null && upper == null) || step == null
                        || step != 1) {
                    return null;
                }
                int from = (int) clamp(lower == null ? 0 : lower < 0 ? lower + size : lower, size);
                int to = (int) clamp(upper == null ? size : upper < 0 ? upper + size : upper, size);
                List<Ast.Value> part = from >= to ? List.of() : items.subList(from, to);
                return target instanceof Ast.TupleValue ? new Ast.TupleValue(List.copyOf(part), span)
                        : new Ast.ListValue(List.copyOf(part), span);
            }
            Long i = integer(fold(index));
            if (i == null || i >= size || i < -size) {
                return null;
            }
            return at(items.get((int) (i < 0 ? i + size : i)), span);
        }

        private static long clamp(long v, int size) {
            return Math.max(0, Math.min(size, v));
        }

        private static Long integer(Ast.Value v) {
            return v instanceof Ast.IntValue i ? Long.valueOf(i.value()) : null;
        }

        private List<Ast.Value> all(List<Py.Expr> items) {
            List<Ast.Value> out = new ArrayList<>();
            for (Py.Expr i : items) {
                Ast.Value v = fold(i);
                if (v == null) {
                    return null;
                }
                out.add(v);
            }
            return List.copyOf(out);
        }

        /** The value as if written at {@code span} (a constant used as an argument is reported where it is used). */
        static Ast.Value at(Ast.Value v, Span span) {
            if (v instanceof Ast.IntValue i) {
                return new Ast.IntValue(i.value(), span);
            }
            if (v instanceof Ast.FloatValue f) {
                return new Ast.FloatValue(f.value(), f.literal(), span);
            }
            if (v instanceof Ast.StringValue s) {
                return new Ast.StringValue(s.value(), span);
            }
            if (v instanceof Ast.BoolValue b) {
                return new Ast.BoolValue(b.value(), span);
            }
            if (v instanceof Ast.NoneValue) {
                return new Ast.NoneValue(span);
            }
            if (v instanceof Ast.TupleValue t) {
                return new Ast.TupleValue(t.items(), span);
            }
            if (v instanceof Ast.ListValue l) {
                return new Ast.ListValue(l.items(), span);
            }
            return v; // a call keeps its own place: its arguments are checked where they were written
        }

        static Boolean truth(Ast.Value v) {
            if (v instanceof Ast.BoolValue b) {
                return b.value();
            }
            if (v instanceof Ast.IntValue i) {
                return i.value() != 0;
            }
            if (v instanceof Ast.FloatValue f) {
                return f.value() != 0;
            }
            if (v instanceof Ast.StringValue s) {
                return !s.value().isEmpty();
            }
            if (v instanceof Ast.NoneValue) {
                return false;
            }
            if (v instanceof Ast.TupleValue t) {
                return !t.items().isEmpty();
            }
            if (v instanceof Ast.ListValue l) {
                return !l.items().isEmpty();
            }
            return null;
        }

        private static Ast.Value unary(String op, Ast.Value v, Span span) {
            Object n = number(v);
            if (n instanceof Long l) {
                return switch (op) {
                    case "-" -> new Ast.IntValue(-l, span);
                    case "+" -> new Ast.IntValue(l, span);
                    default -> new Ast.IntValue(~l, span);
                };
            }
            if (n instanceof Double d && !op.equals("~")) {
                return real(op.equals("-") ? -d : d, span);
            }
            return null;
        }

        /** A bool is an int in Python's arithmetic. */
        private static Object number(Ast.Value v) {
            if (v instanceof Ast.IntValue i) {
                return i.value();
            }
            if (v instanceof Ast.BoolValue b) {
                return b.value() ? 1L : 0L;
            }
            if (v instanceof Ast.FloatValue f) {
                return f.value();
            }
            return null;
        }

        static Ast.Value binary(String op, Ast.Value left, Ast.Value right, Span span) {
            Object a = number(left);
            Object b = number(right);
            if (a != null && b != null) {
                if (a instanceof Long x && b instanceof Long y) {
                    return integer(op, x, y, span);
                }
                double x = ((Number) a).doubleValue();
                double y = ((Number) b).doubleValue();
                return switch (op) {
                    case "+" -> real(x + y, span);
                    case "-" -> real(x - y, span);
                    case "*" -> real(x * y, span);
                    case "/" -> y == 0 ? null : real(x / y, span);
                    case "//" -> y == 0 ? null : real(Math.floor(x / y), span);
                    case "%" -> y == 0 ? null : real(x - Math.floor(x / y) * y, span);
                    case "**" -> real(Math.pow(x, y), span);
                    default -> null;
                };
            }
            if (op.equals("+")) {
                if (left instanceof Ast.StringValue s && right instanceof Ast.StringValue t) {
                    return new Ast.StringValue(s.value() + t.value(), span);
                }
                if (left instanceof Ast.TupleValue s && right instanceof Ast.TupleValue t) {
                    return new Ast.TupleValue(concat(s.items(), t.items()), span);
                }
                if (left instanceof Ast.ListValue s && right instanceof Ast.ListValue t) {
                    return new Ast.ListValue(concat(s.items(), t.items()), span);
                }
            }
            if (op.equals("*") && (b instanceof Long || a instanceof Long)) {
                Ast.Value sequence = b instanceof Long ? left : right;
                long times = Math.max(0, b instanceof Long y ? y : (Long) a);
                if (times > 10_000) {
                    return null;
                }
                if (sequence instanceof Ast.StringValue s && s.value().length() * times <= 100_000) {
                    return new Ast.StringValue(s.value().repeat((int) times), span);
                }
                List<Ast.Value> items = sequence instanceof Ast.TupleValue t ? t.items()
                        : sequence instanceof Ast.ListValue l ? l.items() : null;
                if (items != null && items.size() * times <= 10_000) {
                    List<Ast.Value> out = new ArrayList<>();
                    for (long i = 0; i < times; i++) {
                        out.addAll(items);
                    }
                    return sequence instanceof Ast.TupleValue ? new Ast.TupleValue(List.copyOf(out), span)
                            : new Ast.ListValue(List.copyOf(out), span);
                }
            }
            if (op.equals("%") && left instanceof Ast.StringValue) {
                return null; // '%d' % x: formatting, for printing
            }
            return null;
        }

        private static List<Ast.Value> concat(List<Ast.Value> a, List<Ast.Value> b) {
            List<Ast.Value> out = new ArrayList<>(a);
            out.addAll(b);
            return List.copyOf(out);
        }

        private static Ast.Value integer(String op, long x, long y, Span span) {
            try {
                return switch (op) {
                    case "+" -> new Ast.IntValue(Math.addExact(x, y), span);
                    case "-" -> new Ast.IntValue(Math.subtractExact(x, y), span);
                    case "*" -> new Ast.IntValue(Math.multiplyExact(x, y), span);
                    case "/" -> y == 0 ? null : real((double) x / y, span);
                    case "//" -> y == 0 ? null : new Ast.IntValue(Math.floorDiv(x, y), span);
                    case "%" -> y == 0 ? null : new Ast.IntValue(Math.floorMod(x, y), span);
                    case "**" -> y < 0 ? real(Math.pow(x, y), span) : power(x, y, span);
                    case "<<" -> y < 0 || y > 62 ? null : new Ast.IntValue(x << y, span);
                    case ">>" -> y < 0 ? null : new Ast.IntValue(x >> Math.min(y, 63), span);
                    case "&" -> new Ast.IntValue(x & y, span);
                    case "|" -> new Ast.IntValue(x | y, span);
                    case "^" -> new Ast.IntValue(x ^ y, span);
                    default -> null;
                };
            } catch (ArithmeticException overflow) {
                return null;
            }
        }

        private static Ast.Value power(long x, long y, Span span) {
            if (x == -1) {
                return new Ast.IntValue(y % 2 == 0 ? 1 : -1, span);
            }
            long result = 1;
            for (long i = 0; i < y; i++) {
                result = Math.multiplyExact(result, x);
                if (result == 0 || result == 1 && x == 1) {
                    break;
                }
            }
            return new Ast.IntValue(result, span);
        }

        private static Ast.Value real(double v, Span span) {
            return Double.isFinite(v) ? new Ast.FloatValue(v, repr(v), span) : null;
        }

        /** Python's repr of a float: 0.001, 1e-06, 2.0. */
        static String repr(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e16) {
                return String.format(Locale.ROOT, "%.1f", v);
            }
            double abs = Math.abs(v);
            if (abs >= 1e-4 && abs < 1e16) {
                return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
            }
            String s = Double.toString(v).replace("E", "e");
            int e = s.indexOf('e');
            String mantissa = s.substring(0, e);
            if (mantissa.endsWith(".0")) {
                mantissa = mantissa.substring(0, mantissa.length() - 2);
            }
            int exponent = Integer.parseInt(s.substring(e + 1));
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
        }

        private static Boolean compare(String op, Ast.Value a, Ast.Value b) {
            Object x = number(a);
            Object y = number(b);
            Integer order = null;
            if (x != null && y != null) {
                order = Double.compare(((Number) x).doubleValue(), ((Number) y).doubleValue());
            } else if (a instanceof Ast.StringValue s && b instanceof Ast.StringValue t) {
                order = s.value().compareTo(t.value());
            }
            switch (op) {
                case "==", "!=" -> {
                    boolean equal = order != null ? order == 0 : same(a, b);
                    return op.equals("==") == equal;
                }
                case "is", "is not" -> {
                    if (!(a instanceof Ast.NoneValue || b instanceof Ast.NoneValue || a instanceof Ast.BoolValue
                            || b instanceof Ast.BoolValue)) {
                        return null;
                    }
                    return op.equals("is") == same(a, b);
                }
                case "in", "not in" -> {
                    List<Ast.Value> items = b instanceof Ast.TupleValue t ? t.items() : b instanceof Ast.ListValue l
                            ? l.items() : null;
                    Boolean in = null;
                    if (items != null) {
                        in = items.stream().anyMatch(i -> Boolean.TRUE.equals(compare("==", a, i)));
                    } else if (a instanceof Ast.StringValue s && b instanceof Ast.StringValue t) {
                        in = t.value().contains(s.value());
                    }
                    return in == null ? null : op.equals("in") == in;
                }
                default -> {
                    if (order == null) {
                        return null;
                    }
                    return switch (op) {
                        case "<" -> order < 0;
                        case ">" -> order > 0;
                        case "<=" -> order <= 0;
                        case ">=" -> order >= 0;
                        default -> null;
                    };
                }
            }
        }

        private static boolean same(Ast.Value a, Ast.Value b) {
            if (a instanceof Ast.NoneValue || b instanceof Ast.NoneValue) {
                return a instanceof Ast.NoneValue && b instanceof Ast.NoneValue;
            }
            if (a instanceof Ast.StringValue s && b instanceof Ast.StringValue t) {
                return s.value().equals(t.value());
            }
            Object x = number(a);
            Object y = number(b);
            if (x != null && y != null) {
                return ((Number) x).doubleValue() == ((Number) y).doubleValue();
            }
            List<Ast.Value> p = a instanceof Ast.TupleValue t ? t.items() : a instanceof Ast.ListValue l ? l.items() : null;
            List<Ast.Value> q = b instanceof Ast.TupleValue t ? t.items() : b instanceof Ast.ListValue l ? l.items() : null;
            if (p == null || q == null || (a instanceof Ast.TupleValue) != (b instanceof Ast.TupleValue)
                    || p.size() != q.size()) {
                return false;
            }
            for (int i = 0; i < p.size(); i++) {
                if (!same(p.get(i), q.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }
}
