package dev.cnnc.interop.keras;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Shapes as Keras prints them: {@code (3, 3, 1, 32)}. */
final class Shapes {
    private Shapes() {}

    static String text(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
