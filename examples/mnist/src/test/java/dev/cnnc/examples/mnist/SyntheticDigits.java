package dev.cnnc.examples.mnist;

import dev.cnnc.runtime.data.Dataset;
import java.util.Random;

/**
 * Stand-in digits for tests, made in memory (the real MNIST is not needed): 28x28 images of ten
 * classes, each class a bright 4x4 block at its own place over noise, shifted by up to a pixel.
 */
final class SyntheticDigits {
    private SyntheticDigits() {}

    static Dataset make(int count, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[count * 28 * 28];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int c = i % 10;
            labels[i] = (byte) c;
            int top = 4 + (c / 5) * 12 + random.nextInt(3) - 1;
            int left = 2 + (c % 5) * 5 + random.nextInt(3) - 1;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    boolean on = y >= top && y < top + 4 && x >= left && x < left + 4;
                    pixels[i * 784 + y * 28 + x] = (byte) (random.nextInt(50) + (on ? 200 : 0));
                }
            }
        }
        return Dataset.fromBytes("synthetic digits", 28, 28, 10, pixels, labels);
    }
}
