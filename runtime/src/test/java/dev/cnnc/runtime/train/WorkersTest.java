package dev.cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WorkersTest {
    /** Every task of every job runs exactly once, and run() returns only after all of them. */
    @ParameterizedTest(name = "{0} threads, spin {1}, pause {2} us")
    @CsvSource({"2, true, 0", "2, false, 0", "3, true, 0", "4, true, 700", "2, true, 700", "2, false, 50"})
    void everyTaskRunsOnceAndRunWaitsForAll(int threads, boolean spin, int pauseMicros) {
        try (Workers workers = new Workers(threads, spin)) {
            for (int job = 0; job < 300; job++) {
                int tasks = 1 + job % 9;
                AtomicIntegerArray counts = new AtomicIntegerArray(tasks);
                workers.run(tasks, i -> {
                    if (i == tasks - 1) {
                        busy(20_000); // the last task is slow: run() must still wait for it
                    }
                    counts.incrementAndGet(i);
                });
                for (int i = 0; i < tasks; i++) {
                    assertEquals(1, counts.get(i), "job " + job + ", task " + i);
                }
                if (pauseMicros > 0) {
                    busy(pauseMicros * 1000L); // longer than the spin: the workers fall asleep and are woken
                }
            }
        }
    }

    /** The tasks run on several threads at once: each of two tasks waits until the other has started. */
    @ParameterizedTest(name = "spin {0}")
    @CsvSource({"true", "false"})
    void tasksRunInParallel(boolean spin) {
        try (Workers workers = new Workers(2, spin)) {
            for (int job = 0; job < 20; job++) {
                CountDownLatch both = new CountDownLatch(2);
                Set<String> names = ConcurrentHashMap.newKeySet();
                workers.run(2, i -> {
                    names.add(Thread.currentThread().getName());
                    both.countDown();
                    try {
                        assertTrue(both.await(10, TimeUnit.SECONDS), "task " + i + " ran alone");
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertEquals(2, names.size(), names.toString());
            }
        }
    }

    /** A task's exception reaches the caller after the other tasks are done, and the workers stay usable. */
    @ParameterizedTest(name = "spin {0}")
    @CsvSource({"true", "false"})
    void failuresReachTheCaller(boolean spin) {
        try (Workers workers = new Workers(2, spin)) {
            IllegalArgumentException boom = new IllegalArgumentException("task 3");
            AtomicIntegerArray counts = new AtomicIntegerArray(8);
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, () -> workers.run(8, i -> {
                counts.incrementAndGet(i);
                if (i == 3) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            int[] after = new int[1];
            workers.run(5, i -> {
                synchronized (after) {
                    after[0] += i;
                }
            });
            assertEquals(10, after[0]);
        }
    }

    @org.junit.jupiter.api.Test
    void aClosedPoolRefusesJobs() {
        Workers workers = new Workers(2, true);
        workers.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> workers.run(4, i -> {}));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    private static void busy(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
