package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.ir.JavaNames;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.Shape;
import dev.cnnc.compiler.ir.Weight;
import java.util.Locale;
import javax.lang.model.element.Modifier;

/**
 * What a layer needs to generate its class and the model's calls of it: its class name, the names
 * of the model's buffers it reads and writes, and the parts every layer class shares.
 */
public final class LayerSite {
    private final Model model;
    private final Layer layer;
    private final int index;
    private final ClassName className;
    private final boolean inputGradient;
    private final boolean vector;

    LayerSite(Model model, int index, ClassName className, boolean inputGradient, boolean vector) {
        this.model = model;
        this.layer = model.layers().get(index);
        this.index = index;
        this.className = className;
        this.inputGradient = inputGradient;
        this.vector = vector;
    }

    /** True to generate the Vector API variant where the layer has one. */
    public boolean vector() {
        return vector;
    }

    public Layer layer() {
        return layer;
    }

    public ClassName className() {
        return className;
    }

    /** True if the layer's backward pass must compute the gradient of its input (false for the first layer, unless asked). */
    public boolean computesInputGradient() {
        return index > 0 || inputGradient;
    }

    // ---------------------------------------------------------------------------------------------
    // Names of the model's fields

    /** {@code conv2d1}: the layer's name in lowerCamelCase, the prefix of its fields in the model. */
    public String fieldPrefix() {
        String upper = className.simpleName();
        return upper.substring(0, 1).toLowerCase(Locale.ROOT) + upper.substring(1);
    }

    /** The model's buffer holding this layer's input: the previous layer's output, or {@code input}. */
    public String in() {
        return index == 0 ? "input" : ModelGenerator.outputField(model, index - 1);
    }

    public String out() {
        return ModelGenerator.outputField(model, index);
    }

    public String dIn() {
        return index == 0 ? "inputGradient" : ModelGenerator.gradientField(model, index - 1);
    }

    public String dOut() {
        return ModelGenerator.gradientField(model, index);
    }

    /** The model's field holding {@code weight}: {@code conv2d1Kernel}. */
    public String weightField(Weight weight) {
        return fieldPrefix() + capitalize(weight.role());
    }

    /** The model's field holding the gradient of {@code weight}: {@code dConv2d1Kernel}. */
    public String weightGradientField(Weight weight) {
        return "d" + capitalize(weightField(weight));
    }

    /** The model's field holding the layer's float scratch buffer ({@link Layer#scratchFloats}). */
    public String scratchFloatField() {
        return fieldPrefix() + "Scratch";
    }

    static String capitalize(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
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
            doc.add("<li>$L: $L, $L\n", w.role(), dims(w.shape()), Comments.javadoc(w.initializer().describe()));
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

    /** The layer's name as a Java class name: {@code conv2d_1} to {@code Conv2d1}. */
    static String className(Layer layer) {
        return JavaNames.upperCamel(layer.name());
    }
}
