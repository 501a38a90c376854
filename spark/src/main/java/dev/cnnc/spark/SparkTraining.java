package dev.cnnc.spark;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.Rng;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.ArrayDataset;
import dev.cnnc.runtime.train.ChunkSource;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Data-parallel training of a generated model on Spark, in two modes.
 *
 * <p><b>Synchronous</b> ({@link #synchronous}): every step's batch is cut into the trainer's chunks of 16
 * examples, the chunks are spread over {@code partitions} Spark tasks, each task computes its chunks' gradients
 * with the generated backward pass ({@link Trainer#computeChunk}) on a copy of the current weights, and the driver's
 * {@link Trainer} sums them in chunk order and applies the optimizer. With the same seed, batch size and data the
 * weights are bit-identical to {@code cnnc train} on one machine, for any number of partitions and retried tasks.
 * The training set is broadcast once (it must fit an executor's memory); per step the weights go out to every task
 * and each chunk's gradient comes back.
 *
 * <p><b>Parameter averaging</b> ({@link #averaging}), as Deeplearning4j's {@code ParameterAveragingTrainingMaster}:
 * each partition trains on its own shard for {@code everySteps} steps from the same weights and optimizer state,
 * then the driver averages weights and optimizer state in partition order (deterministic, but not equal to
 * single-machine training) and starts the next round: {@code everySteps} times less communication.
 */
public final class SparkTraining {
    private SparkTraining() {}

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /** The examples, as Spark ships them (once, broadcast). */
    record Examples(float[] inputs, int[] labels, int[] shape, int classes) implements Serializable {
        private static final long serialVersionUID = 1L;

        ArrayDataset dataset() {
            return ArrayDataset.ofClasses("spark", shape, inputs, classes, labels);
        }
    }

    /** What one run sent: steps, and bytes of weights out to tasks and of results back, by the formula in the README. */
    public record Traffic(long steps, long bytesToTasks, long bytesFromTasks) {}

    /**
     * The training examples of a Spark {@code Dataset}: each row's input (an array of floats, image bytes, a path or an
     * image struct; see {@link SparkInference}) and its class label (an integer column), collected to the driver in
     * the Dataset's order. Order matters for determinism: sort or repartition deterministically before.
     */
    public static ArrayDataset collect(Dataset<Row> rows, String inputColumn, String labelColumn, int[] inputShape,
            int classes) {
        Inputs.check(rows.schema(), inputColumn);
        int in = Inputs.index(rows.schema(), inputColumn);
        int label = Inputs.index(rows.schema(), labelColumn);
        List<Row> all = rows.collectAsList();
        int size = 1;
        for (int d : inputShape) {
            size *= d;
        }
        float[] x = new float[all.size() * size];
        int[] y = new int[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Inputs.read(all.get(i), in, inputShape, x, i * size);
            y[i] = ((Number) all.get(i).get(label)).intValue();
        }
        return ArrayDataset.ofClasses(rows.toString(), inputShape, x, classes, y);
    }

    /**
     * The examples of a cnnc data set (MNIST's IDX files, an image folder, ...) as a Spark {@code Dataset} with the
     * columns {@code id} (the example's index), {@code label} and {@code pixels} (its input as an array of floats):
     * for writing it as Parquet, or for tests.
     */
    public static Dataset<Row> frame(SparkSession spark, dev.cnnc.runtime.data.Dataset data) {
        int n = data.count();
        int size = data.exampleSize();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        float[] x = new float[n * size];
        data.copyInputs(order, 0, n, x);
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Float[] v = new Float[size];
            for (int k = 0; k < size; k++) {
                v[k] = x[i * size + k];
            }
            rows.add(RowFactory.create(i, data.label(i), java.util.Arrays.asList(v)));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("label", DataTypes.IntegerType)
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType));
        return spark.createDataFrame(rows, schema);
    }

    // ---------------------------------------------------------------------------------------------
    // Synchronous

    /**
     * Trains {@code model} (the driver's copy, which ends with the trained weights) on {@code data} for
     * {@code config}'s epochs, as {@code cnnc train} would on one machine with {@code seed}.
     */
    public static Synchronous synchronous(JavaSparkContext sc, ModelSpec spec, Network model, TrainingConfig config,
            ArrayDataset data, long seed, int partitions) {
        return new Synchronous(sc, spec, model, config, data, seed, partitions);
    }

    /** A synchronous run: {@link #fit} trains; {@link #traffic} says what it sent. */
    public static final class Synchronous implements ChunkSource, AutoCloseable {
        private final JavaSparkContext sc;
        private final ModelSpec spec;
        private final Network model;
        private final TrainingConfig config;
        private final ArrayDataset data;
        private final long seed;
        private final int partitions;
        private final Broadcast<Examples> examples;
        private long steps;
        private long down;
        private long up;
        private long failAtStep = -1;

        Synchronous(JavaSparkContext sc, ModelSpec spec, Network model, TrainingConfig config, ArrayDataset data,
                long seed, int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
            }
            this.sc = sc;
            this.spec = spec;
            this.model = model;
            this.config = config;
            this.data = data;
            this.seed = seed;
            this.partitions = partitions;
            this.examples = sc.broadcast(examplesOf(data));
        }

        /** Makes the first attempt of one task of step {@code step} (0-based) fail, to show that retries change nothing. */
        public Synchronous failFirstAttemptAtStep(long step) {
            this.failAtStep = step;
            return this;
        }

        /** Trains for the configured epochs; {@code out} shows Keras' progress lines. */
        public History fit(PrintStream out) throws IOException {
            try (Trainer trainer = new Trainer(model, config, 1, seed, out, false)) {
                trainer.chunkSource(this);
                return trainer.fit(data, null, 0, new History(), null);
            }
        }

        public Traffic traffic() {
            return new Traffic(steps, down, up);
        }

        @Override
        public List<Result> compute(int epoch, int[] stepOrder, int n) {
            int chunks = (n + Trainer.CHUNK - 1) / Trainer.CHUNK;
            int tasks = Math.min(partitions, chunks);
            List<int[]> ranges = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                ranges.add(new int[] {t * chunks / tasks, (t + 1) * chunks / tasks});
            }
            List<float[]> weights = new ArrayList<>();
            long floats = 0;
            for (Parameter p : model.parameters()) {
                weights.add(p.values().clone());
                floats += p.size();
            }
            long trainable = 0;
            for (Parameter p : model.parameters()) {
                trainable += p.trainable() ? p.size() : 0;
            }
            ModelSpec s = spec;
            Broadcast<Examples> ex = examples;
            long sd = seed;
            int batch = config.batchSize();
            boolean fail = steps == failAtStep;
            List<Result> results = sc.parallelize(ranges, tasks).flatMap(range -> {
                if (fail && range[0] == 0 && TaskContext.get() != null && TaskContext.get().attemptNumber() == 0) {
                    throw new IllegalStateException("deliberate failure of a first attempt (test of Spark's retry)");
                }
                return chunks(s, ex, sd, batch, weights, stepOrder, n, epoch, range[0], range[1]).iterator();
            }).collect();
            steps++;
            down += tasks * (floats * 4 + stepOrder.length * 4L);
            up += chunks * (trainable * 4 + 24);
            return results;
        }

        @Override
        public void close() {
            examples.destroy();
        }
    }

    private static Examples examplesOf(ArrayDataset data) {
        int n = data.count();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        float[] x = new float[n * data.exampleSize()];
        data.copyInputs(order, 0, n, x);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = data.label(i);
        }
        return new Examples(x, y, data.exampleShape(), data.numClasses());
    }

    /** A worker of this JVM: a model of the spec and a trainer on it; pooled, one per concurrent task. */
    private record Worker(Network net, Trainer trainer, ArrayDataset data) {}

    private static final Map<String, Queue<Worker>> POOL = new ConcurrentHashMap<>();

    private static String key(ModelSpec spec, Broadcast<Examples> ex, long seed, int batch) {
        return spec.id() + "/" + ex.id() + "/" + seed + "/" + batch;
    }

    private static Worker borrow(ModelSpec spec, Broadcast<Examples> ex, long seed, int batch) {
        Worker w = POOL.computeIfAbsent(key(spec, ex, seed, batch), k -> new ConcurrentLinkedQueue<>()).poll();
        if (w == null) {
            Network net = spec.create(1);
            Trainer t = new Trainer(net, net.trainingConfig().withBatchSize(batch), 1, seed, QUIET, false);
            w = new Worker(net, t, ex.value().dataset());
        }
        return w;
    }

    private static void giveBack(ModelSpec spec, Broadcast<Examples> ex, long seed, int batch, Worker w) {
        POOL.get(key(spec, ex, seed, batch)).add(w);
    }

    /** Runs on an executor: chunks {@code [from, to)} of a step with the given weights. */
    static List<ChunkSource.Result> chunks(ModelSpec spec, Broadcast<Examples> ex, long seed, int batch,
            List<float[]> weights, int[] stepOrder, int n, int epoch, int from, int to) {
        Worker w = borrow(spec, ex, seed, batch);
        try {
            setWeights(w.net(), weights);
            List<ChunkSource.Result> out = new ArrayList<>();
            for (int k = from; k < to; k++) {
                out.add(w.trainer().computeChunk(w.data(), stepOrder, n, epoch, k));
            }
            return out;
        } finally {
            giveBack(spec, ex, seed, batch, w);
        }
    }

    static void setWeights(Network net, List<float[]> weights) {
        List<Parameter> params = net.parameters();
        for (int i = 0; i < params.size(); i++) {
            System.arraycopy(weights.get(i), 0, params.get(i).values(), 0, weights.get(i).length);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Parameter averaging

    /** What each worker returns after a round: its weights, optimizer slots, summed loss and examples. */
    record Round(int partition, List<float[]> weights, List<float[]> slots, double lossSum, double seen)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Trains {@code model} by parameter averaging: {@code partitions} shards of {@code data} (contiguous, in order),
     * each trained {@code everySteps} steps per round from the round's weights and optimizer state, then averaged.
     * Returns the history (loss and accuracy per epoch, as the workers saw them); {@code traffic} is filled.
     */
    public static History averaging(JavaSparkContext sc, ModelSpec spec, Network model, TrainingConfig config,
            ArrayDataset data, long seed, int partitions, int everySteps, PrintStream out, long[] traffic)
            throws IOException {
        Broadcast<Examples> ex = sc.broadcast(examplesOf(data));
        History history = new History();
        int batch = config.batchSize();
        int n = data.count();
        int stepsPerShard = ((n / partitions) + batch - 1) / batch;
        long iterations = 0;
        List<float[]> slots = null;
        long down = 0;
        long upBytes = 0;
        long rounds = 0;
        try (Trainer driver = new Trainer(model, config, 1, seed, QUIET, false)) {
            for (int epoch = 0; epoch < config.epochs(); epoch++) {
                out.println("Epoch " + (epoch + 1) + "/" + config.epochs());
                long start = System.nanoTime();
                double lossSum = 0;
                double seen = 0;
                for (int first = 0; first < stepsPerShard; first += everySteps) {
                    List<float[]> weights = new ArrayList<>();
                    long floats = 0;
                    for (Parameter p : model.parameters()) {
                        weights.add(p.values().clone());
                        floats += p.size();
                    }
                    List<float[]> roundSlots = slots;
                    long its = iterations;
                    int e = epoch;
                    int f = first;
                    List<Integer> shards = new ArrayList<>();
                    for (int p = 0; p < partitions; p++) {
                        shards.add(p);
                    }
                    List<Round> results = new ArrayList<>(sc.parallelize(shards, partitions).map(p ->
                            round(spec, ex, seed, batch, weights, roundSlots, its, p, partitions, e, f, everySteps))
                            .collect());
                    results.sort(java.util.Comparator.comparingInt(Round::partition));
                    average(model.parameters(), results);
                    slots = averageSlots(results);
                    iterations += everySteps;
                    for (Round r : results) {
                        lossSum += r.lossSum();
                        seen += r.seen();
                    }
                    long slotFloats = slots == null ? 0 : slots.stream().mapToLong(a -> a.length).sum();
                    down += partitions * (floats + slotFloats) * 4;
                    upBytes += partitions * (floats + slotFloats) * 4;
                    rounds++;
                }
                history.add("loss", lossSum / Math.max(seen, 1));
                history.addSeconds((System.nanoTime() - start) / 1e9);
                out.printf(java.util.Locale.ROOT, "%d/%d - %.0fs - loss: %.4f%n", (int) seen, n,
                        (System.nanoTime() - start) / 1e9, lossSum / Math.max(seen, 1));
            }
            driver.optimizer().restore(iterations, slots == null ? driver.optimizer().slots() : slots);
        } finally {
            ex.destroy();
        }
        if (traffic != null) {
            traffic[0] = rounds;
            traffic[1] = down;
            traffic[2] = upBytes;
        }
        return history;
    }

    /** Runs on an executor: one worker's round of parameter averaging on shard {@code p}. */
    static Round round(ModelSpec spec, Broadcast<Examples> ex, long seed, int batch, List<float[]> weights,
            List<float[]> slots, long iterations, int p, int partitions, int epoch, int first, int steps) {
        Worker w = borrow(spec, ex, seed + 1000L * (p + 1), batch);
        try {
            setWeights(w.net(), weights);
            if (slots != null) {
                w.trainer().optimizer().restore(iterations, slots);
            }
            int n = w.data().count();
            int from = (int) ((long) p * n / partitions);
            int to = (int) ((long) (p + 1) * n / partitions);
            int[] order = new int[to - from];
            for (int i = 0; i < order.length; i++) {
                order[i] = from + i;
            }
            Rng.stream(seed + p, (1L << 33) + epoch).shuffle(order);
            double[] r = w.trainer().trainSteps(w.data(), order, first * batch, steps, epoch);
            List<float[]> out = new ArrayList<>();
            for (Parameter q : w.net().parameters()) {
                out.add(q.values().clone());
            }
            List<float[]> s = new ArrayList<>();
            for (float[] a : w.trainer().optimizer().slots()) {
                s.add(a.clone());
            }
            return new Round(p, out, s, r[0], r[1]);
        } finally {
            giveBack(spec, ex, seed + 1000L * (p + 1), batch, w);
        }
    }

    /** The mean of the workers' weights, in partition order, into {@code params}. */
    static void average(List<Parameter> params, List<Round> rounds) {
        for (int i = 0; i < params.size(); i++) {
            float[] v = params.get(i).values();
            for (int k = 0; k < v.length; k++) {
                double sum = 0;
                for (Round r : rounds) {
                    sum += r.weights().get(i)[k];
                }
                v[k] = (float) (sum / rounds.size());
            }
        }
    }

    static List<float[]> averageSlots(List<Round> rounds) {
        List<float[]> first = rounds.get(0).slots();
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            float[] v = new float[first.get(i).length];
            for (int k = 0; k < v.length; k++) {
                double sum = 0;
                for (Round r : rounds) {
                    sum += r.slots().get(i)[k];
                }
                v[k] = (float) (sum / rounds.size());
            }
            out.add(v);
        }
        return out;
    }
}
