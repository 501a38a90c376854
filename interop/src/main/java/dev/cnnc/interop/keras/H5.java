package dev.cnnc.interop.keras;

import dev.cnnc.interop.InteropException;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.FloatingPoint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reading the parts of a Keras HDF5 file with jhdf, each failure a message naming the file and the part:
 * the signature is checked before jhdf opens anything, attributes are read as Keras writes them (fixed or
 * variable-length strings, string arrays, Keras' empty float64 array for "no weights", lists split into
 * {@code name0, name1, ...}), and a dataset's declared size is checked against the shape its layer needs
 * before a single value is read, so that a hostile file cannot make cnnc allocate what it does not hold.
 */
final class H5 implements AutoCloseable {
    /** HDF5's format signature, at offset 0 (or 512, 1024, ... after a user block). */
    static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final Path file;
    private final HdfFile hdf;
    private final long fileSize;

    private H5(Path file, HdfFile hdf, long fileSize) {
        this.file = file;
        this.hdf = hdf;
        this.fileSize = fileSize;
    }

    /** True if {@code file} begins with the HDF5 signature (a Keras .h5 rather than a cnnc weights file). */
    static boolean isHdf5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(SIGNATURE.length), SIGNATURE);
        } catch (IOException e) {
            return false;
        }
    }

    static H5 open(Path file) throws InteropException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new InteropException(file, "no such file");
        } catch (IOException e) {
            throw new InteropException(file, "cannot be read: " + e.getMessage());
        }
        if (!isHdf5(file)) {
            throw new InteropException(file, "not an HDF5 file (it does not begin with the HDF5 signature); Keras' "
                    + "model.save and save_weights write HDF5 .h5 files");
        }
        try {
            return new H5(file, new HdfFile(file), size);
        } catch (RuntimeException | StackOverflowError e) {
            throw new InteropException(file, "damaged or truncated HDF5 file: " + describe(e));
        }
    }

    Path file() {
        return file;
    }

    Group root() {
        return hdf;
    }

    @Override
    public void close() {
        try {
            hdf.close();
        } catch (RuntimeException e) {
            // closing a damaged file: nothing to report beyond what reading said
        }
    }

    InteropException fail(String part, String problem) {
        return new InteropException(file, part + ": " + problem);
    }

    /** What jhdf said, without class names a user cannot act on. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof StackOverflowError) {
            return "its structure loops or nests too deeply";
        }
        if (m == null || m.isBlank()) {
            return "the file's structure cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        return m.length() > 200 ? m.substring(0, 197) + "..." : m;
    }

    /** The child group {@code name} of {@code group}, or null if there is none. */
    Group group(Group group, String name, String part) throws InteropException {
        try {
            Node n = group.getChildren().get(name);
            if (n == null) {
                return null;
            }
            if (!(n instanceof Group g)) {
                throw fail(part, "is a " + n.getType().toString().toLowerCase() + ", not a group");
            }
            return g;
        } catch (RuntimeException | StackOverflowError e) {
            throw fail(part, "cannot be read (a damaged or truncated file): " + describe(e));
        }
    }

    boolean hasAttribute(Node node, String name, String part) throws InteropException {
        try {
            return node.getAttributes().containsKey(name);
        } catch (RuntimeException | StackOverflowError e) {
            throw fail(part, "its attributes cannot be read (a damaged or truncated file): " + describe(e));
        }
    }

    /** A scalar string attribute, or null if absent. */
    String string(Node node, String name, String part) throws InteropException {
        if (!hasAttribute(node, name, part)) {
            return null;
        }
        Object data = data(node, name, part);
        if (data instanceof String s) {
            return strip(s);
        }
        if (data instanceof String[] a && a.length == 1) {
            return strip(a[0]);
        }
        if (data instanceof byte[] b) {
            return strip(new String(b, StandardCharsets.UTF_8));
        }
        throw fail(part + " attribute '" + name + "'", "is not a string (found " + kind(data) + ")");
    }

    /**
     * A list of strings as Keras' {@code save_attributes_to_hdf5_group} writes it: one array attribute
     * {@code name}, or chunks {@code name0, name1, ...}; an empty list for Keras' empty float64 array or
     * a missing attribute, as Keras' loader reads them.
     */
    List<String> strings(Node node, String name, String part) throws InteropException {
        List<String> out = new ArrayList<>();
        if (hasAttribute(node, name, part)) {
            addStrings(out, node, name, part);
            return out;
        }
        for (int chunk = 0; hasAttribute(node, name + chunk, part); chunk++) {
            addStrings(out, node, name + chunk, part);
        }
        return out;
    }

    private void addStrings(List<String> out, Node node, String name, String part) throws InteropException {
        Attribute a = attribute(node, name, part);
        if (a.isEmpty()) {
            return;
        }
        Object data = data(node, name, part);
        if (data instanceof String[] array) {
            for (String s : array) {
                out.add(strip(s));
            }
        } else if (data instanceof String s) {
            out.add(strip(s));
        } else if (data instanceof double[] d && d.length == 0 || data instanceof float[] f && f.length == 0) {
            // Keras writes np.asarray([]) (float64) for a layer without weights
        } else {
            throw fail(part + " attribute '" + name + "'", "is not a list of strings (found " + kind(data) + ")");
        }
    }

    private Attribute attribute(Node node, String name, String part) throws InteropException {
        try {
            return node.getAttribute(name);
        } catch (RuntimeException | StackOverflowError e) {
            throw fail(part + " attribute '" + name + "'", "cannot be read (a damaged or truncated file): " + describe(e));
        }
    }

    private Object data(Node node, String name, String part) throws InteropException {
        Attribute a = attribute(node, name, part);
        try {
            if (a.getSizeInBytes() > fileSize) {
                throw fail(part + " attribute '" + name + "'", "declares " + a.getSizeInBytes()
                        + " bytes, more than the file's " + fileSize);
            }
            return a.isEmpty() ? null : a.getData();
        } catch (InteropException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw fail(part + " attribute '" + name + "'", "cannot be read (a damaged or truncated file): " + describe(e));
        }
    }

    /**
     * The float values of the dataset at {@code path} (relative to {@code group}), checked to have
     * {@code shape} before any value is read. float32 is what Keras writes; float64 and float16 are
     * converted.
     */
    float[] floats(Group group, String path, int[] shape, String part) throws InteropException {
        Dataset d;
        try {
            Node n = group.getByPath(path);
            if (!(n instanceof Dataset ds)) {
                throw fail(part, "is a group, not a dataset of weights");
            }
            d = ds;
        } catch (InteropException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw fail(part, "is missing" + (e.getMessage() == null ? "" : " (" + describe(e) + ")"));
        }
        try {
            if (!(d.getDataType() instanceof FloatingPoint)) {
                throw fail(part, "holds " + d.getJavaType().getSimpleName() + " values; Keras weights are floats");
            }
            int[] dims = d.getDimensions();
            if (!Arrays.equals(dims, shape)) {
                throw fail(part, "has shape " + Shapes.text(dims) + "; the model needs " + Shapes.text(shape));
            }
            Object flat = d.getDataFlat();
            if (flat instanceof float[] f) {
                return f;
            }
            if (flat instanceof double[] dd) {
                float[] f = new float[dd.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) dd[i];
                }
                return f;
            }
            throw fail(part, "holds " + kind(flat) + "; Keras weights are float32");
        } catch (InteropException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw fail(part, "cannot be read (a damaged or truncated file): " + describe(e));
        }
    }

    private static String strip(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == 0) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String kind(Object data) {
        if (data == null) {
            return "nothing";
        }
        Class<?> c = data.getClass();
        return c.isArray() ? "an array of " + c.getComponentType().getSimpleName() : "a " + c.getSimpleName();
    }
}
