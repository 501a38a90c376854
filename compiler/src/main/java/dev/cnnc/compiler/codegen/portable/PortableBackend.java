package dev.cnnc.compiler.codegen.portable;

import dev.cnnc.compiler.codegen.Backend;
import dev.cnnc.compiler.ir.Border2DLayer;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.FlattenLayer;
import dev.cnnc.compiler.ir.GlobalPool2DLayer;
import dev.cnnc.compiler.ir.Pool2DLayer;
import java.util.Map;

/** Plain Java for every layer kind: correct everywhere, auto-vectorized by C2 where it can. Add a new kind here. */
public final class PortableBackend {
    public static final Backend INSTANCE = new Backend("portable", Map.of(
            Conv2DLayer.class, new Conv2DGenerator(),
            Pool2DLayer.class, new Pool2DGenerator(),
            GlobalPool2DLayer.class, new GlobalPool2DGenerator(),
            Border2DLayer.class, new Border2DGenerator(),
            FlattenLayer.class, new FlattenGenerator(),
            DenseLayer.class, new DenseGenerator()), null);

    private PortableBackend() {}
}
