package dev.cnnc.compiler.layers;

import dev.cnnc.compiler.check.LayerKind;
import dev.cnnc.compiler.check.LayerRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every layer kind the language knows, by Keras class name and alias. Add a new kind here. */
public final class LayerKinds {
    private static final List<LayerKind> ALL = List.of(Conv2DKind.KIND, DepthwiseConv2DKind.KIND,
            SeparableConv2DKind.KIND, Conv2DTransposeKind.KIND, Pooling2DKind.MAX, Pooling2DKind.AVERAGE,
            GlobalPooling2DKind.MAX, GlobalPooling2DKind.AVERAGE, Border2DKind.ZERO_PADDING, Border2DKind.CROPPING,
            ReshapeKind.RESHAPE, ReshapeKind.PERMUTE, UpSampling2DKind.KIND, FlattenKind.KIND, DenseKind.KIND,
            BatchNormKind.KIND, ActivationKinds.ACTIVATION, ActivationKinds.SOFTMAX, ActivationKinds.RELU,
            ActivationKinds.LEAKY_RELU, ActivationKinds.ELU, ActivationKinds.THRESHOLDED_RELU, ActivationKinds.PRELU,
            NoiseKinds.DROPOUT, NoiseKinds.SPATIAL_DROPOUT_2D, NoiseKinds.GAUSSIAN_NOISE, NoiseKinds.GAUSSIAN_DROPOUT);

    /** Keras layers that cnnc does not implement yet: named in a clearer message than "unknown". */
    private static final Set<String> NOT_YET = Set.of("Conv1D", "Conv3D", "LSTM", "GRU", "SimpleRNN", "Embedding",
            "AlphaDropout", "SpatialDropout1D", "SpatialDropout3D");

    private static final Map<String, LayerKind> BY_NAME = new LinkedHashMap<>();

    static {
        for (LayerKind k : ALL) {
            BY_NAME.put(k.kerasClass(), k);
            for (String alias : k.aliases()) {
                BY_NAME.put(alias, k);
            }
        }
    }

    /** The registry the checker builds layers from. */
    public static final LayerRegistry REGISTRY = new LayerRegistry() {
        @Override
        public LayerKind find(String name) {
            return BY_NAME.get(name);
        }

        @Override
        public boolean isUnsupportedKerasLayer(String name) {
            return NOT_YET.contains(name);
        }

        @Override
        public List<String> names() {
            return new ArrayList<>(BY_NAME.keySet());
        }
    };

    private LayerKinds() {}

    public static List<LayerKind> all() {
        return ALL;
    }
}
