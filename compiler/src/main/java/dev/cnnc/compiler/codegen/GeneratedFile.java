package dev.cnnc.compiler.codegen;

/**
 * One generated Java source: its package, class name and text, and the layer it comes from (null
 * for the model class). What the command line, the Maven plugin and the in-memory compiler use, so
 * that none of them looks inside JavaPoet's types.
 *
 * @param layerName the Keras name of the layer whose class this is ({@code conv2d_1}), or null for the model class
 */
public record GeneratedFile(String packageName, String simpleName, String text, String layerName) {

    /** {@code com.example.MnistCnn}. */
    public String binaryName() {
        return packageName.isEmpty() ? simpleName : packageName + "." + simpleName;
    }

    /** {@code com/example/MnistCnn.java}, below a source root. */
    public String relativePath() {
        return binaryName().replace('.', '/') + ".java";
    }

    public boolean isModelClass() {
        return layerName == null;
    }
}
