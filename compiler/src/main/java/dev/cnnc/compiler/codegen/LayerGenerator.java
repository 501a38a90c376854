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

    /** Floats of working memory the backward pass needs per model replica (not per example). */
    default long scratchFloats(L layer, LayerSite site) {
        return 0;
    }

    /**
     * Fields of the model this layer needs, one set per replica (a noise layer's mask and random
     * generator), which its calls may pass to the layer; none by default.
     */
    default List<ModelField> modelFields(L layer, LayerSite site) {
        return List.of();
    }
}
