package dev.cnnc.runtime.data;

import static dev.cnnc.runtime.data.IdxFiles.images;
import static dev.cnnc.runtime.data.IdxFiles.labels;
import static dev.cnnc.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {

    /** Five 1x2 images; image i holds pixels {10*i, 255 - 10*i}; labels 4, 0, 9, 1, 4. */
    private static Dataset five() {
        byte[] pixels = new byte[10];
        for (int i = 0; i < 5; i++) {
            pixels[2 * i] = (byte) (10 * i);
            pixels[2 * i + 1] = (byte) (255 - 10 * i);
        }
        return Dataset.fromBytes("five", 1, 2, 10, pixels, new byte[] {4, 0, 9, 1, 4});
    }

    /** {@code n} 1x1 images whose pixel and label both equal the example's index modulo 10. */
    private static Dataset sequence(int n) {
        byte[] values = IdxFiles.labelSequence(n);
        return Dataset.fromBytes("seq", 1, 1, 10, values.clone(), values);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Construction

    @Test
    void ofPairsImagesAndLabelsFromFiles(@TempDir Path dir) throws IOException {
        Path imagesFile = write(dir, "train-images-idx3-ubyte", images(2, 2, 2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        Path labelsFile = write(dir, "train-labels-idx1-ubyte", labels((byte) 7, (byte) 3));

        Dataset data = Dataset.of(Idx.readImages(imagesFile), Idx.readLabels(labelsFile));

        assertEquals(2, data.count());
        assertEquals(2, data.rows());
        assertEquals(2, data.cols());
        assertEquals(1, data.channels());
        assertEquals(4, data.imageSize());
        assertEquals(10, data.numClasses());
        assertEquals("train-images-idx3-ubyte", data.imagesName());
        assertEquals("train-labels-idx1-ubyte", data.labelsName());
        assertEquals(3, data.label(1));
        assertEquals(7, data.pixel(1, 1, 0));
        assertEquals("train-images-idx3-ubyte: 2 images of 2x2, 10 classes", data.toString());
    }

    @Test
    void ofRejectsCountMismatchNamingBothFiles(@TempDir Path dir) throws IOException {
        Path imagesFile = write(dir, "train-images-idx3-ubyte", images(3, 1, 1, new byte[3]));
        Path labelsFile = write(dir, "t10k-labels-idx1-ubyte", labels((byte) 1, (byte) 2));
        Idx.Images images = Idx.readImages(imagesFile);
        Idx.Labels labels = Idx.readLabels(labelsFile);

        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Dataset.of(images, labels));

        assertTrue(e.getMessage().contains(labelsFile.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(imagesFile.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("holds 2 labels"), e.getMessage());
        assertTrue(e.getMessage().contains("holds 3 images"), e.getMessage());
    }

    @Test
    void fromBytesValidatesSizesAndLabels() {
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromBytes("x", 2, 2, 10, new byte[7], new byte[2]));
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromBytes("x", 0, 2, 10, new byte[0], new byte[2]));
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.fromBytes("x", 1, 1, 3, new byte[2], new byte[] {0, 3}));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Batches

    @Test
    void copyImagesScalesToUnitRange() {
        byte[] pixels = {0, (byte) 255, 51, (byte) 128};
        Dataset data = Dataset.fromBytes("scale", 2, 2, 10, pixels, new byte[] {0});
        float[] dest = new float[4];

        data.copyImages(new int[] {0}, 0, 1, dest);

        assertEquals(0f, dest[0]);
        assertEquals(1f, dest[1]);
        assertEquals(0.2f, dest[2]);
        assertEquals(128 / 255f, dest[3]);
    }

    @Test
    void copyImagesFollowsIndicesFromOffsetAndLeavesTheRestAlone() {
        Dataset data = five();
        float[] dest = new float[8];
        Arrays.fill(dest, Float.NaN);

        data.copyImages(new int[] {0, 3, 1, 4}, 1, 3, dest);

        float[] expected = {30 / 255f, 225 / 255f, 10 / 255f, 245 / 255f, 40 / 255f, 215 / 255f, Float.NaN,
            Float.NaN};
        assertArrayEquals(expected, dest);
    }

    @Test
    void copyImagesRejectsBadIndicesAndSmallBuffers() {
        Dataset data = five();

        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> data.copyImages(new int[] {0, 5}, 0, 2, new float[4]));
        assertTrue(e.getMessage().contains("example index 5 at position 1 is outside 0..4"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> data.copyImages(new int[] {-1}, 0, 1, new float[2]));
        assertThrows(IndexOutOfBoundsException.class, () -> data.copyImages(new int[] {0, 1}, 1, 2, new float[4]));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> data.copyImages(new int[] {0, 1}, 0, 2, new float[3]));
        assertTrue(small.getMessage().contains("2 examples need 4 image values, the buffer holds 3"));
    }

    @Test
    void copyOneHotLabelsClearsAndSetsOneClassPerRow() {
        Dataset data = five();
        float[] dest = new float[31];
        Arrays.fill(dest, 7f);

        data.copyOneHotLabels(new int[] {2, 0, 1}, 0, 3, dest);

        float[] expected = new float[31];
        expected[9] = 1f; // example 2: label 9
        expected[10 + 4] = 1f; // example 0: label 4
        expected[20 + 0] = 1f; // example 1: label 0
        expected[30] = 7f; // beyond the batch: untouched
        assertArrayEquals(expected, dest);
    }

    @Test
    void copyOneHotLabelsRejectsSmallBuffer() {
        assertThrows(IllegalArgumentException.class,
                () -> five().copyOneHotLabels(new int[] {0, 1}, 0, 2, new float[19]));
    }

    @Test
    void copySparseLabels() {
        int[] dest = {-1, -1, -1, -1};

        five().copyLabels(new int[] {4, 3, 2, 1, 0}, 1, 3, dest);

        assertArrayEquals(new int[] {1, 9, 0, -1}, dest);
    }

    @Test
    void batchMethodsDoNotAllocate() {
        byte[] labels = IdxFiles.labelSequence(1000);
        byte[] pixels = new byte[1000 * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = labels[i / 16];
        }
        Dataset data = Dataset.fromBytes("4x4", 4, 4, 10, pixels, labels);
        int[] indices = new int[1000];
        Arrays.setAll(indices, i -> 999 - i);
        float[] images = new float[32 * 16];
        float[] oneHot = new float[320];
        int[] sparse = new int[32];
        Runnable batches = () -> {
            for (int from = 0; from + 32 <= indices.length; from += 32) {
                data.copyImages(indices, from, 32, images);
                data.copyOneHotLabels(indices, from, 32, oneHot);
                data.copyLabels(indices, from, 32, sparse);
            }
        };
        batches.run(); // warm up

        long allocated = allocatedBytesDuring(batches);

        // a single small array per call would cost at least 16 bytes x 93 calls
        assertTrue(allocated < 256, "allocated " + allocated + " bytes filling 3 x 31 batches");
        // the last batch starts at position 960, i.e. example 39, whose pixels are 39 % 10 = 9
        assertEquals(9 / 255f, images[0]);
        assertEquals(9 / 255f, images[15]);
        assertEquals(9, sparse[0]);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views

    @Test
    void subsetTakesTheFirstExamples() {
        Dataset data = five();

        Dataset first3 = data.subset(3);

        assertEquals(3, first3.count());
        assertEquals(9, first3.label(2));
        assertEquals(20, first3.pixel(2, 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> first3.label(3));
        assertEquals(0, data.subset(0).count());
        assertEquals(5, data.subset(5).count());
        assertThrows(IllegalArgumentException.class, () -> data.subset(6));
        assertThrows(IllegalArgumentException.class, () -> data.subset(-1));
    }

    @Test
    void splitTakesTheLastFractionForValidationLikeKeras() {
        Dataset.Split split = sequence(10).split(0.2);

        assertEquals(8, split.train().count());
        assertEquals(2, split.validation().count());
        assertEquals(7, split.train().label(7));
        assertEquals(8, split.validation().label(0));
        assertEquals(9, split.validation().label(1));
    }

    @Test
    void splitPointIsFloorOfTrainingShare() {
        assertEquals(3, sequence(7).split(0.5).train().count()); // floor(3.5)
        assertEquals(54000, sequence(60000).split(0.1).train().count());
        assertEquals(6000, sequence(60000).split(0.1).validation().count());
        assertEquals(2, sequence(3).split(0.1).train().count()); // floor(2.7)
    }

    @Test
    void splitViewsFeedBatchesWithTheRightOffset() {
        Dataset validation = five().split(0.4).validation(); // examples 3 and 4
        float[] images = new float[2];
        int[] labels = new int[2];

        validation.copyImages(new int[] {1}, 0, 1, images);
        validation.copyLabels(new int[] {0, 1}, 0, 2, labels);

        assertArrayEquals(new float[] {40 / 255f, 215 / 255f}, images);
        assertArrayEquals(new int[] {1, 4}, labels);
        assertThrows(IndexOutOfBoundsException.class, () -> validation.copyLabels(new int[] {2}, 0, 1, labels));
    }

    @Test
    void splitOfASubsetComposesOffsets() {
        Dataset.Split split = sequence(20).subset(10).split(0.3);

        assertEquals(7, split.train().count());
        assertEquals(3, split.validation().count());
        assertEquals(7, split.validation().label(0));
        assertEquals(7, split.validation().subset(1).label(0));
    }

    @Test
    void splitRejectsFractionsOutsideTheOpenUnitInterval() {
        Dataset data = sequence(10);
        for (double bad : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> data.split(bad), "fraction " + bad);
        }
    }

    @Test
    void splitRejectsTooFewExamples() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sequence(1).split(0.5));
        assertTrue(e.getMessage().contains("holds 1 examples, which is not enough"), e.getMessage());
        // 1 - 1e-17 rounds to 1.0, so every example would go to training and none to validation
        assertThrows(IllegalArgumentException.class, () -> sequence(10).split(1e-17));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Shape check

    @Test
    void checkImageShapeAcceptsMatchingShape() {
        Dataset.fromBytes("train-images-idx3-ubyte", 28, 28, 10, new byte[784], new byte[1])
                .checkImageShape(28, 28, 1);
    }

    @Test
    void checkImageShapeExplainsMismatch() {
        Dataset data = Dataset.fromBytes("train-images-idx3-ubyte", 28, 28, 10, new byte[784], new byte[1]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> data.checkImageShape(32, 32, 3));

        assertTrue(e.getMessage().startsWith(
                "train-images-idx3-ubyte holds 28x28 images but the model expects 32x32x3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> data.checkImageShape(28, 28, 3));
        assertThrows(IllegalArgumentException.class, () -> data.checkImageShape(28, 27, 1));
    }

    private static long allocatedBytesDuring(Runnable action) {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counting unsupported");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "allocation counting disabled");
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        action.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }
}
