package dev.cnnc.compiler.ir;

import dev.cnnc.compiler.diag.SourceFile;
import java.util.List;

/**
 * A checked model: a sequential stack of layers with every shape and parameter count known.
 *
 * @param packageName the Java package from the file's {@code package} line, or {@code null}
 */
public record Model(String name, String packageName, SourceFile source, Shape inputShape, List<Layer> layers,
        Training training) {

    public Model {
        layers = List.copyOf(layers);
    }

    public Shape outputShape() {
        return layers.get(layers.size() - 1).outputShape();
    }

    public long parameterCount() {
        return layers.stream().mapToLong(Layer::parameterCount).sum();
    }

    /** The elements of the weights that optimizers update. */
    public long trainableParameterCount() {
        return layers.stream().mapToLong(Layer::trainableParameterCount).sum();
    }

    public long multiplyAdds() {
        return layers.stream().mapToLong(Layer::multiplyAdds).sum();
    }
}
