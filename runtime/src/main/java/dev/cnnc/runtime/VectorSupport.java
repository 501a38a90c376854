package dev.cnnc.runtime;

/**
 * Whether generated models use their Vector API kernels: models generated with the {@code auto}
 * variant (the Maven plugin's default) hold both the portable and the Vector API code of each layer
 * the Vector API speeds up, and choose with {@link #ENABLED} once, when their layer classes are first
 * used. The Vector API code runs where the JVM has the incubator module
 * ({@code --add-modules jdk.incubator.vector}); elsewhere, or with {@code -Dcnnc.portable=true}, the
 * portable code runs, and a one-line note on {@code System.err} says how to enable the fast code
 * (unless the portable code was asked for).
 */
public final class VectorSupport {
    /** The system property that forces the portable code: {@code -Dcnnc.portable=true}. */
    public static final String PORTABLE_PROPERTY = "cnnc.portable";

    /** Whether this JVM can run the Vector API kernels: it has {@code jdk.incubator.vector}. */
    public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Whether generated models run their Vector API kernels: available and not turned off. */
    public static final boolean ENABLED = AVAILABLE && !Boolean.getBoolean(PORTABLE_PROPERTY);

    /**
     * {@code -Dcnnc.vector.bits=128|256|512}: the vector width the Vector API kernels use instead of the
     * machine's preferred one (0, the default); for tests that run every block shape on any machine. A
     * width the machine lacks still computes correctly, slowly.
     */
    public static final int VECTOR_BITS = bits(Integer.getInteger("cnnc.vector.bits", 0));

    /**
     * Whether 3x3 convolutions compute their forward pass with Winograd's F(2x2, 3x3) where it pays (the
     * default): the same values to rounding, not the same bits. {@code -Dcnnc.winograd=false} runs the
     * direct sums.
     */
    public static final boolean WINOGRAD = !"false".equals(System.getProperty("cnnc.winograd"));

    /** The note printed once where the module is missing. */
    public static final String NOTE = "cnnc: note: running the portable code of the generated model, several times "
            + "slower than its Vector API code: start the JVM with --add-modules jdk.incubator.vector "
            + "(or -D" + PORTABLE_PROPERTY + "=true to silence this)";

    static {
        if (!AVAILABLE && !Boolean.getBoolean(PORTABLE_PROPERTY)) {
            System.err.println(NOTE);
        }
    }

    private VectorSupport() {}

    private static int bits(int b) {
        if (b != 0 && b != 64 && b != 128 && b != 256 && b != 512) {
            throw new IllegalArgumentException("-Dcnnc.vector.bits=" + b + ": use 64, 128, 256 or 512");
        }
        return b;
    }

    /**
     * Whether the kernels may keep 4 vectors of accumulators per output pixel (16 registers of
     * accumulators), which needs a register file of 32: AVX-512's (vectors of 512 bits) and every
     * AArch64 core's (NEON and SVE); AVX2 has 16 registers and gets blocks of 2.
     * {@code -Dcnnc.vector.wide=true|false} forces the choice, for tests.
     */
    public static boolean wideRegisterFile(int vectorBits) {
        String forced = System.getProperty("cnnc.vector.wide");
        if (forced != null) {
            return Boolean.parseBoolean(forced);
        }
        return vectorBits >= 512 || "aarch64".equals(System.getProperty("os.arch"));
    }
}
