package dev.cnnc.runtime.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one image file (PNG, JPEG, BMP, GIF, through {@code javax.imageio}) into the bytes a model's input
 * takes: its size, grey or colour. Shared by image folders and {@code cnnc predict}, so an image is prepared
 * the same way for training and for prediction.
 *
 * <p><b>Colour.</b> A grey model ({@code channels == 1}) gets the luma of ITU-R BT.601,
 * {@code round(0.299 R + 0.587 G + 0.114 B)}, what PIL's {@code convert('L')} (and so Keras' {@code load_img(...,
 * color_mode='grayscale')}) computes; a grey image's own levels are taken as they are (from its raster, without
 * Java's colour-space conversion). An RGB model ({@code channels == 3}) gets R, G, B; a grey image gives three
 * equal channels. Alpha is dropped, as PIL's {@code convert('RGB')} does. Palette (GIF) images are expanded
 * first.
 *
 * <p><b>Size.</b> An image of another size is resized with bilinear interpolation on pixel centres (source
 * coordinate {@code (x + 0.5) * inWidth / outWidth - 0.5}, clamped at the edges), as {@code tf.image.resize}
 * with its default {@code bilinear} method and no antialiasing, which is what Keras'
 * {@code image_dataset_from_directory} uses; results are rounded to the nearest byte.
 */
public final class ImageFiles {
    /** The file name extensions read as images, lower case. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private ImageFiles() {}

    /** Whether {@code file}'s extension is one of {@link #EXTENSIONS}. */
    public static boolean isImageName(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** A decoded image before resizing: its size, and whether it was not yet {@code rows x cols}. */
    public record Decoded(int width, int height, byte[] pixels) {}

    /**
     * Decodes {@code file} into {@code rows * cols * channels} bytes, row-major, channels last.
     *
     * @param channels 1 (grey) or 3 (RGB)
     * @throws DataFormatException if the file is empty, not an image javax.imageio reads, or corrupt
     */
    public static Decoded read(Path file, int rows, int cols, int channels) throws DataFormatException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images are read grey (1 channel) or RGB (3), not " + channels);
        }
        BufferedImage img;
        try {
            if (Files.size(file) == 0) {
                throw new DataFormatException(file, "is empty (0 bytes), not an image");
            }
            checkSize(file);
            img = ImageIO.read(file.toFile());
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(file, "is corrupt or not an image javax.imageio can read ("
                    + e.getMessage() + ")", e);
        }
        return decode(file, img, rows, cols, channels);
    }

    /**
     * Decodes the bytes of an image file (a PNG or JPEG from a Spark column) as {@link #read(Path, int, int, int)}
     * does; {@code name} names it in messages.
     */
    public static Decoded read(byte[] data, Path name, int rows, int cols, int channels) throws DataFormatException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images are read grey (1 channel) or RGB (3), not " + channels);
        }
        if (data.length == 0) {
            throw new DataFormatException(name, "is empty (0 bytes), not an image");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(new java.io.ByteArrayInputStream(data));
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(name, "is corrupt or not an image javax.imageio can read ("
                    + e.getMessage() + ")", e);
        }
        return decode(name, img, rows, cols, channels);
    }

    private static Decoded decode(Path file, BufferedImage img, int rows, int cols, int channels)
            throws DataFormatException {
        if (img == null) {
            throw new DataFormatException(file, "is not an image javax.imageio can read (PNG, JPEG, BMP, GIF)");
        }
        if ((long) img.getWidth() * img.getHeight() > MAX_PIXELS) {
            throw new DataFormatException(file, "has " + img.getWidth() + " x " + img.getHeight() + " pixels, more than "
                    + MAX_PIXELS);
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] full = new byte[w * h * channels];
        Raster raster = img.getRaster();
        ColorModel cm = img.getColorModel();
        boolean grey = raster.getNumBands() == 1 && cm.getNumComponents() == 1;
        int shift = grey ? Math.max(0, cm.getComponentSize(0) - 8) : 0;
        int[] sample = new int[1];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r;
                int g;
                int b;
                if (grey) {
                    raster.getPixel(x, y, sample);
                    r = g = b = sample[0] >> shift;
                } else {
                    int argb = img.getRGB(x, y);
                    r = argb >> 16 & 0xFF;
                    g = argb >> 8 & 0xFF;
                    b = argb & 0xFF;
                }
                int at = (y * w + x) * channels;
                if (channels == 1) {
                    full[at] = (byte) (grey ? r : Math.round(0.299f * r + 0.587f * g + 0.114f * b));
                } else {
                    full[at] = (byte) r;
                    full[at + 1] = (byte) g;
                    full[at + 2] = (byte) b;
                }
            }
        }
        return new Decoded(w, h, w == cols && h == rows ? full : resize(full, h, w, channels, rows, cols));
    }

    /** The most pixels an image may have: a damaged or hostile header must not exhaust the heap. */
    public static final long MAX_PIXELS = 1L << 26;

    /** Reads the image's size from its header, before decoding, and refuses more than {@link #MAX_PIXELS}. */
    private static void checkSize(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return; // ImageIO.read will say it is not an image
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new DataFormatException(file, "says it is " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + ", more than the " + MAX_PIXELS + " pixels cnnc decodes");
                }
            } finally {
                reader.dispose();
            }
        }
    }

    /** Bilinear resizing on pixel centres, as the class comment says. */
    static byte[] resize(byte[] src, int inRows, int inCols, int channels, int rows, int cols) {
        byte[] out = new byte[rows * cols * channels];
        double sy = (double) inRows / rows;
        double sx = (double) inCols / cols;
        for (int y = 0; y < rows; y++) {
            double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), inRows - 1);
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, inRows - 1);
            double wy = fy - y0;
            for (int x = 0; x < cols; x++) {
                double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), inCols - 1);
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, inCols - 1);
                double wx = fx - x0;
                for (int c = 0; c < channels; c++) {
                    double top = (src[(y0 * inCols + x0) * channels + c] & 0xFF) * (1 - wx)
                            + (src[(y0 * inCols + x1) * channels + c] & 0xFF) * wx;
                    double bottom = (src[(y1 * inCols + x0) * channels + c] & 0xFF) * (1 - wx)
                            + (src[(y1 * inCols + x1) * channels + c] & 0xFF) * wx;
                    out[(y * cols + x) * channels + c] = (byte) Math.round(top * (1 - wy) + bottom * wy);
                }
            }
        }
        return out;
    }
}
