package dev.cnnc.compiler.codegen.portable;

import dev.cnnc.compiler.codegen.Backend;
import dev.cnnc.compiler.ir.ActivationLayer;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.BatchNormLayer;
import dev.cnnc.compiler.ir.Border2DLayer;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.Conv2DTransposeLayer;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.DepthwiseConv2DLayer;
import dev.cnnc.compiler.ir.FlattenLayer;
import dev.cnnc.compiler.ir.GlobalPool2DLayer;
import dev.cnnc.compiler.ir.NoiseLayer;
import dev.cnnc.compiler.ir.PReluLayer;
import dev.cnnc.compiler.ir.PermuteLayer;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.ReshapeLayer;
import dev.cnnc.compiler.ir.SeparableConv2DLayer;
import dev.cnnc.compiler.ir.UpSampling2DLayer;
import java.util.Map;

/** Plain Java for every layer kind: correct everywhere, auto-vectorized by C2 where it can. Add a new kind here. */
public final class PortableBackend {
    public static final Backend INSTANCE = new Backend("portable", Map.ofEntries(
            Map.entry(Conv2DLayer.class, new Conv2DGenerator()),
            Map.entry(Pool2DLayer.class, new Pool2DGenerator()),
            Map.entry(GlobalPool2DLayer.class, new GlobalPool2DGenerator()),
            Map.entry(Border2DLayer.class, new Border2DGenerator()),
            Map.entry(ReshapeLayer.class, new ReshapeGenerator()),
            Map.entry(PermuteLayer.class, new PermuteGenerator()),
            Map.entry(UpSampling2DLayer.class, new UpSampling2DGenerator()),
            Map.entry(DepthwiseConv2DLayer.class, new DepthwiseConv2DGenerator()),
            Map.entry(SeparableConv2DLayer.class, new SeparableConv2DGenerator()),
            Map.entry(Conv2DTransposeLayer.class, new Conv2DTransposeGenerator()),
            Map.entry(FlattenLayer.class, new FlattenGenerator()),
            Map.entry(DenseLayer.class, new DenseGenerator()),
            Map.entry(BatchNormLayer.class, new BatchNormGenerator()),
            Map.entry(ActivationLayer.class, new ActivationLayerGenerator()),
            Map.entry(AdvancedActivationLayer.class, new AdvancedActivationGenerator()),
            Map.entry(PReluLayer.class, new PReluGenerator()),
            Map.entry(NoiseLayer.class, new NoiseGenerator())), null);

    private PortableBackend() {}
}
