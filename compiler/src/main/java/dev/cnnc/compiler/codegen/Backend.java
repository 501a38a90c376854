package dev.cnnc.compiler.codegen;

import dev.cnnc.compiler.ir.Layer;
import java.util.Map;

/**
 * A set of layer generators: portable Java ({@code codegen.portable}) for every kind, or the Vector
 * API ({@code codegen.vector}) for the kinds it specialises, falling back to portable code for the
 * others and for layers its generators do not handle (channels-first convolutions). The instances
 * are {@code PortableBackend.INSTANCE} and {@code VectorBackend.INSTANCE}; {@code CnnCompiler}
 * picks one, so that this package does not depend on its sub-packages.
 */
public final class Backend {
    private final String name;
    private final Map<Class<? extends Layer>, LayerGenerator<?>> generators;
    private final Backend fallback;

    public Backend(String name, Map<Class<? extends Layer>, LayerGenerator<?>> generators, Backend fallback) {
        this.name = name;
        this.generators = Map.copyOf(generators);
        this.fallback = fallback;
    }

    public String name() {
        return name;
    }

    /** The generator of {@code layer}: this backend's if it has one that handles it, else the fallback's. */
    @SuppressWarnings("unchecked")
    public LayerGenerator<Layer> generatorFor(Layer layer) {
        LayerGenerator<Layer> g = (LayerGenerator<Layer>) generators.get(layer.getClass());
        if (g != null && g.handles(layer)) {
            return g;
        }
        if (fallback != null) {
            return fallback.generatorFor(layer);
        }
        throw new IllegalArgumentException("the " + name + " backend has no generator for " + layer.kerasClass());
    }
}
