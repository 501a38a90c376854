package dev.cnnc.compiler.codegen.vector;

import dev.cnnc.compiler.codegen.Backend;
import dev.cnnc.compiler.codegen.portable.PortableBackend;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.BatchNormLayer;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.DepthwiseConv2DLayer;
import dev.cnnc.compiler.ir.GlobalPool2DLayer;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.SeparableConv2DLayer;
import java.util.Map;

/**
 * The Vector API ({@code jdk.incubator.vector}) for Conv2D, DepthwiseConv2D and SeparableConv2D (channels-last),
 * Dense, pooling (global pooling too), BatchNormalization over the last axis and the relu family of activation layers;
 * portable code for everything else. Compiling and running it needs
 * {@code --add-modules jdk.incubator.vector}.
 */
public final class VectorBackend {
    public static final Backend INSTANCE = new Backend("vector", Map.of(
            AdvancedActivationLayer.class, new VectorAdvancedActivationGenerator(),
            BatchNormLayer.class, new VectorBatchNormGenerator(),
            Conv2DLayer.class, new VectorConv2DGenerator(),
            DepthwiseConv2DLayer.class, new VectorDepthwiseConv2DGenerator(),
            DenseLayer.class, new VectorDenseGenerator(),
            GlobalPool2DLayer.class, new VectorGlobalPool2DGenerator(),
            Pool2DLayer.class, new VectorPool2DGenerator(),
            SeparableConv2DLayer.class, new VectorSeparableConv2DGenerator()), PortableBackend.INSTANCE);

    private VectorBackend() {}
}
