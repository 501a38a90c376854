package dev.cnnc.runtime.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cnnc.runtime.optim.LossKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of every reader of user data (Jazzer): any bytes either read or are refused with a
 * {@link DataFormatException} (or {@link IdxFormatException}) naming the file, or a
 * {@link DataMismatchException}; anything else (another exception, an {@link OutOfMemoryError} from a header's
 * claims) is a finding. Each reader has its own corpus in {@code DataReadersFuzzTestInputs/<method>/}, replayed
 * by every {@code mvn test}; {@code JAZZER_FUZZ=1 mvn -pl runtime test -Dtest='DataReadersFuzzTest#fuzzNpy'}
 * fuzzes one (see docs/robustness.md).
 */
class DataReadersFuzzTest {
    private static final Needs NEEDS = new Needs(new int[] {3, 2, 1}, 3, LossKind.CATEGORICAL_CROSSENTROPY);
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("cnnc-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final DataSource.Options OPTIONS = new DataSource.Options(NEEDS, true, Csv.Scale.AUTO,
            new PrintStream(new ByteArrayOutputStream()));

    interface Reader {
        void read(Path file) throws IOException;
    }

    private static void expectOnlyUserErrors(String name, byte[] input, Reader reader) throws IOException {
        Path file = Files.write(DIR.resolve(name), input);
        try {
            reader.read(file);
        } catch (DataFormatException | IdxFormatException | DataMismatchException e) {
            if (!e.getMessage().contains(name) && !(e instanceof DataMismatchException)) {
                throw new AssertionError("the message does not name the file: " + e.getMessage(), e);
            }
        }
    }

    @FuzzTest(maxDuration = "1m")
    void fuzzNpy(byte[] input) throws IOException {
        try {
            Npy.read(new ByteArrayInputStream(input), "fuzz.npy", -1);
        } catch (DataFormatException e) {
            if (!e.getMessage().startsWith("fuzz.npy: ")) {
                throw new AssertionError(e.getMessage(), e);
            }
        }
        expectOnlyUserErrors("fuzz.npy", input, Npy::read);
    }

    @FuzzTest(maxDuration = "1m")
    void fuzzNpz(byte[] input) throws IOException {
        expectOnlyUserErrors("fuzz.npz", input, f -> DataSource.parse(f.toString()).load(OPTIONS));
    }

    @FuzzTest(maxDuration = "1m")
    void fuzzCsv(byte[] input) throws IOException {
        expectOnlyUserErrors("fuzz.csv", input, f -> DataSource.parse(f.toString()).load(OPTIONS));
    }

    @FuzzTest(maxDuration = "1m")
    void fuzzImage(byte[] input) throws IOException {
        expectOnlyUserErrors("fuzz.img", input, f -> ImageFiles.read(f, 3, 2, 3));
    }

    @FuzzTest(maxDuration = "1m")
    void fuzzIdx(byte[] input) throws IOException {
        Path labels = DIR.resolve("fuzz-labels-idx1-ubyte");
        if (!Files.exists(labels)) {
            Files.write(labels, IdxFiles.labels((byte) 0, (byte) 2));
        }
        expectOnlyUserErrors("fuzz-images-idx3-ubyte", input, f -> DataSource.idx(f, labels, NEEDS));
    }
}
