package dev.cnnc.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads arrays from NumPy's {@code .npz} archives ({@code numpy.savez} stores, {@code numpy.savez_compressed}
 * deflates): a zip file with one {@code NAME.npy} entry per array, read with the JDK's {@link ZipFile}, which
 * handles both.
 */
public final class Npz {
    private Npz() {}

    /** The array names in the archive, in its order: the entry names without {@code .npy}. */
    public static List<String> keys(Path file) throws IOException {
        try (ZipFile zip = open(file)) {
            return keys(zip);
        }
    }

    /**
     * Reads the arrays named {@code keys} (null where the key is optional and absent).
     *
     * @param required how many of the first keys must be present; a missing one is an error listing the keys the
     *     archive holds
     */
    public static Npy.Array[] read(Path file, int required, String... keys) throws IOException {
        try (ZipFile zip = open(file)) {
            Npy.Array[] arrays = new Npy.Array[keys.length];
            for (int i = 0; i < keys.length; i++) {
                ZipEntry e = zip.getEntry(keys[i] + ".npy");
                if (e == null) {
                    e = zip.getEntry(keys[i]);
                }
                if (e == null) {
                    if (i < required) {
                        List<String> have = keys(zip);
                        throw new DataFormatException(file, "no array '" + keys[i] + "'; the archive holds "
                                + (have.isEmpty() ? "no arrays" : String.join(", ", have))
                                + " (give the names as " + file.getFileName() + "#X_KEY,Y_KEY)");
                    }
                    continue;
                }
                String name = file + "/" + e.getName();
                try (InputStream in = zip.getInputStream(e)) {
                    arrays[i] = Npy.read(in, name, e.getSize());
                } catch (DataFormatException ex) {
                    throw ex;
                } catch (IOException | RuntimeException ex) { // a damaged zip: ZipException, EOFException, ...
                    throw new DataFormatException(name, "the zip entry is corrupt (" + ex + ")", ex);
                }
            }
            return arrays;
        }
    }

    private static List<String> keys(ZipFile zip) {
        List<String> keys = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
            String n = e.nextElement().getName();
            keys.add(n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n);
        }
        return Collections.unmodifiableList(keys);
    }

    private static ZipFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, Files.exists(file) ? "is not a file" : "no such file");
        }
        if (Files.size(file) == 0) {
            throw new DataFormatException(file, "is empty (0 bytes), not a .npz archive");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (IOException | RuntimeException e) { // ZipException, or EOFException for a cut directory
            throw new DataFormatException(file, "not a .npz archive (not a readable zip file: " + e + ")", e);
        }
    }
}
