package dev.cnnc.runtime.data;

import static dev.cnnc.runtime.data.IdxFiles.images;
import static dev.cnnc.runtime.data.IdxFiles.labels;
import static dev.cnnc.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cnnc.runtime.io.FakeNetwork;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {

    /** Five 1x2 images; image i holds pixels {10*i, 255 - 10*i}; labels 4, 0, 9, 1, 4. */
    private static ImageDataset five() {
        byte[] pixels = new byte[10];
        for (int i = 0; i < 5; i++) {
            pixels[2 * i] = (byte) (10 * i);
            pixels[2 * i + 1] = (byte) (255 - 10 * i);
        }
        return ImageDataset.fromBytes("five", 1, 2, 10, pixels, new byte[] {4, 0, 9, 1, 4});
    }

    /** {@code n} 1x1 images whose pixel and label both equal the example's index modulo 10. */
    private static ImageDataset sequence(int n) {
        byte[] values = IdxFiles.labelSequence(n);
        return ImageDataset.fromBytes("seq", 1, 1, 10, values.clone(), values);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Construction

    @Test
    void ofPairsImagesAndLabelsFromFiles(@TempDir Path dir) throws IOException {
        Path imagesFile = write(dir, "train-images-idx3-ubyte", images(2, 2, 2, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        Path labelsFile = write(dir, "train-labels-idx1-ubyte", labels((byte) 7, (byte) 3));

        ImageDataset data = ImageDataset.of(Idx.readImages(imagesFile), Idx.readLabels(labelsFile));

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

        IdxFormatException e = assertThrows(IdxFormatException.class, () -> ImageDataset.of(images, labels));

        assertTrue(e.getMessage().contains(labelsFile.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(imagesFile.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("holds 2 labels"), e.getMessage());
        assertTrue(e.getMessage().contains("holds 3 images"), e.getMessage());
    }

    @Test
    void fromBytesValidatesSizesAndLabels() {
        assertThrows(IllegalArgumentException.class,
                () -> ImageDataset.fromBytes("x", 2, 2, 10, new byte[7], new byte[2]));
        assertThrows(IllegalArgumentException.class,
                () -> ImageDataset.fromBytes("x", 0, 2, 10, new byte[0], new byte[2]));
        assertThrows(IllegalArgumentException.class,
                () -> ImageDataset.fromBytes("x", 1, 1, 3, new byte[2], new byte[] {0, 3}));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Batches

    @Test
    void copyInputsScalesToUnitRange() {
        byte[] pixels = {0, (byte) 255, 51, (byte) 128};
        ImageDataset data = ImageDataset.fromBytes("scale", 2, 2, 10, pixels, new byte[] {0});
        float[] dest = new float[4];

        data.copyInputs(new int[] {0}, 0, 1, dest);

        assertEquals(0f, dest[0]);
        assertEquals(1f, dest[1]);
        assertEquals(0.2f, dest[2]);
        assertEquals(128 / 255f, dest[3]);
    }

    @Test
    void copyInputsFollowsIndicesFromOffsetAndLeavesTheRestAlone() {
        ImageDataset data = five();
        float[] dest = new float[8];
        Arrays.fill(dest, Float.NaN);

        data.copyInputs(new int[] {0, 3, 1, 4}, 1, 3, dest);

        float[] expected = {30 / 255f, 225 / 255f, 10 / 255f, 245 / 255f, 40 / 255f, 215 / 255f, Float.NaN,
            Float.NaN};
        assertArrayEquals(expected, dest);
    }

    @Test
    void copyInputsRejectsBadIndicesAndSmallBuffers() {
        ImageDataset data = five();

        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> data.copyInputs(new int[] {0, 5}, 0, 2, new float[4]));
        assertTrue(e.getMessage().contains("example index 5 at position 1 is outside 0..4"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> data.copyInputs(new int[] {-1}, 0, 1, new float[2]));
        assertThrows(IndexOutOfBoundsException.class, () -> data.copyInputs(new int[] {0, 1}, 1, 2, new float[4]));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> data.copyInputs(new int[] {0, 1}, 0, 2, new float[3]));
        assertTrue(small.getMessage().contains("2 examples need 4 image values, the buffer holds 3"));
    }

    @Test
    void copyTargetsClearsAndSetsOneClassPerRow() {
        ImageDataset data = five();
        float[] dest = new float[31];
        Arrays.fill(dest, 7f);

        data.copyTargets(new int[] {2, 0, 1}, 0, 3, dest);

        float[] expected = new float[31];
        expected[9] = 1f; // example 2: label 9
        expected[10 + 4] = 1f; // example 0: label 4
        expected[20 + 0] = 1f; // example 1: label 0
        expected[30] = 7f; // beyond the batch: untouched
        assertArrayEquals(expected, dest);
    }

    @Test
    void copyTargetsRejectsSmallBuffer() {
        assertThrows(IllegalArgumentException.class,
                () -> five().copyTargets(new int[] {0, 1}, 0, 2, new float[19]));
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
        ImageDataset data = ImageDataset.fromBytes("4x4", 4, 4, 10, pixels, labels);
        int[] indices = new int[1000];
        Arrays.setAll(indices, i -> 999 - i);
        float[] images = new float[32 * 16];
        float[] oneHot = new float[320];
        int[] sparse = new int[32];
        Runnable batches = () -> {
            for (int from = 0; from + 32 <= indices.length; from += 32) {
                data.copyInputs(indices, from, 32, images);
                data.copyTargets(indices, from, 32, oneHot);
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
        ImageDataset data = five();

        ImageDataset first3 = data.subset(3);

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
        ImageDataset validation = (ImageDataset) five().split(0.4).validation(); // examples 3 and 4
        float[] images = new float[2];
        int[] labels = new int[2];

        validation.copyInputs(new int[] {1}, 0, 1, images);
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
        ImageDataset data = sequence(10);
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
        ImageDataset.fromBytes("train-images-idx3-ubyte", 28, 28, 10, new byte[784], new byte[1])
                .checkImageShape(28, 28, 1);
    }

    @Test
    void checkImageShapeExplainsMismatch() {
        ImageDataset data = ImageDataset.fromBytes("train-images-idx3-ubyte", 28, 28, 10, new byte[784], new byte[1]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> data.checkImageShape(32, 32, 3));

        assertTrue(e.getMessage().startsWith(
                "train-images-idx3-ubyte holds 28x28 images but the model expects 32x32x3"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> data.checkImageShape(28, 28, 3));
        assertThrows(IllegalArgumentException.class, () -> data.checkImageShape(28, 27, 1));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Any channel count, both layouts; the fit check

    /** Two 1x2 RGB images: pixel p of image i has channel c = 100 i + 10 p + c. */
    private static ImageDataset rgb() {
        byte[] pixels = new byte[2 * 2 * 3];
        for (int i = 0; i < 2; i++) {
            for (int p = 0; p < 2; p++) {
                for (int c = 0; c < 3; c++) {
                    pixels[i * 6 + p * 3 + c] = (byte) (100 * i + 10 * p + c);
                }
            }
        }
        return ImageDataset.fromBytes("rgb", 1, 2, 3, 4, pixels, new byte[] {3, 1});
    }

    @Test
    void rgbImagesCopyChannelsLastOrChannelsFirst() {
        ImageDataset data = rgb();
        assertArrayEquals(new int[] {1, 2, 3}, data.exampleShape());
        assertEquals(6, data.exampleSize());
        assertEquals(112, data.pixel(1, 0, 1, 2));
        float[] last = new float[6];
        data.copyInputs(new int[] {1}, 0, 1, last);
        assertArrayEquals(new float[] {100 / 255f, 101 / 255f, 102 / 255f, 110 / 255f, 111 / 255f, 112 / 255f}, last);
        ImageDataset first = data.channelsFirst();
        assertArrayEquals(new int[] {3, 1, 2}, first.exampleShape());
        float[] planes = new float[6];
        first.copyInputs(new int[] {1}, 0, 1, planes);
        assertArrayEquals(new float[] {100 / 255f, 110 / 255f, 101 / 255f, 111 / 255f, 102 / 255f, 112 / 255f}, planes);
        assertEquals("rgb: 2 images of 1x2x3, 4 classes", data.describe());
        float[] oneHot = new float[8];
        data.copyTargets(new int[] {0, 1}, 0, 2, oneHot);
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 1, 0, 0}, oneHot);
    }

    @Test
    void checkFitsNamesBothSides() {
        ImageDataset mnist = ImageDataset.fromBytes("mnist", 28, 28, 10, new byte[784], new byte[1]);
        mnist.checkFits(FakeNetwork.shaped(new int[] {28, 28, 1}, 10));
        mnist.checkFits(FakeNetwork.shaped(new int[] {1, 28, 28}, 10)); // one channel: the same floats
        DataMismatchException e = assertThrows(DataMismatchException.class,
                () -> mnist.checkFits(FakeNetwork.shaped(new int[] {32, 32, 3}, 10)));
        assertEquals("the data's images are 28x28x1 but the model's input is (32, 32, 3)", e.getMessage());
        assertTrue(e.modelSide());
        e = assertThrows(DataMismatchException.class, () -> mnist.checkFits(FakeNetwork.shaped(new int[] {28, 28, 1}, 5)));
        assertEquals("the data has 10 classes but the model's output has 5 values: end the model with "
                + "Dense(10, activation='softmax')", e.getMessage());
        ImageDataset colour = rgb();
        e = assertThrows(DataMismatchException.class, () -> colour.checkFits(FakeNetwork.shaped(new int[] {3, 1, 2}, 4)));
        assertEquals("the data's images are 1x2x3 but the model's input is (3, 1, 2) (channels first: give the data "
                + "channels first too, with ImageDataset.channelsFirst())", e.getMessage());
        colour.channelsFirst().checkFits(FakeNetwork.shaped(new int[] {3, 1, 2}, 4));
    }

    @Test
    void arrayDatasetsHoldFeatureVectorsWithClassesOrVectorTargets() {
        ArrayDataset classes = ArrayDataset.ofClasses("xor", new int[] {2}, new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 2,
                new int[] {0, 1, 1, 0});
        assertEquals(4, classes.count());
        assertEquals(Dataset.TargetKind.CLASSES, classes.targetKind());
        float[] in = new float[4];
        float[] out = new float[4];
        classes.copyInputs(new int[] {3, 1}, 0, 2, in);
        classes.copyTargets(new int[] {3, 1}, 0, 2, out);
        assertArrayEquals(new float[] {1, 1, 0, 1}, in);
        assertArrayEquals(new float[] {1, 0, 0, 1}, out);
        Dataset tail = classes.split(0.5).validation();
        assertEquals(1, tail.label(0));
        assertEquals("xor: 2 examples of 2, 2 classes", tail.describe());

        ArrayDataset regression = ArrayDataset.ofVectors("line", new int[] {1}, new float[] {1, 2, 3}, new int[] {1},
                new float[] {2, 4, 6});
        assertEquals(0, regression.numClasses());
        float[] y = new float[2];
        regression.copyTargets(new int[] {2, 0}, 0, 2, y);
        assertArrayEquals(new float[] {6, 2}, y);
        regression.checkFits(FakeNetwork.shaped(new int[] {1}, 1));
        DataMismatchException e = assertThrows(DataMismatchException.class,
                () -> regression.checkFits(FakeNetwork.shaped(new int[] {1}, 3)));
        assertEquals("the data's targets have 1 values but the model's output has 3", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> regression.label(0));
        assertThrows(IllegalArgumentException.class, () -> ArrayDataset.ofClasses("bad", new int[] {2}, new float[3], 2,
                new int[] {0, 1}));
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
