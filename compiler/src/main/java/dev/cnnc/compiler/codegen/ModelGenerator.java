package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Augment;
import dev.cnnc.compiler.ir.Constraint;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.ir.Initializer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.Optimizer;
import dev.cnnc.compiler.ir.Training;
import dev.cnnc.compiler.ir.Regularizer;
import dev.cnnc.compiler.ir.Weight;
import dev.cnnc.compiler.summary.Summary;
import dev.cnnc.runtime.ActivationKind;
import dev.cnnc.runtime.Batch;
import dev.cnnc.runtime.Constraints;
import dev.cnnc.runtime.Init;
import dev.cnnc.runtime.Mode;
import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.Penalties;
import dev.cnnc.runtime.Rng;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.Augmentation;
import dev.cnnc.runtime.optim.LossKind;
import dev.cnnc.runtime.optim.OptimizerKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The model class: owns the parameters, their gradients and the batch buffers, and calls the layer
 * classes in order. It implements the runtime's {@code Network}.
 */
final class ModelGenerator {
    // The runtime types the generated code names, as class literals: the compiler's own build checks them.
    static final ClassName NETWORK = ClassName.get(Network.class);
    static final ClassName PARAMETER = ClassName.get(Parameter.class);
    static final ClassName INIT = ClassName.get(Init.class);
    static final ClassName RNG = ClassName.get(Rng.class);
    static final ClassName PENALTIES = ClassName.get(Penalties.class);
    static final ClassName CONSTRAINTS = ClassName.get(Constraints.class);
    static final ClassName TRAINING_CONFIG = ClassName.get(TrainingConfig.class);
    static final ClassName BATCH = ClassName.get(Batch.class);
    static final ClassName MODE = ClassName.get(Mode.class);
    private static final TypeName PARAMETER_LIST = ParameterizedTypeName.get(ClassName.get(List.class), PARAMETER);

    private final Model model;
    private final ClassName className;
    private final List<LayerSite> layers;
    private final boolean inputGradient;

    ModelGenerator(Model model, ClassName className, List<LayerSite> layers, boolean inputGradient) {
        this.model = model;
        this.className = className;
        this.layers = layers;
        this.inputGradient = inputGradient;
        int sums = 0;
        for (int i = 0; i < layers.size(); i++) {
            LayerSite g = layers.get(i);
            if (g.batchSums() > 0) {
                g.sumsOffset(sums);
                sums += g.batchSums();
                boundaries.add(i);
            }
        }
        this.totalSums = sums;
    }

    /** Indexes of the layers that need whole-batch sums: the forward and backward passes are cut there. */
    private final List<Integer> boundaries = new ArrayList<>();
    private final int totalSums;

    private boolean phased() {
        return !boundaries.isEmpty();
    }

    /** A layer's Keras weights, then the state its generator keeps beside them. */
    private static List<Weight> allWeights(LayerSite g) {
        List<Weight> all = new ArrayList<>(g.layer().weights());
        all.addAll(g.hiddenState());
        return all;
    }

    private LayerSite last() {
        return layers.get(layers.size() - 1);
    }

    TypeSpec generate() {
        TypeSpec.Builder type = TypeSpec.classBuilder(className)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(NETWORK)
                .addAnnotation(LayerSite.generated(model))
                .addJavadoc(classDoc());
        type.addField(LayerSite.constant("INPUT_SIZE", model.inputShape().size()));
        type.addField(LayerSite.constant("OUTPUT_SIZE", model.outputShape().size()));
        type.addField(FieldSpec.builder(String.class, "SUMMARY", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$S", Summary.of(model, false)).build());
        List<CodeBlock> names = new ArrayList<>();
        List<CodeBlock> shapes = new ArrayList<>();
        for (LayerSite g : layers) {
            names.add(CodeBlock.of("$S", g.layer().name()));
            shapes.add(CodeBlock.of("{$L}", join(g.layer().outputShape().dims())));
        }
        type.addField(FieldSpec.builder(ParameterizedTypeName.get(List.class, String.class), "LAYER_NAMES", Modifier.PRIVATE,
                Modifier.STATIC, Modifier.FINAL).initializer("$T.of($L)", List.class, CodeBlock.join(names, ", "))
                .addJavadoc("The layers' names, as Keras names them.\n").build());
        type.addField(FieldSpec.builder(int[][].class, "LAYER_SHAPES", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("{$L}", CodeBlock.join(shapes, ", "))
                .addJavadoc("Each layer's output shape for one example.\n").build());
        addFields(type);
        type.addMethod(publicConstructor());
        type.addMethod(sharingConstructor());
        type.addMethod(initialize());
        type.addMethods(accessors());
        if (phased()) {
            type.addMethods(phasedPasses());
        } else {
            type.addMethods(forward());
            type.addMethod(backward());
            type.addMethod(backwardFromLogits());
            type.addMethod(backwardLayers());
        }
        type.addMethods(trainingSupport());
        type.addMethod(predict());
        if (inputGradient) {
            type.addMethod(MethodSpec.methodBuilder("inputGradient").addModifiers(Modifier.PUBLIC)
                    .returns(float[].class)
                    .addJavadoc("The loss gradient with respect to the input of the last backward pass.\n")
                    .addStatement("return inputGradient").build());
        }
        return type.build();
    }

    private CodeBlock classDoc() {
        return CodeBlock.builder()
                .add("$L: $L to $L, $L parameters, generated by cnnc from {@code $L}.\n", model.name(),
                        LayerSite.dims(model.inputShape()), LayerSite.dims(model.outputShape()),
                        String.format("%,d", model.parameterCount()), Comments.javadoc(model.source().baseName() + ".cnn"))
                .add("\n<pre>\n$L</pre>\n", Comments.javadocLines(Summary.of(model, false)))
                .add("\n<p>Buffers hold {@code batchSize} examples one after another, each in Keras' layout. Not\n")
                .add("thread-safe: use {@link #replica(int)} for another thread.\n")
                .build();
    }

    // ---------------------------------------------------------------------------------------------
    // Fields and construction

    private void addFields(TypeSpec.Builder type) {
        for (LayerSite g : layers) {
            Layer l = g.layer();
            for (Weight w : allWeights(g)) {
                type.addField(FieldSpec.builder(float[].class, g.weightField(w), Modifier.PRIVATE, Modifier.FINAL)
                        .addJavadoc("$L $L $L, shared with replicas$L.\n", Comments.javadoc(l.name()), w.role().keras(),
                                LayerSite.dims(w.shape()), w.trainable() ? "" : "; state, not trained")
                        .build());
                if (w.trainable()) {
                    type.addField(FieldSpec.builder(float[].class, g.weightGradientField(w), Modifier.PRIVATE, Modifier.FINAL)
                            .build());
                }
            }
        }
        for (LayerSite g : layers) {
            Layer l = g.layer();
            type.addField(FieldSpec.builder(float[].class, g.out(), Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("$L output $L.\n", Comments.javadoc(l.name()), LayerSite.batch(l.outputShape())).build());
            type.addField(FieldSpec.builder(float[].class, g.dOut(), Modifier.PRIVATE, Modifier.FINAL).build());
            if (g.scratchFloats() > 0) {
                type.addField(FieldSpec.builder(float[].class, g.scratchFloatField(), Modifier.PRIVATE, Modifier.FINAL)
                        .addJavadoc("$L: working memory of the backward pass.\n", Comments.javadoc(l.name())).build());
            }
            if (g.keptFloatsPerExample() > 0) {
                type.addField(FieldSpec.builder(float[].class, g.keptField(), Modifier.PRIVATE, Modifier.FINAL)
                        .addJavadoc("$L: what the forward pass keeps for the backward pass, per example.\n",
                                Comments.javadoc(l.name())).build());
            }
            for (ModelField f : g.modelFields()) {
                type.addField(FieldSpec.builder(f.type(), f.name(), Modifier.PRIVATE, Modifier.FINAL)
                        .addJavadoc("$L: $L\n", Comments.javadoc(l.name()), Comments.javadoc(f.javadoc())).build());
            }
        }
        if (phased()) {
            type.addField(FieldSpec.builder(double[].class, "partialSums", Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("This replica's sums over its own examples at the end of a phase.\n").build());
            type.addField(FieldSpec.builder(double[].class, "batchSums", Modifier.PRIVATE, Modifier.FINAL)
                    .addJavadoc("The whole batch's sums, shared with replicas: written by the trainer between phases.\n")
                    .build());
            type.addField(FieldSpec.builder(MODE, "mode", Modifier.PRIVATE)
                    .addJavadoc("The mode of the last forward pass, which its backward pass follows.\n")
                    .initializer("$T.INFERENCE", MODE).build());
        }
        if (inputGradient) {
            type.addField(float[].class, "inputGradient", Modifier.PRIVATE, Modifier.FINAL);
        }
        type.addField(int.class, "batchSize", Modifier.PRIVATE, Modifier.FINAL);
        type.addField(PARAMETER_LIST, "parameters", Modifier.PRIVATE, Modifier.FINAL);
        type.addField(FieldSpec.builder(float[].class, "input", Modifier.PRIVATE)
                .addJavadoc("The input of the last forward pass, kept for the backward pass.\n").build());
        type.addField(double.class, "activityLoss", Modifier.PRIVATE);
        if (!outputGradientCalls().isEmpty()) {
            type.addField(FieldSpec.builder(int.class, "backwardExamples", Modifier.PRIVATE)
                    .addJavadoc("The examples of the last backward pass, for {@code layerOutputGradient}.\n").build());
        }
        type.addField(FieldSpec.builder(BATCH, "inferenceBatch", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("The batch of {@code forward(float[], int)} and {@code predict}.\n").build());
    }

    private MethodSpec publicConstructor() {
        return MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                .addParameter(int.class, "batchSize")
                .addParameter(long.class, "seed")
                .addJavadoc("A model for batches of up to {@code batchSize} examples, its parameters initialized from\n"
                        + "{@code seed} as the {@code .cnn} file declares (same seed, same weights, bit for bit).\n")
                .addStatement("this(null, batchSize)")
                .addStatement("initialize(seed)")
                .build();
    }

    private MethodSpec sharingConstructor() {
        MethodSpec.Builder m = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                .addParameter(className, "shared")
                .addParameter(int.class, "batchSize")
                .beginControlFlow("if (batchSize < 1 || (long) batchSize * $L > Integer.MAX_VALUE - 8)", largestExample())
                .addStatement("throw new IllegalArgumentException($S + batchSize)", "batch size out of range: ")
                .endControlFlow()
                .addStatement("this.batchSize = batchSize");
        // Keras' weights in layer order (as model.weights), then the state generators keep beside them
        List<CodeBlock> parameters = new ArrayList<>();
        List<LayerSite> owners = new ArrayList<>();
        List<Weight> ordered = new ArrayList<>();
        for (LayerSite g : layers) {
            for (Weight w : g.layer().weights()) {
                owners.add(g);
                ordered.add(w);
            }
        }
        for (LayerSite g : layers) {
            for (Weight w : g.hiddenState()) {
                owners.add(g);
                ordered.add(w);
            }
        }
        for (int k = 0; k < ordered.size(); k++) {
            LayerSite g = owners.get(k);
            Weight w = ordered.get(k);
            m.addStatement("$L = shared == null ? new float[$L] : shared.$L", g.weightField(w), w.size(),
                    g.weightField(w));
            String name = g.layer().name() + "/" + w.role().keras();
            if (w.trainable()) {
                m.addStatement("$L = new float[$L]", g.weightGradientField(w), w.size());
                parameters.add(CodeBlock.of("new $T($S, new int[] {$L}, $L, $L)", PARAMETER, name, join(w.shape()),
                        g.weightField(w), g.weightGradientField(w)));
            } else {
                parameters.add(CodeBlock.of("$T.state($S, new int[] {$L}, $L)", PARAMETER, name, join(w.shape()),
                        g.weightField(w)));
            }
        }
        for (LayerSite g : layers) {
            Layer l = g.layer();
            m.addStatement("$L = new float[batchSize * $T.OUT_SIZE]", g.out(), g.className());
            m.addStatement("$L = new float[batchSize * $T.OUT_SIZE]", g.dOut(), g.className());
            if (g.scratchFloats() > 0) {
                m.addStatement("$L = new float[$L]", g.scratchFloatField(), g.scratchFloats());
            }
            if (g.keptFloatsPerExample() > 0) {
                m.addStatement("$L = new float[batchSize * $L]", g.keptField(), g.keptFloatsPerExample());
            }
            for (ModelField f : g.modelFields()) {
                m.addStatement("$L = $L", f.name(), f.initializer());
            }
        }
        if (phased()) {
            m.addStatement("partialSums = new double[$L]", totalSums);
            m.addStatement("batchSums = shared == null ? new double[$L] : shared.batchSums", totalSums);
        }
        if (inputGradient) {
            m.addStatement("inputGradient = new float[batchSize * INPUT_SIZE]");
        }
        m.addStatement("inferenceBatch = new $T(batchSize)", BATCH);
        m.addStatement("parameters = $T.of($L)", List.class, CodeBlock.join(parameters, ",\n"));
        return m.build();
    }

    private long largestExample() {
        return Math.max(model.inputShape().size(),
                model.layers().stream().mapToLong(l -> l.outputShape().size()).max().orElse(1));
    }

    private static String join(int[] dims) {
        return String.join(", ", Arrays.stream(dims).mapToObj(Integer::toString).toList());
    }

    private MethodSpec initialize() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("initialize").addModifiers(Modifier.PRIVATE)
                .addParameter(long.class, "seed")
                .addJavadoc("Keras' initializers; each parameter draws from its own stream of the seed, or from the\n"
                        + "seed its initializer declares.\n");
        int stream = 0;
        for (LayerSite g : layers) {
            for (Weight w : g.layer().weights()) {
                m.addCode(initializerCall(g.weightField(w), w, stream++));
            }
            for (Weight w : g.hiddenState()) {
                m.addCode(initializerCall(g.weightField(w), w, -1)); // constants: no stream
            }
        }
        return m.build();
    }

    private static CodeBlock initializerCall(String field, Weight w, int stream) {
        Initializer init = w.initializer();
        Long seed = init instanceof Initializer.RandomNormal r ? r.seed()
                : init instanceof Initializer.RandomUniform u ? u.seed()
                : init instanceof Initializer.TruncatedNormal t ? t.seed()
                : init instanceof Initializer.VarianceScaling v ? v.seed() : null;
        CodeBlock rng = seed != null ? CodeBlock.of("new $T($LL)", RNG, seed) : CodeBlock.of("$T.stream(seed, $L)", RNG, stream);
        if (init instanceof Initializer.Constant c) {
            return CodeBlock.builder().addStatement("$T.constant($L, $L)", INIT, field, c.value()).build();
        }
        if (init instanceof Initializer.RandomNormal r) {
            return CodeBlock.builder().addStatement("$T.normal($L, $L, $L, $L)", INIT, field, r.mean(), r.stddev(), rng).build();
        }
        if (init instanceof Initializer.RandomUniform u) {
            return CodeBlock.builder().addStatement("$T.uniform($L, $L, $L, $L)", INIT, field, u.minval(), u.maxval(), rng)
                    .build();
        }
        if (init instanceof Initializer.TruncatedNormal t) {
            return CodeBlock.builder().addStatement("$T.truncatedNormal($L, $L, $L, $L)", INIT, field, t.mean(), t.stddev(),
                    rng).build();
        }
        Initializer.VarianceScaling v = (Initializer.VarianceScaling) init;
        double fan = switch (v.mode()) {
            case FAN_IN -> w.fanIn();
            case FAN_OUT -> w.fanOut();
            case FAN_AVG -> (w.fanIn() + w.fanOut()) / 2;
        };
        return CodeBlock.builder()
                .add("// $L: scale $L / $L $L\n", Comments.line(v.describe()), v.scale(), v.mode().keras(), fan)
                .addStatement("$T.varianceScaling($L, $L, $L, $L, $L)", INIT, field, v.scale(), fan, v.uniform(), rng)
                .build();
    }

    private List<MethodSpec> accessors() {
        List<MethodSpec> list = new ArrayList<>();
        list.add(override("replica", className).addParameter(int.class, "batchSize")
                .addStatement("return new $T(this, batchSize)", className).build());
        list.add(override("name", String.class).addStatement("return $S", model.name()).build());
        list.add(override("inputShape", int[].class).addStatement("return new int[] {$L}", join(model.inputShape().dims()))
                .build());
        list.add(override("inputSize", int.class).addStatement("return INPUT_SIZE").build());
        list.add(override("outputSize", int.class).addStatement("return OUTPUT_SIZE").build());
        list.add(override("batchSize", int.class).addStatement("return batchSize").build());
        list.add(override("outputActivation", ActivationKind.class).addStatement("return $T.$L", ActivationKind.class,
                ActivationKind.valueOf(last().layer().activation().name())).build());
        list.add(override("parameterCount", long.class).addStatement("return $LL", model.parameterCount()).build());
        list.add(override("summary", String.class).addStatement("return SUMMARY").build());
        list.add(override("trainingConfig", TRAINING_CONFIG).addStatement("return $L", trainingConfig()).build());
        list.add(override("parameters", PARAMETER_LIST).addStatement("return parameters").build());
        list.addAll(layerAccess());
        return list;
    }

    /** Layers per method of the buffer lists, so that each stays far below HotSpot's 8,000-byte limit. */
    private static final int BUFFERS_PER_METHOD = 300;

    /**
     * The layers' names, output shapes, and the buffers of the last forward and backward passes, for
     * pictures of what each layer computes (feature maps, class activation maps).
     */
    private List<MethodSpec> layerAccess() {
        List<MethodSpec> list = new ArrayList<>();
        list.add(override("layerNames", ParameterizedTypeName.get(List.class, String.class))
                .addStatement("return LAYER_NAMES").build());
        list.add(override("layerOutputShape", int[].class).addParameter(int.class, "layer")
                .addStatement("return LAYER_SHAPES[layer].clone()").build());
        list.add(override("layerOutput", float[].class).addParameter(int.class, "layer")
                .addStatement("return layerBuffers(false)[layer]").build());
        MethodSpec.Builder gradient = override("layerOutputGradient", float[].class).addParameter(int.class, "layer");
        CodeBlock completed = outputGradientCalls();
        if (!completed.isEmpty()) {
            gradient.addComment("the output gradients a fused backward pass did not write")
                    .addStatement("int n = backwardExamples")
                    .addCode(completed);
        }
        list.add(gradient.addStatement("return layerBuffers(true)[layer]").build());
        MethodSpec.Builder buffers = MethodSpec.methodBuilder("layerBuffers").addModifiers(Modifier.PRIVATE)
                .returns(float[][].class).addParameter(boolean.class, "gradients")
                .addStatement("float[][] b = new float[$L][]", layers.size());
        for (int from = 0, part = 0; from < layers.size(); from += BUFFERS_PER_METHOD, part++) {
            buffers.addStatement("layerBuffers$L(b, gradients)", part);
            MethodSpec.Builder m = MethodSpec.methodBuilder("layerBuffers" + part).addModifiers(Modifier.PRIVATE)
                    .addParameter(float[][].class, "b").addParameter(boolean.class, "gradients");
            for (int i = from; i < Math.min(layers.size(), from + BUFFERS_PER_METHOD); i++) {
                m.addStatement("b[$L] = gradients ? $L : $L", i, layers.get(i).dOut(), layers.get(i).out());
            }
            list.add(m.build());
        }
        list.add(buffers.addStatement("return b").build());
        return list;
    }

    /** The {@code compile(...)} and {@code fit(...)} of the file, with Keras' defaults filled in. */
    private CodeBlock trainingConfig() {
        Training t = model.training();
        Optimizer o = t.optimizer() != null ? t.optimizer() : Optimizer.defaults(Optimizer.Kind.RMSPROP);
        // The runtime's enums have the constants of the IR's, by name (valueOf fails at generation otherwise).
        CodeBlock optimizer = t.optimizer() == null ? CodeBlock.of("null")
                : CodeBlock.of("$T.$L", OptimizerKind.class, OptimizerKind.valueOf(o.kind().name()));
        CodeBlock loss = t.loss() == null ? CodeBlock.of("null")
                : CodeBlock.of("$T.$L", LossKind.class, LossKind.valueOf(t.loss().name()));
        return CodeBlock.of("$T.builder($L, $L)\n.learningRate($L).rho($L).momentum($L).nesterov($L)"
                + "\n.beta1($L).beta2($L).epsilon($L).amsgrad($L).decay($L)"
                + "\n.epochs($L).batchSize($L).validationSplit($L).shuffle($L)$L$L\n.build()", TRAINING_CONFIG,
                optimizer, loss, o.learningRate(), o.rho(), o.momentum(), o.nesterov(), o.beta1(), o.beta2(), o.epsilon(),
                o.amsgrad(), o.decay(), t.epochs(), t.batchSize(), t.validationSplit(), t.shuffle(),
                CodeBlock.of("$L$L", optimizerExtras(o), fitExtras(t)), augmentation(t.augment()));
    }

    /** A pasted script's validation on the test set, initial epoch and loss from logits, only where given. */
    private static CodeBlock fitExtras(Training t) {
        CodeBlock.Builder b = CodeBlock.builder();
        if (t.validateOnTest()) {
            b.add(".validateOnTest(true)");
        }
        if (t.initialEpoch() > 0) {
            b.add(".initialEpoch($L)", t.initialEpoch());
        }
        if (t.fromLogits()) {
            b.add(".fromLogits(true)");
        }
        return b.build();
    }

    /**
     * Nadam's {@code schedule_decay} and the gradient clipping, only where they matter
     * (empty otherwise so that other models' configuration reads as before).
     */
    private static CodeBlock optimizerExtras(Optimizer o) {
        CodeBlock.Builder b = CodeBlock.builder();
        if (o.kind() == Optimizer.Kind.NADAM) {
            b.add(".scheduleDecay($L)", o.scheduleDecay());
        }
        if (o.clipnorm() > 0) {
            b.add(".clipnorm($L)", o.clipnorm());
        }
        if (o.clipvalue() > 0) {
            b.add(".clipvalue($L)", o.clipvalue());
        }
        return b.build();
    }

    /**
     * The file's {@code augment(...)} as an {@link Augmentation} built with Keras' names; only the
     * arguments that differ from the defaults; empty without one.
     */
    private static CodeBlock augmentation(Augment a) {
        if (a == null) {
            return CodeBlock.of("");
        }
        CodeBlock.Builder b = CodeBlock.builder().add("\n.augmentation($T.builder()$>$>", Augmentation.class);
        if (a.rotationRange() != 0) {
            b.add("\n.rotationRange($L)", a.rotationRange());
        }
        if (!a.widthShift().isNone()) {
            b.add("\n.widthShiftRange($L)", shift(a.widthShift()));
        }
        if (!a.heightShift().isNone()) {
            b.add("\n.heightShiftRange($L)", shift(a.heightShift()));
        }
        if (a.shearRange() != 0) {
            b.add("\n.shearRange($L)", a.shearRange());
        }
        if (a.zoomLow() != 1 || a.zoomHigh() != 1) {
            b.add("\n.zoomRange($L, $L)", a.zoomLow(), a.zoomHigh());
        }
        if (a.channelShiftRange() != 0) {
            b.add("\n.channelShiftRange($L)", a.channelShiftRange());
        }
        if (a.horizontalFlip()) {
            b.add("\n.horizontalFlip(true)");
        }
        if (a.verticalFlip()) {
            b.add("\n.verticalFlip(true)");
        }
        if (!a.fillMode().equals("nearest")) {
            b.add("\n.fillMode($T.$L)", Augmentation.FillMode.class,
                    Augmentation.FillMode.valueOf(a.fillMode().toUpperCase(java.util.Locale.ROOT)));
        }
        if (a.cval() != 0) {
            b.add("\n.cval($L)", a.cval());
        }
        if (a.dataFormat() == DataFormat.CHANNELS_FIRST) {
            b.add("\n.channelsFirst(true)");
        }
        return b.add("\n.build())$<$<").build();
    }

    private static CodeBlock shift(Augment.Shift s) {
        return switch (s.form()) {
            case UNIFORM -> CodeBlock.of("$L", s.range());
            case PIXELS -> CodeBlock.of("$T.Shift.pixels($L)", Augmentation.class, (long) s.range());
            case LIST -> CodeBlock.of("$T.Shift.choices($L)", Augmentation.class, s.values().stream()
                    .map(v -> CodeBlock.of("$L", v)).collect(CodeBlock.joining(", ")));
        };
    }

    private static MethodSpec.Builder override(String name, TypeName returns) {
        return MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC).addAnnotation(Override.class).returns(returns);
    }

    private static MethodSpec.Builder override(String name, Class<?> returns) {
        return override(name, TypeName.get(returns));
    }

    // ---------------------------------------------------------------------------------------------
    // Forward and backward

    /**
     * {@code forward(Batch)}, the pass the trainer calls (training or inference, with what noise
     * needs), and {@code forward(float[], int)}, an inference pass through the model's own batch.
     */
    private List<MethodSpec> forward() {
        MethodSpec.Builder m = override("forward", float[].class)
                .addParameter(BATCH, "batch")
                .addStatement("int n = batch.size()")
                .addStatement("float[] input = batch.input()")
                .addStatement("checkBatch(input, INPUT_SIZE, n)")
                .addStatement("this.input = input")
                .addStatement("activityLoss = 0");
        for (LayerSite g : layers) {
            m.addCode(forwardLayer(g));
        }
        MethodSpec inference = override("forward", float[].class)
                .addParameter(float[].class, "input")
                .addParameter(int.class, "n")
                .addStatement("checkBatch(input, INPUT_SIZE, n)")
                .addStatement("return forward(inferenceBatch.set(input, n, $T.INFERENCE))", MODE)
                .build();
        return List.of(m.addStatement("return $L", last().out()).build(), inference);
    }

    /** The layer's forward call and its activity penalty. */
    private static CodeBlock forwardLayer(LayerSite g) {
        CodeBlock.Builder b = CodeBlock.builder().add(g.forwardCall());
        Regularizer r = g.layer().activityRegularizer();
        if (r != null) {
            b.addStatement("activityLoss += $T.penalty($L, 0, n * $T.OUT_SIZE, $L, $L)", PENALTIES, g.out(),
                    g.className(), r.l1(), r.l2());
        }
        return b.build();
    }

    /** Copies the loss gradient into the last layer's output gradient, through its activation. */
    private CodeBlock seedOutputGradient(String gradient) {
        LayerSite last = last();
        return CodeBlock.builder()
                .addStatement("$T.arraycopy($L, 0, $L, 0, n * OUTPUT_SIZE)", System.class, gradient, last.dOut())
                .add(activationBackward(last))
                .build();
    }

    /** Copies the gradient of the last layer's logits into its pre-activation gradient (plus its activity penalty's). */
    private CodeBlock seedLogitGradient(String gradient) {
        LayerSite last = last();
        CodeBlock.Builder b = CodeBlock.builder();
        Regularizer r = last.layer().activityRegularizer();
        if (r == null) {
            return b.addStatement("$T.arraycopy($L, 0, $L, 0, n * OUTPUT_SIZE)", System.class, gradient, last.dOut()).build();
        }
        return b.add("// the activity penalty's gradient goes through the activation; the loss's is given\n")
                .addStatement("$T.fill($L, 0, n * OUTPUT_SIZE, 0f)", Arrays.class, last.dOut())
                .add(activationBackward(last))
                .beginControlFlow("for (int j = 0; j < n * OUTPUT_SIZE; j++)")
                .addStatement("$L[j] += $L[j]", last.dOut(), gradient)
                .endControlFlow()
                .build();
    }

    // ---------------------------------------------------------------------------------------------
    // Models with layers that need whole-batch sums: passes in phases (docs/training.md)

    private List<MethodSpec> phasedPasses() {
        int phases = boundaries.size() + 1;
        List<MethodSpec> list = new ArrayList<>();
        list.add(override("phases", int.class).addStatement("return $L", phases).build());

        MethodSpec.Builder forward = override("forwardPhase", float[].class)
                .addParameter(BATCH, "batch").addParameter(int.class, "phase")
                .addStatement("int n = batch.size()")
                .beginControlFlow("switch (phase)");
        for (int p = 0; p < phases; p++) {
            forward.beginControlFlow("case $L ->", p);
            int from;
            if (p == 0) {
                forward.addStatement("float[] input = batch.input()")
                        .addStatement("checkBatch(input, INPUT_SIZE, n)")
                        .addStatement("this.input = input")
                        .addStatement("mode = batch.mode()")
                        .addStatement("activityLoss = 0");
                from = 0;
            } else {
                from = boundaries.get(p - 1);
            }
            int to = p < phases - 1 ? boundaries.get(p) : layers.size();
            for (int i = from; i < to; i++) {
                forward.addCode(forwardLayer(layers.get(i)));
            }
            if (p < phases - 1) {
                forward.addComment("this replica's sums for the whole batch's statistics of $L",
                        Comments.line(layers.get(to).layer().name()));
                forward.addCode(layers.get(to).forwardSumsCall()).addStatement("return null");
            } else {
                forward.addStatement("return $L", last().out());
            }
            forward.endControlFlow();
        }
        forward.addStatement("default -> throw new $T($S + phase)", IndexOutOfBoundsException.class, "no phase ")
                .endControlFlow();
        list.add(forward.build());

        MethodSpec.Builder backward = override("backwardPhase", void.class)
                .addParameter(float[].class, "gradient").addParameter(boolean.class, "fromLogits")
                .addParameter(int.class, "n").addParameter(int.class, "phase")
                .addCode(recordBackwardExamples())
                .beginControlFlow("switch (phase)");
        for (int p = phases - 1; p >= 0; p--) {
            backward.beginControlFlow("case $L ->", p);
            int hi;
            if (p == phases - 1) {
                backward.addStatement("checkBatch(gradient, OUTPUT_SIZE, n)")
                        .beginControlFlow("if (fromLogits)").addCode(seedLogitGradient("gradient"))
                        .nextControlFlow("else").addCode(seedOutputGradient("gradient")).endControlFlow();
                hi = layers.size() - 1;
            } else {
                int b = boundaries.get(p);
                backward.addCode(layers.get(b).backwardCall());
                hi = b - 1;
            }
            int lo = p > 0 ? boundaries.get(p - 1) : 0;
            for (int i = hi; i >= lo; i--) {
                LayerSite g = layers.get(i);
                if (i < layers.size() - 1) {
                    backward.addCode(activationBackward(g, layers.get(i + 1)));
                }
                if (p > 0 && i == lo) {
                    backward.addComment("this replica's sums for the whole batch's gradient statistics of $L",
                            Comments.line(g.layer().name()));
                    backward.addCode(g.backwardSumsCall());
                } else {
                    backward.addCode(g.backwardCall());
                }
            }
            backward.endControlFlow();
        }
        backward.addStatement("default -> throw new $T($S + phase)", IndexOutOfBoundsException.class, "no phase ")
                .endControlFlow();
        list.add(backward.build());

        for (boolean logits : new boolean[] {false, true}) {
            String name = logits ? "logitGradient" : "outputGradient";
            list.add(override(logits ? "backwardFromLogits" : "backward", void.class)
                    .addParameter(float[].class, name).addParameter(int.class, "n")
                    .addJavadoc("All backward phases on this replica alone: its own sums are the batch's.\n")
                    .addStatement("backwardPhase($L, $L, n, $L)", name, logits, phases - 1)
                    .beginControlFlow("for (int p = $L; p >= 0; p--)", phases - 2)
                    .addStatement("$T.arraycopy(partialSums, 0, batchSums, 0, partialSums.length)", System.class)
                    .addStatement("backwardPhase($L, $L, n, p)", name, logits)
                    .endControlFlow()
                    .build());
        }
        list.add(override("forward", float[].class)
                .addParameter(float[].class, "input").addParameter(int.class, "n")
                .addStatement("checkBatch(input, INPUT_SIZE, n)")
                .addStatement("return forward(inferenceBatch.set(input, n, $T.INFERENCE))", MODE)
                .build());
        list.add(override("partialSums", double[].class).addStatement("return partialSums").build());
        list.add(override("batchSums", double[].class).addStatement("return batchSums").build());
        MethodSpec.Builder update = override("updateState", void.class).addParameter(BATCH, "step")
                .addJavadoc("The moving statistics from the whole batch's sums; on the model, never on a replica.\n");
        for (int b : boundaries) {
            update.addCode(layers.get(b).updateStateCall());
        }
        list.add(update.build());
        return list;
    }

    private MethodSpec backward() {
        LayerSite last = last();
        MethodSpec.Builder m = override("backward", void.class)
                .addParameter(float[].class, "outputGradient")
                .addParameter(int.class, "n")
                .addStatement("checkBatch(outputGradient, OUTPUT_SIZE, n)")
                .addStatement("$T.arraycopy(outputGradient, 0, $L, 0, n * OUTPUT_SIZE)", System.class, last.dOut());
        m.addCode(activationBackward(last));
        return m.addStatement("backwardLayers(n)").build();
    }

    private MethodSpec backwardFromLogits() {
        LayerSite last = last();
        MethodSpec.Builder m = override("backwardFromLogits", void.class)
                .addParameter(float[].class, "logitGradient")
                .addParameter(int.class, "n")
                .addStatement("checkBatch(logitGradient, OUTPUT_SIZE, n)");
        Regularizer r = last.layer().activityRegularizer();
        if (r == null) {
            m.addStatement("$T.arraycopy(logitGradient, 0, $L, 0, n * OUTPUT_SIZE)", System.class, last.dOut());
        } else {
            m.addComment("the activity penalty's gradient goes through the activation; the loss's is given")
                    .addStatement("$T.fill($L, 0, n * OUTPUT_SIZE, 0f)", Arrays.class, last.dOut())
                    .addCode(activationBackward(last))
                    .beginControlFlow("for (int j = 0; j < n * OUTPUT_SIZE; j++)")
                    .addStatement("$L[j] += logitGradient[j]", last.dOut())
                    .endControlFlow();
        }
        return m.addStatement("backwardLayers(n)").build();
    }

    /**
     * As {@link #activationBackward(LayerSite)} for a layer followed by {@code next}, which may have
     * taken the gradient through {@code g}'s relu already.
     */
    private static CodeBlock activationBackward(LayerSite g, LayerSite next) {
        if (next.appliesPreviousRelu()) {
            return CodeBlock.of("// $L's relu: applied by $L's backward pass\n", g.layer().name(), next.layer().name());
        }
        return activationBackward(g);
    }

    /** The activity penalty's gradient and the activation's backward, for the output gradient of {@code g}. */
    private static CodeBlock activationBackward(LayerSite g) {
        CodeBlock.Builder b = CodeBlock.builder();
        Regularizer r = g.layer().activityRegularizer();
        if (r != null) {
            b.addStatement("$T.addGradient($L, $L, 0, n * $T.OUT_SIZE, $L, $L)", PENALTIES, g.out(), g.dOut(), g.className(),
                    r.l1(), r.l2());
        }
        if (g.layer().activation() != Activation.LINEAR) {
            b.add(g.activationBackwardCall());
        }
        return b.build();
    }

    /** The layers' {@link LayerSite#outputGradientCall}s: what {@code layerOutputGradient} must complete. */
    private CodeBlock outputGradientCalls() {
        CodeBlock.Builder b = CodeBlock.builder();
        for (LayerSite g : layers) {
            b.add(g.outputGradientCall());
        }
        return b.build();
    }

    /** {@code backwardExamples = n} where {@code layerOutputGradient} needs it. */
    private CodeBlock recordBackwardExamples() {
        return outputGradientCalls().isEmpty() ? CodeBlock.of("") : CodeBlock.of("backwardExamples = n;\n");
    }

    private MethodSpec backwardLayers() {
        MethodSpec.Builder m = MethodSpec.methodBuilder("backwardLayers").addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "n")
                .addJavadoc("Every layer's backward pass, last to first, from the last layer's pre-activation gradient.\n")
                .addCode(recordBackwardExamples());
        for (int i = layers.size() - 1; i >= 0; i--) {
            LayerSite g = layers.get(i);
            if (i < layers.size() - 1) {
                m.addCode(activationBackward(g, layers.get(i + 1)));
            }
            m.addCode(g.backwardCall());
        }
        return m.build();
    }

    private List<MethodSpec> trainingSupport() {
        MethodSpec.Builder zero = override("zeroGradients", void.class);
        MethodSpec.Builder penalty = override("regularizationLoss", double.class).addStatement("double loss = 0");
        MethodSpec.Builder penaltyGradient = override("addRegularizationGradients", void.class);
        MethodSpec.Builder constraints = override("applyConstraints", void.class);
        for (LayerSite g : layers) {
            for (Weight w : g.layer().weights()) {
                if (!w.trainable()) {
                    continue; // state: no gradient, no penalty, no constraint
                }
                String field = g.weightField(w);
                zero.addStatement("$T.fill($L, 0f)", Arrays.class, g.weightGradientField(w));
                Regularizer r = w.regularizer();
                if (r != null) {
                    penalty.addStatement("loss += $T.penalty($L, 0, $L.length, $L, $L)", PENALTIES, field, field, r.l1(), r.l2());
                    penaltyGradient.addStatement("$T.addGradient($L, $L, 0, $L.length, $L, $L)", PENALTIES, field,
                            g.weightGradientField(w), field, r.l1(), r.l2());
                }
                Constraint c = w.constraint();
                if (c != null) {
                    constraints.addCode(constraintCall(field, w, c));
                }
            }
        }
        MethodSpec activity = override("activityLoss", double.class).addStatement("return activityLoss").build();
        MethodSpec checkBatch = MethodSpec.methodBuilder("checkBatch").addModifiers(Modifier.PRIVATE)
                .addParameter(float[].class, "buffer").addParameter(int.class, "perExample").addParameter(int.class, "n")
                .beginControlFlow("if (n < 1 || n > batchSize)")
                .addStatement("throw new IllegalArgumentException($S + n + $S + batchSize)", "batch of ", " examples; this model takes 1 to ")
                .endControlFlow()
                .beginControlFlow("if (buffer.length < n * perExample)")
                .addStatement("throw new IllegalArgumentException($S + n + $S)", "buffer too short for ", " examples")
                .endControlFlow()
                .build();
        return List.of(zero.build(), activity, penalty.addStatement("return loss").build(), penaltyGradient.build(),
                constraints.build(), checkBatch);
    }

    private static CodeBlock constraintCall(String field, Weight w, Constraint c) {
        String shape = "new int[] {" + join(w.shape()) + "}";
        if (c instanceof Constraint.NonNeg) {
            return CodeBlock.builder().addStatement("$T.nonNeg($L)", CONSTRAINTS, field).build();
        }
        if (c instanceof Constraint.MaxNorm m) {
            return CodeBlock.builder().addStatement("$T.maxNorm($L, $L, new int[] {$L}, $L)", CONSTRAINTS, field, shape,
                    join(m.axes()), m.maxValue()).build();
        }
        if (c instanceof Constraint.UnitNorm u) {
            return CodeBlock.builder().addStatement("$T.unitNorm($L, $L, new int[] {$L})", CONSTRAINTS, field, shape,
                    join(u.axes())).build();
        }
        Constraint.MinMaxNorm mm = (Constraint.MinMaxNorm) c;
        return CodeBlock.builder().addStatement("$T.minMaxNorm($L, $L, new int[] {$L}, $L, $L, $L)", CONSTRAINTS, field,
                shape, join(mm.axes()), mm.minValue(), mm.maxValue(), mm.rate()).build();
    }

    private MethodSpec predict() {
        return override("predict", void.class)
                .addParameter(float[].class, "image")
                .addParameter(float[].class, "result")
                .beginControlFlow("if (image.length != INPUT_SIZE || result.length != OUTPUT_SIZE)")
                .addStatement("throw new IllegalArgumentException($S + INPUT_SIZE + $S + OUTPUT_SIZE + $S)",
                        "predict takes ", " input values and ", " result values")
                .endControlFlow()
                .addStatement("forward(image, 1)")
                .addStatement("$T.arraycopy($L, 0, result, 0, OUTPUT_SIZE)", System.class, last().out())
                .build();
    }
}
