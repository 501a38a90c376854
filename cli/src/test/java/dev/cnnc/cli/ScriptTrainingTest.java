package dev.cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnnc train script.py}: a pasted Keras script trains with its own compile and fit settings. */
class ScriptTrainingTest {
    static final String SCRIPT = """
            '''A tiny convnet, as a Keras user writes it.'''
            from __future__ import print_function
            import keras
            from keras.models import Sequential
            from keras.layers import Conv2D, Flatten, Dense
            from keras import backend as K

            batch_size = 16
            epochs = 3
            num_classes = 3
            rows, cols = 8, 8

            (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
            if K.image_data_format() == 'channels_first':
                input_shape = (1, rows, cols)
            else:
                input_shape = (rows, cols, 1)
            x_train = x_train.astype('float32') / 255
            print(x_train.shape[0], 'train samples')

            model = Sequential()
            model.add(Conv2D(4, (3, 3), activation='relu', input_shape=input_shape))
            model.add(Flatten())
            model.add(Dense(num_classes, activation='softmax'))
            model.compile(loss='sparse_categorical_crossentropy',
                          optimizer=keras.optimizers.Adam(lr=0.01),
                          metrics=['accuracy'])
            model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                      validation_data=(x_test, y_test))
            score = model.evaluate(x_test, y_test, verbose=0)
            print('Test accuracy:', score[1])
            """;

    @TempDir
    Path dir;

    private Path data() throws IOException {
        return idxData(dir);
    }

    /** 8x8 images of three classes (a row, a column, the diagonal), as MNIST's IDX files in {@code dir/idx}. */
    static Path idxData(Path dir) throws IOException {
        Path idx = Files.createDirectories(dir.resolve("idx"));
        Random r = new Random(7);
        int[] counts = {90, 30};
        String[] prefixes = {"train", "t10k"};
        for (int s = 0; s < 2; s++) {
            int n = counts[s];
            byte[] pixels = new byte[n * 64];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                int c = i % 3;
                labels[i] = (byte) c;
                for (int p = 0; p < 64; p++) {
                    boolean on = c == 0 ? p / 8 == 3 : c == 1 ? p % 8 == 4 : p / 8 == p % 8;
                    pixels[i * 64 + p] = (byte) (on ? 150 + r.nextInt(100) : r.nextInt(60));
                }
            }
            Files.write(idx.resolve(prefixes[s] + "-images-idx3-ubyte"),
                    KillDuringCheckpointTest.idx(0x803, new int[] {n, 8, 8}, pixels));
            Files.write(idx.resolve(prefixes[s] + "-labels-idx1-ubyte"),
                    KillDuringCheckpointTest.idx(0x801, new int[] {n}, labels));
        }
        return idx;
    }

    @Test
    void aPastedScriptTrainsWithItsOwnSettingsAndValidatesOnTheTestSet() throws IOException {
        Path script = Files.writeString(dir.resolve("tiny_convnet.py"), SCRIPT);
        MainTest.Result r = MainTest.run("train", script.toString(), "--data", data().toString(), "--threads", "1");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("Adam(lr=0.01"), r.out());
        assertTrue(r.out().contains("Epoch 3/3"), r.out());
        assertTrue(r.out().contains("Train on 90 samples, validate on 30 samples"), r.out());
        assertTrue(r.out().contains("val_acc: "), r.out());
        assertTrue(r.err().contains("tiny_convnet.py:13:1: note: 5 statements about data and output were skipped"),
                r.err());
        assertTrue(r.err().contains("validating on the test set after every epoch"), r.err());
        double accuracy = Double.parseDouble(DataSourcesTest.accuracy(r));
        assertTrue(accuracy > 0.9, "test accuracy " + accuracy);
    }

    @Test
    void theScriptsSummaryIsKerasTable() throws IOException {
        Path script = Files.writeString(dir.resolve("tiny_convnet.py"), SCRIPT);
        MainTest.Result r = MainTest.run("summary", script.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("conv2d_1 (Conv2D)            (None, 6, 6, 4)           40        \n"), r.out());
        assertTrue(r.out().contains("dense_1 (Dense)              (None, 3)                 435       \n"), r.out());
        MainTest.Result first = MainTest.run("summary", "--image-data-format=channels_first", script.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("conv2d_1 (Conv2D)            (None, 4, 6, 6)           40        \n"), first.out());
    }
}
