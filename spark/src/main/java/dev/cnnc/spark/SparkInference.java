package dev.cnnc.spark;

import dev.cnnc.runtime.Network;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Batch inference with a generated model on a Spark {@code Dataset<Row>}: the weights are broadcast once, each
 * executor JVM builds the model once, and every partition is scored in batches by a replica of it
 * ({@code mapPartitions}); no Python, no native code. From Spark SQL, {@link #registerUdf} offers the same model
 * as a function of one image.
 */
public final class SparkInference {
    private SparkInference() {}

    /**
     * Column names and the batch size.
     *
     * @param prediction the predicted class's column (int)
     * @param probability the predicted class's probability (float)
     * @param probabilities all class probabilities (array of floats), or null for none
     */
    public record Options(int batchSize, String prediction, String probability, String probabilities) {
        public static final Options DEFAULT = new Options(256, "prediction", "probability", null);

        public Options withProbabilities(String column) {
            return new Options(batchSize, prediction, probability, column);
        }

        public Options withBatchSize(int n) {
            return new Options(n, prediction, probability, probabilities);
        }
    }

    /** {@code rows} with the columns {@code prediction} and {@code probability} added. */
    public static Dataset<Row> predict(Dataset<Row> rows, String inputColumn, ModelSpec model) {
        return predict(rows, inputColumn, model, Options.DEFAULT);
    }

    /** {@code rows} with the prediction columns of {@code options} added. */
    public static Dataset<Row> predict(Dataset<Row> rows, String inputColumn, ModelSpec model, Options options) {
        StructType in = rows.schema();
        Inputs.check(in, inputColumn);
        int column = Inputs.index(in, inputColumn);
        StructType out = in.add(options.prediction(), DataTypes.IntegerType, false)
                .add(options.probability(), DataTypes.FloatType, false);
        if (options.probabilities() != null) {
            out = out.add(options.probabilities(), DataTypes.createArrayType(DataTypes.FloatType, false), false);
        }
        Broadcast<ModelSpec> spec = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext()).broadcast(model);
        int batch = options.batchSize();
        boolean all = options.probabilities() != null;
        return rows.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) it ->
                new Scored(it, spec.value().model().replica(batch), column, all), Encoders.row(out));
    }

    /**
     * Registers {@code name(image)} in Spark SQL: the predicted class of one image (the bytes of a PNG/JPEG, or a
     * path), for {@code SELECT name(content) FROM images}. The model is built once per executor JVM; rows are
     * scored one at a time, so for large jobs prefer {@link #predict}.
     */
    public static void registerUdf(SparkSession spark, String name, ModelSpec model) {
        Broadcast<ModelSpec> spec = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
        spark.udf().register(name, (UDF1<Object, Integer>) value -> {
            Network net = OneAtATime.get(spec.value());
            synchronized (net) {
                float[] x = new float[net.inputSize()];
                Inputs.read(RowFactory.create(value), 0, net.inputShape(), x, 0);
                return argmax(net.forward(x, 1), 0, net.outputSize());
            }
        }, DataTypes.IntegerType);
    }

    /** One replica per JVM and model for the UDF (a UDF has no partition to hold one). */
    private static final class OneAtATime {
        private static final java.util.Map<ModelSpec, Network> NETS = new java.util.concurrent.ConcurrentHashMap<>();

        static Network get(ModelSpec spec) {
            return NETS.computeIfAbsent(spec, s -> s.model().replica(1));
        }
    }

    static int argmax(float[] p, int at, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (p[at + k] > p[at + best]) {
                best = k;
            }
        }
        return best;
    }

    /** A partition's rows, scored a batch at a time. */
    private static final class Scored implements Iterator<Row> {
        private final Iterator<Row> in;
        private final Network net;
        private final int column;
        private final boolean all;
        private final float[] input;
        private final List<Row> pending = new ArrayList<>();
        private float[] output;
        private int next;

        Scored(Iterator<Row> in, Network net, int column, boolean all) {
            this.in = in;
            this.net = net;
            this.column = column;
            this.all = all;
            this.input = new float[net.batchSize() * net.inputSize()];
        }

        @Override
        public boolean hasNext() {
            if (next < pending.size()) {
                return true;
            }
            pending.clear();
            next = 0;
            int size = net.inputSize();
            while (pending.size() < net.batchSize() && in.hasNext()) {
                Row r = in.next();
                Inputs.read(r, column, net.inputShape(), input, pending.size() * size);
                pending.add(r);
            }
            if (pending.isEmpty()) {
                return false;
            }
            output = net.forward(input, pending.size());
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row r = pending.get(next);
            int classes = net.outputSize();
            int at = next * classes;
            int best = argmax(output, at, classes);
            Object[] values = new Object[r.size() + (all ? 3 : 2)];
            for (int i = 0; i < r.size(); i++) {
                values[i] = r.get(i);
            }
            values[r.size()] = best;
            values[r.size() + 1] = output[at + best];
            if (all) {
                Float[] p = new Float[classes];
                for (int k = 0; k < classes; k++) {
                    p[k] = output[at + k];
                }
                values[r.size() + 2] = p;
            }
            next++;
            return RowFactory.create(values);
        }
    }
}
