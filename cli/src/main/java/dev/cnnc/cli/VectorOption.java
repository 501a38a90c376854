package dev.cnnc.cli;

import picocli.CommandLine.Option;

/** {@code --vector}, for the commands that run a model. */
final class VectorOption {
    @Option(names = "--vector", description = {"Use the Vector API variant of the generated code (much faster; needs",
            "--add-modules jdk.incubator.vector, which ./cnnc adds)."})
    boolean vector;
}
