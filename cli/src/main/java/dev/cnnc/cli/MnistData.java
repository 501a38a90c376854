package dev.cnnc.cli;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.data.Mnist;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** Loads MNIST for a model and checks that the model fits it: 784 input values, 10 classes. */
final class MnistData {
    private MnistData() {}

    static Mnist.Data load(Path dir, Network model) {
        int[] shape = model.inputShape();
        if (model.inputSize() != 28 * 28 || (shape.length == 3 && shape[0] != 1 && shape[2] != 1)) {
            throw new Main.UserException("MNIST images are 28x28x1, but the model's input is " + Arrays.toString(shape)
                    .replace('[', '(').replace(']', ')'), Main.MODEL_ERRORS);
        }
        if (model.outputSize() != 10) {
            throw new Main.UserException("MNIST has 10 classes, but the model's output has " + model.outputSize()
                    + " values: end it with Dense(10, activation='softmax')", Main.MODEL_ERRORS);
        }
        Mnist.Data data;
        try {
            data = Mnist.load(dir, System.err);
        } catch (IOException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        }
        try {
            data.train().checkImageShape(28, 28, 1);
            data.test().checkImageShape(28, 28, 1);
        } catch (IllegalArgumentException e) {
            throw new Main.UserException(e.getMessage(), Main.USAGE);
        }
        return data;
    }
}
