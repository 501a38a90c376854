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
    /** For {@link #dispatch}: the two backends it chooses between at run time; else null. */
    private final Backend vector;
    private final Backend portable;

    public Backend(String name, Map<Class<? extends Layer>, LayerGenerator<?>> generators, Backend fallback) {
        this.name = name;
        this.generators = Map.copyOf(generators);
        this.fallback = fallback;
        this.vector = null;
        this.portable = null;
    }

    private Backend(Backend vector, Backend portable) {
        this.name = "auto";
        this.generators = Map.of();
        this.fallback = null;
        this.vector = vector;
        this.portable = portable;
    }

    /**
     * The {@code auto} variant: every layer that {@code vector} generates differently from
     * {@code portable} gets both, chosen when the model runs ({@link DispatchGenerator}); the others
     * get the portable code alone.
     */
    public static Backend dispatch(Backend vector, Backend portable) {
        return new Backend(vector, portable);
    }

    public String name() {
        return name;
    }

    /** The generator of {@code layer}: this backend's if it has one that handles it, else the fallback's. */
    @SuppressWarnings("unchecked")
    public LayerGenerator<Layer> generatorFor(Layer layer) {
        if (vector != null) {
            LayerGenerator<Layer> v = vector.generatorFor(layer);
            LayerGenerator<Layer> p = portable.generatorFor(layer);
            return v == p ? p : new DispatchGenerator(v, p);
        }
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
