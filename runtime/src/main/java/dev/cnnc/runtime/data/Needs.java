package dev.cnnc.runtime.data;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.optim.LossKind;
import java.util.Arrays;

/**
 * What a model asks of its data, so that every reader can shape what it reads to fit (resize images, pick grey
 * or RGB, turn one-hot labels into indices) and say, naming both sides, when it cannot.
 *
 * <p>The targets follow the loss: the cross-entropies take classes ({@code outputs} of them; two for a
 * {@code binary_crossentropy} model with one sigmoid output, whose target is then the class as one float);
 * {@code mean_squared_error} takes float targets as they are.
 *
 * @param inputShape the model's input shape, as {@code input(...)} declares it
 * @param outputs the model's output size
 * @param loss the loss it trains with
 */
public record Needs(int[] inputShape, int outputs, LossKind loss) {
    /** Copies the shape. */
    public Needs {
        inputShape = inputShape.clone();
    }

    /** What {@code net} needs when trained with {@code loss}. */
    public static Needs of(Network net, LossKind loss) {
        return new Needs(net.inputShape(), net.outputSize(), loss);
    }

    /** Whether the targets are floats taken as they are ({@code mean_squared_error}), not classes. */
    public boolean vectors() {
        return loss == LossKind.MEAN_SQUARED_ERROR;
    }

    /** Whether the model has one sigmoid-style output for two classes ({@code binary_crossentropy}, Dense(1)). */
    public boolean binary() {
        return !vectors() && outputs == 1;
    }

    /** The number of classes the labels may have: the output size, or 2 for a binary model. */
    public int classes() {
        return binary() ? 2 : outputs;
    }

    /** How the model's last layer reads in messages: {@code Dense(10)}, {@code Dense(1, activation='sigmoid')}. */
    public String outputText() {
        return binary() ? "Dense(1, activation='sigmoid') (two classes, 0 and 1)" : "Dense(" + outputs + ")";
    }

    /**
     * Whether the input is an image with channels last, {@code (rows, cols, channels)}, as Keras' default; else
     * channels first, {@code (channels, rows, cols)}. The shape alone tells: channels first when the first
     * dimension is 1, 3 or 4 and the last is neither 1 nor 3 ({@code (3, 32, 32)}, {@code (1, 28, 28)},
     * {@code (3, 4, 4)}); anything else is channels last ({@code (28, 28, 1)}, {@code (64, 64, 4)}).
     */
    public boolean channelsLast() {
        return inputShape.length == 3 && !(isChannelCount(inputShape[0]) && inputShape[2] != 1 && inputShape[2] != 3);
    }

    /** Image rows, or -1 if the input is not an image. */
    public int rows() {
        return inputShape.length == 2 ? inputShape[0] : inputShape.length == 3 ? inputShape[channelsLast() ? 0 : 1] : -1;
    }

    /** Image columns, or -1. */
    public int cols() {
        return inputShape.length == 2 ? inputShape[1] : inputShape.length == 3 ? inputShape[channelsLast() ? 1 : 2] : -1;
    }

    /** Channels per pixel (1 for a 2-D input), or -1. */
    public int channels() {
        return inputShape.length == 2 ? 1 : inputShape.length == 3 ? inputShape[channelsLast() ? 2 : 0] : -1;
    }

    /** The input as images read in messages: {@code 28x28 grey}, {@code 32x32 RGB}. */
    public static String imageText(int rows, int cols, int channels) {
        return rows + "x" + cols + " " + switch (channels) {
            case 1 -> "grey";
            case 3 -> "RGB";
            case 4 -> "RGBA";
            default -> channels + "-channel";
        };
    }

    /** The model's input for messages: {@code (28, 28, 1): 28x28 grey images}. */
    public String inputText() {
        return Dataset.tuple(inputShape) + (rows() > 0 ? ": " + imageText(rows(), cols(), channels()) + " images" : "");
    }

    private static boolean isChannelCount(int d) {
        return d == 1 || d == 3 || d == 4;
    }

    @Override
    public String toString() {
        return "Needs" + Arrays.toString(inputShape) + " -> " + outputs + " " + loss;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Needs n && Arrays.equals(inputShape, n.inputShape) && outputs == n.outputs && loss == n.loss;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inputShape) * 31 + outputs * 7 + loss.hashCode();
    }
}
