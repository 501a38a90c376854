package dev.cnnc.runtime.data;

import java.util.Random;

/**
 * Stand-in digits made in memory, for tests and smoke runs without MNIST: 28x28 grey images of ten
 * classes, each class a bright 4x4 block at its own place over noise, shifted by up to a pixel. The
 * same count and seed always give the same images ({@link Random} is specified to the bit).
 */
public final class SyntheticDigits {
    private SyntheticDigits() {}

    /** {@code count} images, class {@code i % 10} for image {@code i}. */
    public static ImageDataset make(int count, long seed) {
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
        return ImageDataset.fromBytes("synthetic digits", 28, 28, 10, pixels, labels);
    }
}
