package dev.cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cnnc.runtime.optim.LossKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every new reader on damaged copies of a good file (every prefix, and seeded random byte changes): it either
 * reads the file or refuses it with a {@link DataFormatException} naming it, or a {@link DataMismatchException}
 * naming the data and the model; never another exception, never a hang or an attempt to allocate what a
 * damaged header claims.
 */
class ReaderRobustnessTest {
    private static final Needs NEEDS = new Needs(new int[] {3, 2, 1}, 3, LossKind.CATEGORICAL_CROSSENTROPY);
    private static final int MUTANTS = 300;

    @TempDir
    Path dir;

    private final DataSource.Options options = new DataSource.Options(NEEDS, false, Csv.Scale.AUTO,
            new PrintStream(new ByteArrayOutputStream()));

    interface Reader {
        void read(Path file) throws IOException;
    }

    private void survive(String name, byte[] good, Reader reader) throws IOException {
        Random r = new Random(name.hashCode());
        for (int i = 0; i < good.length + MUTANTS; i++) {
            byte[] bad;
            if (i < good.length) {
                bad = Arrays.copyOf(good, i);
            } else {
                bad = good.clone();
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    bad[r.nextInt(bad.length)] = (byte) (r.nextBoolean() ? r.nextInt(256) : bad[r.nextInt(bad.length)] + 1);
                }
            }
            Path f = Files.write(dir.resolve(name), bad);
            try {
                reader.read(f);
            } catch (DataFormatException e) {
                assertTrue(e.getMessage().startsWith(f.toString()), "case " + i + ": " + e.getMessage());
            } catch (DataMismatchException e) {
                assertTrue(e.getMessage().contains("model"), "case " + i + ": " + e.getMessage());
            } catch (IdxFormatException e) {
                assertTrue(e.getMessage().startsWith(f.toString()), "case " + i + ": " + e.getMessage());
            } catch (RuntimeException | IOException e) {
                fail(name + " case " + i + " (" + (i < good.length ? "cut at " + i : "mutant") + "): " + e, e);
            }
        }
    }

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(NumpyTest.fixture(name));
    }

    @Test
    void npy() throws IOException {
        for (String f : new String[] {"u1_v1.npy", "u1_v3.npy", "f8.npy", "y_i8.npy"}) {
            survive(f, fixture(f), Npy::read);
        }
    }

    @Test
    void npz() throws IOException {
        for (String f : new String[] {"keras_stored.npz", "keras_deflated.npz"}) {
            survive(f, fixture(f), p -> DataSource.parse(p.toString()).load(options));
        }
    }

    @Test
    void csv() throws IOException {
        byte[] good = "label,a,b,c,d,e,f\n0,1,2,3,4,5,6\n2,7,8,9,10,11,12\n1,0.5,1,1,1,1,1\n".getBytes();
        survive("t.csv", good, p -> DataSource.parse(p.toString()).load(options));
    }

    @Test
    void images() throws IOException {
        for (String format : new String[] {"png", "bmp", "gif", "jpg"}) {
            BufferedImage img = new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < 20; p++) {
                img.setRGB(p % 5, p / 5, p * 0x0A0B0C);
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            ImageIO.write(img, format, b);
            survive("i." + format, b.toByteArray(), p -> ImageFiles.read(p, 3, 2, 3));
        }
    }

    @Test
    void idx() throws IOException {
        byte[] good = IdxFiles.images(2, 3, 2, IdxFiles.pixels(2, 3, 2));
        Path labels = Files.write(dir.resolve("l-labels-idx1-ubyte"), IdxFiles.labels((byte) 0, (byte) 2));
        survive("l-images-idx3-ubyte", good, p -> DataSource.idx(p, labels, NEEDS));
    }
}
