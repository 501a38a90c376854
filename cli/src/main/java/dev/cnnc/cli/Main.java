package dev.cnnc.cli;

import dev.cnnc.compiler.syntax.Script;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cnnc} command. Exit codes: 0 success, 1 errors in the model, 2 bad usage or an
 * unreadable file, 3 an internal error.
 */
@Command(name = "cnnc",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Compiles Keras-like .cnn files into specialized Java code, and trains the result.",
        subcommands = {CommandLine.HelpCommand.class, CheckCommand.class, SummaryCommand.class, GenerateCommand.class,
                ShowCommand.class, TrainCommand.class, EvaluateCommand.class, PredictCommand.class,
                VisualizeCommand.class, ReportCommand.class, ImportCommand.class, ExportCommand.class, BenchCommand.class},
        footer = {"", "Exit codes: 0 success, 1 errors in the model, 2 bad usage or unreadable file.",
                "Run 'cnnc help COMMAND' for a command's options."})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int MODEL_ERRORS = 1;
    public static final int USAGE = 2;
    public static final int INTERNAL = 3;
    public static final int OUT_OF_MEMORY = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Sources.options = Script.Options.DEFAULT; // --image-data-format of an earlier run must not carry over
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> failure(e, commandLine.getErr()));
        cl.setParameterExceptionHandler((e, args1) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("cnnc: " + e.getMessage());
            c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            return outOfMemory(err);
        }
    }

    /**
     * The message and exit code of a command that threw: a {@link UserException}'s message; out of
     * memory (in a training thread too: the cause of what it threw) as such; anything else as a bug.
     */
    static int failure(Exception e, PrintWriter err) {
        if (e instanceof UserException u) {
            err.println("cnnc: " + u.getMessage());
            return u.exitCode();
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return outOfMemory(err);
            }
        }
        err.println("cnnc: internal error: " + e + "\nThis is a bug in cnnc; please report it with the input that caused it.");
        return INTERNAL;
    }

    /** What to do when the heap is too small: no stack trace, the heap's size and how to raise it. */
    static int outOfMemory(PrintWriter err) {
        long mb = Runtime.getRuntime().maxMemory() >> 20;
        err.println("cnnc: out of memory: the Java heap holds at most " + mb + " MB, too little for this model and its data."
                + "\nGive the JVM more, for example CNNC_JAVA_OPTS=-Xmx4g ./cnnc ..., or java -Xmx4g -jar cnnc.jar ..."
                + "\nAn image folder larger than the heap can be read through the memory-mapped cache (--cache=yes).");
        return OUT_OF_MEMORY;
    }

    /** A problem the user can fix (an unreadable file, a bad option value): printed without a trace. */
    static final class UserException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        UserException(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"cnnc " + (v == null ? "(development build)" : v)};
        }
    }
}
