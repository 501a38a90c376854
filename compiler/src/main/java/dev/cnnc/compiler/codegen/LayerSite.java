package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.ir.Activation;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.Weight;
import javax.lang.model.element.Modifier;

/**
 * Where a layer stands in the model being generated: its class name, the names of the model's
 * buffers it reads and writes, the generator chosen for it, and the parts every layer class shares.
 */
public final class LayerSite {
    private final Model model;
    private final Layer layer;
    private final int index;
    private final ClassName className;
    private final boolean inputGradient;
    private final LayerGenerator<Layer> generator;
    private int sumsOffset;

    LayerSite(Model model, int index, ClassName className, boolean inputGradient, Backend backend) {
        this.model = model;
        this.layer = model.layers().get(index);
        this.index = index;
        this.className = className;
        this.inputGradient = inputGradient;
        this.generator = backend.generatorFor(layer);
    }

    private LayerSite(LayerSite site, ClassName className, LayerGenerator<Layer> generator) {
        this.model = site.model;
        this.layer = site.layer;
        this.index = site.index;
        this.className = className;
        this.inputGradient = site.inputGradient;
        this.generator = generator;
        this.sumsOffset = site.sumsOffset;
    }

    /** This site with another generator and class name: one of the two variants of a {@link DispatchGenerator}. */
    LayerSite variant(ClassName name, LayerGenerator<Layer> g) {
        return new LayerSite(this, name, g);
    }

    public Layer layer() {
        return layer;
    }

    /** The layer's class. */
    TypeSpec generate() {
        return generator.generate(layer, this);
    }

    CodeBlock forwardCall() {
        return generator.forwardCall(layer, this);
    }

    CodeBlock backwardCall() {
        return generator.backwardCall(layer, this);
    }

    CodeBlock activationBackwardCall() {
        return generator.activationBackwardCall(layer, this);
    }

    CodeBlock outputGradientCall() {
        return generator.outputGradientCall(layer, this);
    }

    /** Floats of the layer's scratch buffer in the model ({@link #scratchFloatField}); 0 for none. */
    long scratchFloats() {
        return generator.scratchFloats(layer, this);
    }

    long keptFloatsPerExample() {
        return generator.keptFloatsPerExample(layer, this);
    }

    int batchSums() {
        return generator.batchSums(layer);
    }

    CodeBlock forwardSumsCall() {
        return generator.forwardSumsCall(layer, this);
    }

    CodeBlock backwardSumsCall() {
        return generator.backwardSumsCall(layer, this);
    }

    CodeBlock updateStateCall() {
        return generator.updateStateCall(layer, this);
    }

    java.util.List<Weight> hiddenState() {
        return generator.hiddenState(layer);
    }

    /** Where the layer's sums start in the model's sums arrays (set by the model generator). */
    public int sumsOffset() {
        return sumsOffset;
    }

    void sumsOffset(int offset) {
        this.sumsOffset = offset;
    }

    /** The model's per-replica buffer of what the forward pass keeps for backward: {@code batchNormalization1Kept}. */
    public String keptField() {
        return fieldPrefix() + "Kept";
    }

    /** The fields of the model the layer needs besides its buffers and weights ({@link LayerGenerator#modelFields}). */
    java.util.List<ModelField> modelFields() {
        return generator.modelFields(layer, this);
    }

    /** The layer's index in the model, from 0: what {@code Batch.noiseSeed} takes as the layer. */
    public int index() {
        return index;
    }

    public ClassName className() {
        return className;
    }

    /**
     * True if this layer is a max pooling whose backward pass also takes the gradient through the
     * previous layer's relu: the gradient reaches only inputs equal to their window's max, so
     * "and the max is positive" is relu's whole backward pass, and the model skips the previous
     * layer's {@code activationBackward} (one pass over its output fewer). Not where the previous
     * layer has an activity penalty, whose gradient must go through the relu too.
     */
    public boolean appliesPreviousRelu() {
        if (index == 0 || !(layer instanceof Pool2DLayer pool) || pool.reduction() != Pool2DLayer.Reduction.MAX) {
            return false;
        }
        Layer previous = model.layers().get(index - 1);
        return previous.activation() == Activation.RELU && previous.activityRegularizer() == null;
    }

    /** True if the layer's backward pass must compute the gradient of its input (false for the first layer, unless asked). */
    public boolean computesInputGradient() {
        return index > 0 || inputGradient;
    }

    /** The layer before this one; null for the first. */
    public Layer previous() {
        return index == 0 ? null : model.layers().get(index - 1);
    }

    /** The layer after this one; null for the last. */
    public Layer next() {
        return index + 1 < model.layers().size() ? model.layers().get(index + 1) : null;
    }

    /** {@link #computesInputGradient()} of the layer before this one. */
    public boolean previousComputesInputGradient() {
        return index - 1 > 0 || inputGradient;
    }

    // ---------------------------------------------------------------------------------------------
    // Names of the model's fields

    /** {@code conv2d1}: the layer's name in lowerCamelCase, the prefix of its fields in the model. */
    public String fieldPrefix() {
        return Names.fieldPrefix(layer);
    }

    /** The model's buffer holding this layer's input: the previous layer's output, or {@code input}. */
    public String in() {
        return index == 0 ? "input" : Names.outputField(model.layers().get(index - 1));
    }

    public String out() {
        return Names.outputField(layer);
    }

    public String dIn() {
        return index == 0 ? "inputGradient" : Names.gradientField(model.layers().get(index - 1));
    }

    public String dOut() {
        return Names.gradientField(layer);
    }

    /** The model's field holding {@code weight}: {@code conv2d1Kernel}. */
    public String weightField(Weight weight) {
        return fieldPrefix() + dev.cnnc.compiler.ir.JavaNames.upperCamel(weight.role().keras());
    }

    /** The model's field holding the gradient of {@code weight}: {@code dConv2d1Kernel}. */
    public String weightGradientField(Weight weight) {
        return "d" + Names.capitalize(weightField(weight));
    }

    /**
     * {@code Conv2d1.forward(input, conv2d1Out, conv2d1Kernel, conv2d1Bias, n)}: the forward call of
     * a layer whose only weights are its kernel and (optionally) bias.
     */
    public CodeBlock weightedForwardCall() {
        return weightedForwardCall("");
    }

    /** {@link #weightedForwardCall()} with {@code buffers} (", name" each) after the weights. */
    public CodeBlock weightedForwardCall(String buffers) {
        StringBuilder weights = new StringBuilder();
        for (Weight w : layer.weights()) {
            weights.append(", ").append(weightField(w));
        }
        return CodeBlock.builder().addStatement("$T.forward($L, $L$L$L, n)", className, in(), out(), weights, buffers)
                .build();
    }

    /**
     * {@code Conv2d2.backward(conv2d1Out, dConv2d2Out, dConv2d1Out, conv2d2Kernel, dConv2d2Kernel,
     * dConv2d2Bias[, scratch], n)}: the backward call of a layer whose weights are its kernel and bias.
     */
    public CodeBlock weightedBackwardCall() {
        return weightedBackwardCall(in());
    }

    /** {@link #weightedBackwardCall()} reading {@code input} where the layer's input was. */
    public CodeBlock weightedBackwardCall(String input) {
        return weightedBackwardCall(input, scratchFloats() > 0);
    }

    /** {@link #weightedBackwardCall(String)}, passing the scratch buffer if {@code scratch}. */
    public CodeBlock weightedBackwardCall(String input, boolean scratch) {
        java.util.List<Weight> w = layer.weights();
        return CodeBlock.builder().addStatement("$T.backward($L, $L$L, $L, $L$L$L, n)", className, input, dOut(),
                computesInputGradient() ? ", " + dIn() : "", weightField(w.get(0)), weightGradientField(w.get(0)),
                w.size() > 1 ? ", " + weightGradientField(w.get(1)) : "",
                scratch ? ", " + scratchFloatField() : "").build();
    }

    /** The model's field holding the layer's float scratch buffer ({@link #scratchFloats}). */
    public String scratchFloatField() {
        return fieldPrefix() + "Scratch";
    }

    // ---------------------------------------------------------------------------------------------
    // Parts of every layer class

    /** {@code MnistCnn.cnn:5}. */
    public String sourceRef() {
        return model.source().baseName() + ".cnn:" + layer.span().line();
    }

    /**
     * A public final class with a private constructor, {@code @Generated}, and a Javadoc that says
     * where the layer comes from, its shapes and its parameter count.
     */
    public TypeSpec.Builder classBuilder(String description) {
        String line = model.source().line(layer.span().line()).strip();
        CodeBlock.Builder doc = CodeBlock.builder()
                .add("$L ($L): $L\n", Comments.javadoc(layer.name()), layer.kerasClass(), Comments.javadoc(description))
                .add("\n<p>From {@code $L}: <code>$L</code>\n", Comments.javadoc(sourceRef()), Comments.javadoc(line))
                .add("\n<ul>\n")
                .add("<li>input: $L, output: $L (one example, Keras layout)\n", dims(layer.inputShape()),
                        dims(layer.outputShape()));
        for (Weight w : layer.weights()) {
            doc.add("<li>$L: $L, $L\n", w.role().keras(), dims(w.shape()), Comments.javadoc(w.initializer().describe()));
        }
        doc.add("<li>parameters: $L\n", layer.parameterCount()).add("</ul>\n");
        return TypeSpec.classBuilder(className)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(generated(model))
                .addJavadoc(doc.build())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    }

    static AnnotationSpec generated(Model model) {
        return AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
                .addMember("value", "$S", "dev.cnnc.compiler.CnnCompiler")
                .addMember("comments", "$S", "from " + Comments.line(model.source().baseName() + ".cnn"))
                .build();
    }

    /** A {@code public static final int} constant; its name says what it is. */
    public static FieldSpec constant(String name, long value) {
        return FieldSpec.builder(int.class, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L", value)
                .build();
    }

    /** {@code (26, 26, 32)}. */
    public static String dims(Shape shape) {
        return dims(shape.dims());
    }

    public static String dims(int[] dims) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            b.append(i > 0 ? ", " : "").append(dims[i]);
        }
        return b.append(')').toString();
    }

    /** {@code (n, 26, 26, 32)}: a batch buffer's shape for comments. */
    public static String batch(Shape shape) {
        return "(n, " + dims(shape).substring(1);
    }
}
