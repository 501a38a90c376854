package dev.cnnc.compiler.codegen.vector;

import dev.cnnc.compiler.codegen.Backend;
import dev.cnnc.compiler.codegen.portable.PortableBackend;
import dev.cnnc.compiler.ir.AdvancedActivationLayer;
import dev.cnnc.compiler.ir.BatchNormLayer;
import dev.cnnc.compiler.ir.Conv2DLayer;
import dev.cnnc.compiler.ir.DenseLayer;
import dev.cnnc.compiler.ir.DepthwiseConv2DLayer;
import dev.cnnc.compiler.ir.GlobalPool2DLayer;
import dev.cnnc.compiler.ir.Layer;
import dev.cnnc.compiler.ir.Model;
import dev.cnnc.compiler.ir.Pool2DLayer;
import dev.cnnc.compiler.ir.SeparableConv2DLayer;
import dev.cnnc.runtime.VectorSupport;
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

    /**
     * The multiply-adds of one example's forward pass and of its kernel gradients as the Vector API code
     * runs them with vectors of {@code lanes} floats: a convolution that takes Winograd's F(2x2, 3x3) there
     * (and not turned off) counts its 16 products per tile, input channel and filter instead of the direct
     * 9 per pixel, in its forward pass and, where it has an input gradient (not a first layer), in its
     * kernel gradient.
     */
    public static long[] executedMultiplyAdds(Model model, int lanes) {
        long forward = 0;
        long kernelGradients = 0;
        java.util.List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            boolean winograd = l instanceof Conv2DLayer c && VectorSupport.WINOGRAD && VectorConv2DGenerator.winograd(c)
                    && c.inputChannels() % lanes == 0 && c.filters() % (2 * lanes) == 0;
            long w = winograd ? VectorWinograd.multiplyAdds((Conv2DLayer) l) : l.multiplyAdds();
            forward += w;
            kernelGradients += i > 0 ? w : l.multiplyAdds();
        }
        return new long[] {forward, kernelGradients};
    }
}
