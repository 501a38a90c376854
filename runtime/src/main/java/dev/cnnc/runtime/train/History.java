package dev.cnnc.runtime.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code fit} returns, as Keras' {@code History}: each metric's value after every epoch. */
public final class History {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    /** Seconds each epoch of this run took (not saved with the weights, so that resumed runs compare). */
    private final List<Double> seconds = new ArrayList<>();

    /** Appends one epoch's value of {@code metric} ({@code loss}, {@code acc}, {@code val_loss}, ...). */
    public void add(String metric, double value) {
        values.computeIfAbsent(metric, k -> new ArrayList<>()).add(value);
    }

    /** The values of {@code metric}, one per epoch; empty if it was never recorded. */
    public List<Double> get(String metric) {
        return Collections.unmodifiableList(values.getOrDefault(metric, List.of()));
    }

    /** Every metric with its values, in the order they were first recorded. */
    public Map<String, List<Double>> all() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    /** Records how long the next epoch of this run took. */
    public void addSeconds(double epochSeconds) {
        seconds.add(epochSeconds);
    }

    /**
     * How long each epoch this process trained took, in order; shorter than {@link #epochs()} after a
     * resume (the epochs before it ran elsewhere).
     */
    public List<Double> seconds() {
        return Collections.unmodifiableList(seconds);
    }

    public int epochs() {
        return values.isEmpty() ? 0 : values.values().iterator().next().size();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
