/**
 * Training arithmetic with Keras 2.2.4 semantics: {@link dev.cnnc.runtime.optim.Optimizer}s (SGD, RMSprop,
 * Adam, Adagrad) that update {@link dev.cnnc.runtime.Parameter}s in place, {@link dev.cnnc.runtime.optim.Loss}es
 * with their gradients, and the accuracy {@link dev.cnnc.runtime.optim.Metrics}.
 *
 * <p>Everything is deterministic (fixed summation order, {@link java.lang.StrictMath} for transcendental
 * functions) and the per-step methods allocate nothing.
 */
package dev.cnnc.runtime.optim;
