package dev.cnnc.runtime.train;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed set of threads that run tasks {@code 0 .. n-1} of a job and wait for all of them. The
 * calling thread takes part. Which thread runs which task varies; callers make results independent
 * of that (each task writes only its own buffers).
 */
final class Workers implements AutoCloseable {
    private final Thread[] threads;
    private final Object lock = new Object();
    private final AtomicInteger next = new AtomicInteger();
    private IntConsumer job;
    private int tasks;
    private long generation;
    private int running;
    private boolean closed;
    private Throwable failure;

    Workers(int threadCount) {
        if (threadCount < 1) {
            throw new IllegalArgumentException("threads must be at least 1, found " + threadCount);
        }
        threads = new Thread[threadCount - 1];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(this::loop, "cnnc-worker-" + (i + 1));
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
        synchronized (lock) {
            job = work;
            tasks = taskCount;
            next.set(0);
            failure = null;
            running = threads.length;
            generation++;
            lock.notifyAll();
        }
        Throwable mine = null;
        try {
            drain(work, taskCount);
        } catch (Throwable t) {
            mine = t;
        }
        synchronized (lock) {
            while (running > 0) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for workers", e);
                }
            }
            job = null;
            if (mine == null) {
                mine = failure;
            }
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

    private void drain(IntConsumer work, int taskCount) {
        int i;
        while ((i = next.getAndIncrement()) < taskCount) {
            work.accept(i);
        }
    }

    private void loop() {
        long seen = 0;
        while (true) {
            IntConsumer work;
            int taskCount;
            synchronized (lock) {
                while (generation == seen && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                seen = generation;
                work = job;
                taskCount = tasks;
            }
            Throwable t = null;
            try {
                drain(work, taskCount);
            } catch (Throwable e) {
                t = e;
            }
            synchronized (lock) {
                if (t != null && failure == null) {
                    failure = t;
                }
                if (--running == 0) {
                    lock.notifyAll();
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }
}
