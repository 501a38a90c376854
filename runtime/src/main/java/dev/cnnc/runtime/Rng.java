package dev.cnnc.runtime;

/**
 * A small, fully specified random generator (SplitMix64), so that the same seed gives the same
 * weights and the same shuffles on every JVM, bit for bit. Normal values use Box-Muller with
 * {@link StrictMath}.
 */
public final class Rng {
    private long state;
    private double spareNormal = Double.NaN;

    public Rng(long seed) {
        this.state = seed;
    }

    /** A generator for stream {@code index} of a seed: independent streams for each parameter. */
    public static Rng stream(long seed, long index) {
        Rng r = new Rng(seed ^ mix(index + 0x632BE59BD9B4E019L));
        r.nextLong();
        return r;
    }

    /**
     * Starts over as {@code new Rng(seed)} would, without allocating: a layer keeps one generator and
     * resets it per example with {@link Batch#noiseSeed}.
     */
    public void reset(long seed) {
        this.state = seed;
        this.spareNormal = Double.NaN;
    }

    /** SplitMix64's finalizer: a bijective, well-mixing function of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Uniform on {@code [0, 1)}. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform on {@code [0, bound)}, without modulo bias. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        long limit = Long.remainderUnsigned(-1L, bound);
        while (true) {
            long r = nextLong();
            if (Long.compareUnsigned(r, -1L - limit) < 0 || limit == bound - 1) {
                return (int) Long.remainderUnsigned(r, bound);
            }
        }
    }

    /** Standard normal. */
    public double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            double s = spareNormal;
            spareNormal = Double.NaN;
            return s;
        }
        double u1;
        do {
            u1 = nextDouble();
        } while (u1 == 0);
        double u2 = nextDouble();
        double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
        spareNormal = r * StrictMath.sin(2 * Math.PI * u2);
        return r * StrictMath.cos(2 * Math.PI * u2);
    }

    /** Shuffles {@code a} in place (Fisher-Yates). */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
