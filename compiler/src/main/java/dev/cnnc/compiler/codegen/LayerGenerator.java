package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.ir.Layer;
import java.util.List;

/**
 * Generates one kind of layer for one backend: the layer's class (shape constants, forward and
 * backward side by side) and the statements with which the model class calls it. One implementation
 * per layer kind in {@code codegen.portable}, and in {@code codegen.vector} for the kinds that
 * backend specialises; {@link Backend} picks one for each layer.
 */
public interface LayerGenerator<L extends Layer> {

    /** True if this generator handles {@code layer}; false lets the backend fall back (to portable code). */
    default boolean handles(L layer) {
        return true;
    }

    /** The layer's class. */
    TypeSpec generate(L layer, LayerSite site);

    /** The model's call of the layer's forward pass (activation included). */
    CodeBlock forwardCall(L layer, LayerSite site);

    /** The model's call of the layer's backward pass (after the activation's backward, if any). */
    CodeBlock backwardCall(L layer, LayerSite site);

    /**
     * The model's call of the layer's activation's backward pass, in place on its output gradient
     * ({@code activationBackward(out, dOut, n)}); only for layers with an activation other than linear.
     */
    default CodeBlock activationBackwardCall(L layer, LayerSite site) {
        return CodeBlock.builder().addStatement("$T.activationBackward($L, $L, n)", site.className(), site.out(),
                site.dOut()).build();
    }

    /** Floats of working memory the backward pass needs per model replica (not per example). */
    /**
     * Statements that write the output gradient of the layer before this one where the model's
     * backward pass did not (this layer's pass fused into the previous layer's): run by the model's
     * {@code layerOutputGradient}, with {@code n} the examples of the last backward pass. None by default.
     */
    default CodeBlock outputGradientCall(L layer, LayerSite site) {
        return CodeBlock.of("");
    }

    default long scratchFloats(L layer, LayerSite site) {
        return 0;
    }

    /** Floats per example the forward pass keeps for the backward pass ({@link LayerSite#keptField}); 0 for none. */
    default long keptFloatsPerExample(L layer, LayerSite site) {
        return 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Layers that need statistics over the whole batch (docs/training.md, "Phases"). Such a layer cuts
    // the model's forward and backward passes: the forward phase before it ends with forwardSumsCall,
    // the next begins with forwardCall; the backward phase after it ends with backwardSumsCall, the
    // next begins with backwardCall. Between them the trainer adds every chunk's partial sums.

    /** Doubles the layer needs in the model's sums arrays; more than 0 makes it a phase boundary. */
    default int batchSums(L layer) {
        return 0;
    }

    /** At the end of a forward phase: the replica's partial sums of the layer's input, at {@link LayerSite#sumsOffset}. */
    default CodeBlock forwardSumsCall(L layer, LayerSite site) {
        throw new UnsupportedOperationException(layer.kerasClass() + " has no batch sums");
    }

    /** At the end of a backward phase: the replica's partial sums of the layer's output gradient. */
    default CodeBlock backwardSumsCall(L layer, LayerSite site) {
        throw new UnsupportedOperationException(layer.kerasClass() + " has no batch sums");
    }

    /** In {@code updateState}: the layer's non-trainable state from the whole batch's sums. */
    default CodeBlock updateStateCall(L layer, LayerSite site) {
        return CodeBlock.of("");
    }

    /**
     * Non-trainable tensors the generated code keeps beside the layer's Keras weights (saved and
     * checkpointed with them, not counted by {@code summary()}): BatchNormalization's step counter.
     */
    default java.util.List<dev.cnnc.compiler.ir.Weight> hiddenState(L layer) {
        return java.util.List.of();
    }

    /**
     * Fields of the model this layer needs, one set per replica (a noise layer's mask and random
     * generator), which its calls may pass to the layer; none by default.
     */
    default List<ModelField> modelFields(L layer, LayerSite site) {
        return List.of();
    }
}
