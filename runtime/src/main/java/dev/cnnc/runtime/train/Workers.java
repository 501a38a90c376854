package dev.cnnc.runtime.train;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of threads that run tasks {@code 0 .. n-1} of a job and wait for all of them. The
 * calling thread takes part. Which thread runs which task varies; callers make results independent
 * of that (each task writes only its own buffers).
 *
 * <p>A training step is three or more jobs a few milliseconds long with microseconds between them, so
 * the threads spin for a while ({@link #SPIN_NANOS}) before they sleep, both the workers waiting for
 * the next job and the caller waiting for the workers: waking a sleeping thread costs tens to hundreds
 * of microseconds on a virtual machine, which measured 5-6 % of a two-thread MNIST step. Threads spin
 * only when there are no more of them than processors, so that a spinning thread never takes a core
 * from a working one.
 */
final class Workers implements AutoCloseable {
    /** A task that knows which thread runs it: 0 for the caller, 1 to {@code size() - 1} for the workers. */
    @FunctionalInterface
    interface Task {
        void run(int task, int thread);
    }

    /** How long an idle thread spins before it sleeps. */
    static final long SPIN_NANOS = 500_000;

    private final Thread[] threads;
    /** Each worker's flag: it is about to sleep or sleeping, and must be woken for the next job. */
    private final AtomicInteger[] asleep;
    private final boolean spin;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** The job (one of the two kinds), its task count and the caller are written before {@link #generation} is published. */
    private IntConsumer job;
    private Task task;
    private int tasks;
    private volatile Thread caller;
    private volatile boolean callerAsleep;
    private volatile long generation;
    private volatile boolean closed;

    Workers(int threadCount) {
        this(threadCount, threadCount <= Runtime.getRuntime().availableProcessors());
    }

    /** {@code spin}: whether idle threads spin before they sleep (tests force both ways). */
    Workers(int threadCount, boolean spin) {
        if (threadCount < 1) {
            throw new IllegalArgumentException("threads must be at least 1, found " + threadCount);
        }
        this.spin = spin;
        threads = new Thread[threadCount - 1];
        asleep = new AtomicInteger[threads.length];
        for (int i = 0; i < threads.length; i++) {
            int index = i;
            asleep[i] = new AtomicInteger();
            threads[i] = new Thread(() -> loop(index), "cnnc-worker-" + (i + 1));
            threads[i].setDaemon(true);
            threads[i].start();
        }
    }

    int size() {
        return threads.length + 1;
    }

    /** Runs {@code job} for every task index in {@code [0, taskCount)} and returns when all are done. */
    void run(int taskCount, IntConsumer work) {
        if (threads.length == 0 || taskCount == 1) {
            for (int i = 0; i < taskCount; i++) {
                work.accept(i);
            }
            return;
        }
        start(taskCount, work, null);
    }

    /**
     * Runs {@code work} for every task index in {@code [0, taskCount)}, telling each which thread runs it (so that
     * a thread can keep buffers of its own across tasks), and returns when all are done.
     */
    void run(int taskCount, Task work) {
        if (threads.length == 0 || taskCount == 1) {
            for (int i = 0; i < taskCount; i++) {
                work.run(i, 0);
            }
            return;
        }
        start(taskCount, null, work);
    }

    private void start(int taskCount, IntConsumer work, Task indexed) {
        if (closed) {
            throw new IllegalStateException("the workers are closed");
        }
        job = work;
        task = indexed;
        tasks = taskCount;
        next.set(0);
        failure.set(null);
        running.set(threads.length);
        caller = Thread.currentThread();
        generation = generation + 1; // publishes the fields above
        for (int i = 0; i < threads.length; i++) {
            if (asleep[i].get() != 0) {
                LockSupport.unpark(threads[i]);
            }
        }
        Throwable mine = null;
        try {
            drain(work, indexed, taskCount, 0);
        } catch (Throwable t) {
            mine = t;
        }
        awaitWorkers();
        job = null;
        task = null;
        if (mine == null) {
            mine = failure.get();
        }
        if (mine instanceof RuntimeException r) {
            throw r;
        }
        if (mine instanceof Error e) {
            throw e;
        }
        if (mine != null) {
            throw new IllegalStateException(mine);
        }
    }

    /** Waits until every worker has finished the current job: spins, then sleeps until the last one wakes it. */
    private void awaitWorkers() {
        long deadline = spin ? System.nanoTime() + SPIN_NANOS : 0;
        while (running.get() > 0 && spin && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        if (running.get() == 0) {
            return;
        }
        callerAsleep = true;
        boolean interrupted = false;
        while (running.get() > 0) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        callerAsleep = false;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void drain(IntConsumer work, Task indexed, int taskCount, int thread) {
        int i;
        while ((i = next.getAndIncrement()) < taskCount) {
            if (work != null) {
                work.accept(i);
            } else {
                indexed.run(i, thread);
            }
        }
    }

    private void loop(int index) {
        long seen = 0;
        while (true) {
            long current = awaitJob(index, seen);
            if (current < 0) {
                return;
            }
            seen = current;
            try {
                drain(job, task, tasks, index + 1);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
            if (running.decrementAndGet() == 0 && callerAsleep) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** The generation of the next job after {@code seen}, or -1 once closed: spins, then sleeps until woken. */
    private long awaitJob(int index, long seen) {
        long deadline = spin ? System.nanoTime() + SPIN_NANOS : 0;
        while (generation == seen && !closed && spin && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        // The flag is raised before the last check, and run() reads it after publishing a job: either
        // this thread sees the job, or run() sees the flag and wakes it.
        asleep[index].set(1);
        while (generation == seen && !closed) {
            LockSupport.park(this);
            Thread.interrupted(); // nobody interrupts a worker; a stray interrupt must not turn park into a spin
        }
        asleep[index].set(0);
        return closed ? -1 : generation;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
    }
}
