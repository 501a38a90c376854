package dev.cnnc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cnnc.runtime.Network;
import dev.cnnc.runtime.Parameter;
import dev.cnnc.runtime.TrainingConfig;
import dev.cnnc.runtime.data.ArrayDataset;
import dev.cnnc.runtime.data.Dataset;
import dev.cnnc.runtime.data.mnist.Mnist;
import dev.cnnc.runtime.train.History;
import dev.cnnc.runtime.train.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * cnnc on Spark, {@code local[2]} with up to 3 attempts per task: batch inference of the Keras MNIST model
 * (generated from src/test/cnn by the plugin) at the accuracy of {@code cnnc evaluate}; synchronous training that
 * reproduces single-machine weights bit for bit, also when a task's first attempt fails; parameter averaging.
 */
class SparkTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static SparkSession spark;
    static JavaSparkContext sc;
    static Mnist.Data mnist;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkSession.builder().master("local[2,3]").appName("cnnc-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        mnist = Mnist.load(null);
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static float[] inputs(Dataset d, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        float[] x = new float[n * d.exampleSize()];
        d.copyInputs(order, 0, n, x);
        return x;
    }

    static org.apache.spark.sql.Dataset<Row> frame(Dataset d, int n) {
        return SparkTraining.frame(spark, d.subset(n)).repartition(4);
    }

    @Test
    void batchInferenceScoresMnistAtTheAccuracyOfCnncEvaluate() throws Exception {
        byte[] weights = MnistCnn.class.getResourceAsStream("MnistCnn.cnnw").readAllBytes();
        ModelSpec spec = ModelSpec.of(MnistCnn.class, weights);
        Dataset test = mnist.test();
        org.apache.spark.sql.Dataset<Row> images = frame(test, test.count());
        images.cache().count();
        // the same scoring in this JVM without Spark: what Spark's overhead is measured against
        MnistCnn alone = (MnistCnn) spec.create(256);
        float[] x = inputs(test, test.count());
        long t0 = System.nanoTime();
        for (int at = 0; at < test.count(); at += 256) {
            int m = Math.min(256, test.count() - at);
            alone.forward(java.util.Arrays.copyOfRange(x, at * 784, (at + m) * 784), m);
        }
        double aloneSeconds = (System.nanoTime() - t0) / 1e9;
        long start = System.nanoTime();
        org.apache.spark.sql.Dataset<Row> scored = SparkInference.predict(images, "pixels", spec,
                SparkInference.Options.DEFAULT.withProbabilities("probabilities")).cache();
        long right = scored.filter("prediction = label").count();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("Spark local[2] batch inference: %d of %d right (accuracy %.4f), %.0f images/s; the same "
                + "model in one JVM without Spark, one thread: %.0f images/s%n", right, test.count(),
                right / (double) test.count(), test.count() / seconds, test.count() / aloneSeconds);
        assertEquals(9835, right, "cnnc evaluate of the same weights: test_acc 0.9835");
        Row first = scored.orderBy("id").first();
        List<Float> p = first.getList(first.fieldIndex("probabilities"));
        assertEquals(10, p.size());
        assertEquals(p.get(first.getInt(first.fieldIndex("prediction"))), first.getFloat(first.fieldIndex("probability")));

        // Spark SQL: the same model as a function of one image, here the PNG bytes of test image 0
        SparkInference.registerUdf(spark, "mnist_class", spec);
        spark.createDataFrame(List.of(RowFactory.create((Object) png(inputs(test, 1)))),
                new StructType().add("content", DataTypes.BinaryType)).createOrReplaceTempView("images");
        int sql = spark.sql("SELECT mnist_class(content) AS c FROM images").first().getInt(0);
        assertEquals(first.getInt(first.fieldIndex("prediction")), sql);
    }

    static byte[] png(float[] pixels) throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                img.getRaster().setSample(x, y, 0, Math.round(pixels[y * 28 + x] * 255));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /**
     * Training data from where Spark users keep it: a bytes column of PNG files (as {@code binaryFile} or Parquet give)
     * and rows of Spark's image struct (BGR bytes, as {@code spark.read.format("image")} gives) read as the same
     * examples as the float arrays.
     */
    @Test
    void trainingDataComesFromImageBytesAndImageStructsAsFromArrays() throws Exception {
        Dataset train = mnist.train();
        int n = 40;
        float[] x = inputs(train, n);
        List<Row> pngs = new ArrayList<>();
        List<Row> structs = new ArrayList<>();
        StructType image = new StructType().add("origin", DataTypes.StringType).add("height", DataTypes.IntegerType)
                .add("width", DataTypes.IntegerType).add("nChannels", DataTypes.IntegerType)
                .add("mode", DataTypes.IntegerType).add("data", DataTypes.BinaryType);
        for (int i = 0; i < n; i++) {
            float[] one = java.util.Arrays.copyOfRange(x, i * 784, (i + 1) * 784);
            pngs.add(RowFactory.create(png(one), train.label(i)));
            byte[] bgr = new byte[784 * 3];
            for (int p = 0; p < 784; p++) {
                byte v = (byte) Math.round(one[p] * 255);
                bgr[p * 3] = v;
                bgr[p * 3 + 1] = v;
                bgr[p * 3 + 2] = v;
            }
            structs.add(RowFactory.create(RowFactory.create("mem:" + i, 28, 28, 3, 16, bgr), train.label(i)));
        }
        ArrayDataset fromPng = SparkTraining.collect(spark.createDataFrame(pngs, new StructType()
                .add("content", DataTypes.BinaryType).add("label", DataTypes.IntegerType)), "content", "label",
                new int[] {28, 28, 1}, 10);
        ArrayDataset fromStruct = SparkTraining.collect(spark.createDataFrame(structs, new StructType()
                .add("image", image).add("label", DataTypes.IntegerType)), "image", "label", new int[] {28, 28, 1}, 10);
        float[] a = inputs(fromPng, n);
        float[] b = inputs(fromStruct, n);
        for (int k = 0; k < x.length; k++) {
            assertEquals(Math.round(x[k] * 255), Math.round(a[k] * 255), "PNG pixel " + k);
            assertEquals(Math.round(x[k] * 255), Math.round(b[k] * 255), "image struct pixel " + k);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(train.label(i), fromPng.label(i));
            assertEquals(train.label(i), fromStruct.label(i));
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SparkTraining.collect(spark.createDataFrame(pngs, new StructType().add("content",
                        DataTypes.BinaryType).add("label", DataTypes.IntegerType)), "pixels", "label",
                        new int[] {28, 28, 1}, 10));
        assertTrue(e.getMessage().contains("no column 'pixels' (the columns are content, label)"), e.getMessage());
    }

    static ArrayDataset trainingSet(int n) {
        Dataset train = mnist.train();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = train.label(i);
        }
        return ArrayDataset.ofClasses("mnist-" + n, new int[] {28, 28, 1}, inputs(train, n), 10, labels);
    }

    static List<float[]> weights(Network net) {
        List<float[]> w = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            w.add(p.values().clone());
        }
        return w;
    }

    @Test
    void synchronousTrainingReproducesSingleMachineWeightsBitForBit() throws Exception {
        ArrayDataset data = trainingSet(1000);
        TrainingConfig config = new SmallCnn(1, 5L).trainingConfig().withEpochs(2);
        SmallCnn local = new SmallCnn(1, 5L);
        long t0 = System.nanoTime();
        try (Trainer t = new Trainer(local, config, 2, 5L, QUIET, false)) {
            t.fit(data, null, 0, new History(), null);
        }
        double localSeconds = (System.nanoTime() - t0) / 1e9;

        SmallCnn driver = new SmallCnn(1, 5L);
        long t1 = System.nanoTime();
        SparkTraining.Synchronous run = SparkTraining.synchronous(sc, ModelSpec.untrained(SmallCnn.class), driver,
                config, data, 5L, 2).failFirstAttemptAtStep(3);
        History h = run.fit(QUIET);
        run.close();
        double sparkSeconds = (System.nanoTime() - t1) / 1e9;
        List<float[]> a = weights(local);
        List<float[]> b = weights(driver);
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), local.parameters().get(i).name() + " differs");
        }
        SparkTraining.Traffic traffic = run.traffic();
        assertEquals(2 * 16, traffic.steps(), "1000 images in batches of 64, two epochs");
        System.out.printf("synchronous on local[2]: bit-identical to the single-machine trainer after %d steps "
                + "(one task's first attempt failed and was retried); %.1f ms per step against %.1f ms on one "
                + "machine; %.0f KB to the tasks and %.0f KB back per step; loss %s%n", traffic.steps(),
                sparkSeconds * 1e3 / traffic.steps(), localSeconds * 1e3 / traffic.steps(),
                traffic.bytesToTasks() / 1024.0 / traffic.steps(), traffic.bytesFromTasks() / 1024.0 / traffic.steps(),
                h.get("loss"));
    }

    @Test
    void parameterAveragingTrainsAndIsDeterministic() throws Exception {
        ArrayDataset data = trainingSet(2000);
        TrainingConfig config = new SmallCnn(1, 5L).trainingConfig().withEpochs(5);
        double untrained;
        try (Trainer t = new Trainer(new SmallCnn(1, 5L), config, 2, 5L, QUIET, false)) {
            untrained = t.evaluate(mnist.test().subset(2000), null).accuracy();
        }
        double[] accuracy = new double[2];
        List<float[]> first = null;
        for (int run = 0; run < 2; run++) {
            SmallCnn model = new SmallCnn(1, 5L);
            long[] traffic = new long[3];
            History h = SparkTraining.averaging(sc, ModelSpec.untrained(SmallCnn.class), model, config, data, 5L, 2, 4,
                    QUIET, traffic);
            try (Trainer t = new Trainer(model, config, 2, 5L, QUIET, false)) {
                accuracy[run] = t.evaluate(mnist.test().subset(2000), null).accuracy();
            }
            if (first == null) {
                first = weights(model);
                System.out.printf("parameter averaging on local[2], every 4 steps: %d rounds, %.0f KB per round each "
                        + "way; loss %s; test accuracy %.4f (untrained %.4f)%n", traffic[0],
                        traffic[1] / 1024.0 / traffic[0], h.get("loss"), accuracy[run], untrained);
            } else {
                List<float[]> again = weights(model);
                for (int i = 0; i < first.size(); i++) {
                    assertArrayEquals(first.get(i), again.get(i), "tensor " + i + " differs between two runs");
                }
            }
        }
        assertTrue(accuracy[0] > untrained + 0.3, "averaged training learns: accuracy " + untrained + " -> " + accuracy[0]);
    }
}
