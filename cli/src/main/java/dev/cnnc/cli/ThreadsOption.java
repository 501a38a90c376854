package dev.cnnc.cli;

import picocli.CommandLine.Option;

/** {@code --threads N}, for the commands that train or evaluate. */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N",
            description = "Threads (default: available processors; results do not depend on it).")
    Integer threads;

    /** The thread count to use. */
    int count() {
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new Main.UserException("--threads must be at least 1", Main.USAGE);
        }
        return n;
    }
}
