package dev.cnnc.compiler.codegen.portable;

import dev.cnnc.compiler.codegen.Backend;
import dev.cnnc.compiler.ir.ActivationLayer;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.BatchNormLayer;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.FlattenLayer;
import dev.cnnc.compiler.ir.NoiseLayer;
import dev.cnnc.compiler.ir.PReluLayer;
import dev.cnnc.compiler.ir.Pool2DLayer;
import java.util.Map;

/** Plain Java for every layer kind: correct everywhere, auto-vectorized by C2 where it can. Add a new kind here. */
public final class PortableBackend {
    public static final Backend INSTANCE = new Backend("portable", Map.ofEntries(
            Map.entry(Conv2DLayer.class, new Conv2DGenerator()),
            Map.entry(Pool2DLayer.class, new Pool2DGenerator()),
            Map.entry(FlattenLayer.class, new FlattenGenerator()),
            Map.entry(DenseLayer.class, new DenseGenerator()),
            Map.entry(BatchNormLayer.class, new BatchNormGenerator()),
            Map.entry(ActivationLayer.class, new ActivationLayerGenerator()),
            Map.entry(AdvancedActivationLayer.class, new AdvancedActivationGenerator()),
            Map.entry(PReluLayer.class, new PReluGenerator()),
            Map.entry(NoiseLayer.class, new NoiseGenerator())), null);

    private PortableBackend() {}
}
