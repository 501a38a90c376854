package dev.cnnc.compiler.ir;

/** How a layer reads a rank-3 tensor: {@code (height, width, channels)} or {@code (channels, height, width)}. */
public enum DataFormat {
    CHANNELS_LAST("channels_last"),
    CHANNELS_FIRST("channels_first");

    private final String keras;

    DataFormat(String keras) {
        this.keras = keras;
    }

    public String keras() {
        return keras;
    }

    public int height(Shape s) {
        return this == CHANNELS_LAST ? s.dim(0) : s.dim(1);
    }

    public int width(Shape s) {
        return this == CHANNELS_LAST ? s.dim(1) : s.dim(2);
    }

    public int channels(Shape s) {
        return this == CHANNELS_LAST ? s.dim(2) : s.dim(0);
    }

    public Shape shape(int height, int width, int channels) {
        return this == CHANNELS_LAST ? Shape.of(height, width, channels) : Shape.of(channels, height, width);
    }
}
