package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Weight;
import dev.cnnc.runtime.VectorSupport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * A layer of the {@code auto} variant: its portable class, with the Vector API code nested in it as
 * {@code VectorApi}, and model calls that pick one with {@link VectorSupport#ENABLED} (a static final,
 * so the JIT drops the other branch). The nested class is loaded only if the Vector API runs, so the
 * model works on a JVM without {@code jdk.incubator.vector}; compiling it needs the module.
 *
 * <p>Buffers the two variants need are the larger of the two; a variant that needs none ignores them.
 */
final class DispatchGenerator implements LayerGenerator<Layer> {
    /** The nested class holding the Vector API code. */
    static final String NESTED = "VectorApi";

    private final LayerGenerator<Layer> vector;
    private final LayerGenerator<Layer> portable;

    DispatchGenerator(LayerGenerator<Layer> vector, LayerGenerator<Layer> portable) {
        this.vector = vector;
        this.portable = portable;
    }

    private LayerSite portableSite(LayerSite site) {
        return site.variant(site.className(), portable);
    }

    private LayerSite vectorSite(LayerSite site) {
        return site.variant(site.className().nestedClass(NESTED), vector);
    }

    @Override
    public TypeSpec generate(Layer layer, LayerSite site) {
        TypeSpec nested = vector.generate(layer, vectorSite(site)).toBuilder().addModifiers(Modifier.STATIC)
                .addJavadoc("\n<p>This is the layer's Vector API code, which the model runs where {@link $T#ENABLED}; the "
                        + "enclosing class is its portable code, which runs elsewhere.\n", VectorSupport.class)
                .build();
        return portable.generate(layer, portableSite(site)).toBuilder().addType(nested).build();
    }

    private static CodeBlock choose(CodeBlock vectorCall, CodeBlock portableCall) {
        if (vectorCall.equals(portableCall)) {
            return portableCall;
        }
        if (vectorCall.toString().lines().allMatch(l -> l.startsWith("//"))) {
            // the Vector API code has nothing to run here (a pass fused into another layer's): only a comment
            return CodeBlock.builder().add(vectorCall).beginControlFlow("if (!$T.ENABLED)", VectorSupport.class)
                    .add(portableCall).endControlFlow().build();
        }
        if (portableCall.isEmpty()) {
            return CodeBlock.builder().beginControlFlow("if ($T.ENABLED)", VectorSupport.class).add(vectorCall)
                    .endControlFlow().build();
        }
        return CodeBlock.builder().beginControlFlow("if ($T.ENABLED)", VectorSupport.class).add(vectorCall)
                .nextControlFlow("else").add(portableCall).endControlFlow().build();
    }

    @Override
    public CodeBlock forwardCall(Layer layer, LayerSite site) {
        return choose(vector.forwardCall(layer, vectorSite(site)), portable.forwardCall(layer, portableSite(site)));
    }

    @Override
    public CodeBlock backwardCall(Layer layer, LayerSite site) {
        return choose(vector.backwardCall(layer, vectorSite(site)), portable.backwardCall(layer, portableSite(site)));
    }

    @Override
    public CodeBlock outputGradientCall(Layer layer, LayerSite site) {
        return choose(vector.outputGradientCall(layer, vectorSite(site)), portable.outputGradientCall(layer, portableSite(site)));
    }

    /** The activation's backward pass of the variant that runs (the portable one is scalar relu). */
    @Override
    public CodeBlock activationBackwardCall(Layer layer, LayerSite site) {
        return choose(vector.activationBackwardCall(layer, vectorSite(site)),
                portable.activationBackwardCall(layer, portableSite(site)));
    }

    @Override
    public long scratchFloats(Layer layer, LayerSite site) {
        return Math.max(vector.scratchFloats(layer, vectorSite(site)), portable.scratchFloats(layer, portableSite(site)));
    }

    @Override
    public long keptFloatsPerExample(Layer layer, LayerSite site) {
        return Math.max(vector.keptFloatsPerExample(layer, vectorSite(site)),
                portable.keptFloatsPerExample(layer, portableSite(site)));
    }

    /** A layer with batch sums: both variants keep the same sums (the model has one sums array). */
    @Override
    public int batchSums(Layer layer) {
        if (vector.batchSums(layer) != portable.batchSums(layer)) {
            throw new IllegalStateException(layer.kerasClass() + ": the variants keep different batch sums");
        }
        return portable.batchSums(layer);
    }

    @Override
    public CodeBlock forwardSumsCall(Layer layer, LayerSite site) {
        return choose(vector.forwardSumsCall(layer, vectorSite(site)), portable.forwardSumsCall(layer, portableSite(site)));
    }

    @Override
    public CodeBlock backwardSumsCall(Layer layer, LayerSite site) {
        return choose(vector.backwardSumsCall(layer, vectorSite(site)),
                portable.backwardSumsCall(layer, portableSite(site)));
    }

    @Override
    public CodeBlock updateStateCall(Layer layer, LayerSite site) {
        return choose(vector.updateStateCall(layer, vectorSite(site)), portable.updateStateCall(layer, portableSite(site)));
    }

    @Override
    public List<Weight> hiddenState(Layer layer) {
        if (!vector.hiddenState(layer).equals(portable.hiddenState(layer))) {
            throw new IllegalStateException(layer.kerasClass() + ": the variants keep different state");
        }
        return portable.hiddenState(layer);
    }

    /**
     * Both variants' fields; a field only one of them uses is allocated only when that one runs
     * ({@code null} otherwise), so that the model keeps one variant's buffers.
     */
    @Override
    public List<ModelField> modelFields(Layer layer, LayerSite site) {
        Map<String, ModelField> portableFields = new LinkedHashMap<>();
        for (ModelField f : portable.modelFields(layer, portableSite(site))) {
            portableFields.put(f.name(), f);
        }
        Map<String, ModelField> vectorFields = new LinkedHashMap<>();
        for (ModelField f : vector.modelFields(layer, vectorSite(site))) {
            vectorFields.put(f.name(), f);
        }
        List<ModelField> fields = new ArrayList<>();
        for (ModelField f : portableFields.values()) {
            ModelField v = vectorFields.get(f.name());
            if (v != null && !v.equals(f)) {
                throw new IllegalStateException(layer.kerasClass() + ": the variants declare field " + f.name()
                        + " differently");
            }
            fields.add(v != null ? f : only(f, false));
        }
        for (ModelField f : vectorFields.values()) {
            if (!portableFields.containsKey(f.name())) {
                fields.add(only(f, true));
            }
        }
        return fields;
    }

    /** {@code f}, allocated only when the Vector API code runs ({@code vector}) or only when it does not. */
    private static ModelField only(ModelField f, boolean vector) {
        CodeBlock init = vector ? CodeBlock.of("$T.ENABLED ? $L : null", VectorSupport.class, f.initializer())
                : CodeBlock.of("$T.ENABLED ? null : $L", VectorSupport.class, f.initializer());
        return new ModelField(f.type(), f.name(), init, f.javadoc() + (vector ? " (Vector API code only)"
                : " (portable code only)"));
    }
}
