package dev.cnnc.compiler.check;

import java.util.List;

/**
 * The layer kinds the checker may build, by Keras class name or alias. The checker receives one
 * ({@code layers.LayerKinds.REGISTRY}) rather than knowing the kinds itself, so that {@code check}
 * does not depend on {@code layers}.
 */
public interface LayerRegistry {

    /** The kind named {@code name} (a Keras class name or an alias), or null. */
    LayerKind find(String name);

    /** True for a Keras layer that cnnc does not implement yet: named in a clearer message than "unknown". */
    boolean isUnsupportedKerasLayer(String name);

    /** Every accepted name, class names first. */
    List<String> names();
}
