package dev.cnnc.maven;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** The parameters every cnnc goal shares; the work itself is {@link CnncBuild}'s. */
abstract class AbstractCnncMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** Ant patterns of the model files to compile, relative to the source directory. Default: {@code **}{@code /*.cnn} and {@code **}{@code /*.py} (pasted Keras scripts). */
    @Parameter
    protected List<String> includes;

    /** Ant patterns of files to leave out. */
    @Parameter
    protected List<String> excludes;

    /**
     * The Java package of models that have no {@code package} line and lie directly in the source
     * directory. (A model's {@code package} line comes first, then its folder below the source
     * directory: {@code com/example/Net.cnn} goes to {@code com.example}.)
     */
    @Parameter(property = "cnnc.packageName")
    protected String packageName;

    /** Skip the goal. */
    @Parameter(property = "cnnc.skip", defaultValue = "false")
    protected boolean skip;

    /** Fail the build on warnings too. */
    @Parameter(property = "cnnc.failOnWarning", defaultValue = "false")
    protected boolean failOnWarning;

    /** Generate models whose backward pass also computes the gradient of their input. */
    @Parameter(property = "cnnc.inputGradient", defaultValue = "false")
    protected boolean inputGradient;

    /**
     * The layers' code: {@code auto} (the default) gives each layer the Vector API speeds up both its
     * portable and its Vector API code, and the model runs the fast one where the JVM has
     * {@code --add-modules jdk.incubator.vector} and the portable one elsewhere; {@code vector} only the
     * Vector API code; {@code portable} only plain Java. Compiling {@code auto} and {@code vector} code
     * needs {@code --add-modules jdk.incubator.vector} in the compiler plugin's {@code compilerArgs}.
     */
    @Parameter(property = "cnnc.variant", defaultValue = "auto")
    protected String variant;

    /**
     * What {@code K.image_data_format()} returns in a pasted Keras script, and the data format of layers
     * that name none: {@code channels_last} (Keras' default) or {@code channels_first}.
     */
    @Parameter(property = "cnnc.imageDataFormat", defaultValue = "channels_last")
    protected String imageDataFormat;

    /** {@code true} is {@code <variant>vector</variant>} (kept from the first version). */
    @Parameter(property = "cnnc.vector", defaultValue = "false")
    protected boolean vector;

    /** Where the goals remember what they generated, to do nothing when nothing changed. */
    @Parameter(defaultValue = "${project.build.directory}/maven-status/cnnc", readonly = true, required = true)
    protected File statusDirectory;

    @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
    protected File buildDirectory;

    protected CnncBuild build(File sourceDirectory, File outputDirectoryOrNull) throws MojoFailureException {
        List<java.nio.file.Path> skipped = outputDirectoryOrNull == null ? List.of(buildDirectory.toPath())
                : List.of(buildDirectory.toPath(), outputDirectoryOrNull.toPath());
        return new CnncBuild(new CnncBuild.Config(sourceDirectory.toPath(), includes, excludes, skipped, packageName,
                inputGradient, failOnWarning, variant(), scriptOptions()), new MavenBuildLog(getLog()));
    }

    /** {@code imageDataFormat} as the compiler takes it; another value fails the build with the two it takes. */
    private dev.cnnc.compiler.syntax.Script.Options scriptOptions() throws MojoFailureException {
        String format = imageDataFormat == null ? "channels_last" : imageDataFormat.trim();
        return switch (format) {
            case "channels_last" -> dev.cnnc.compiler.syntax.Script.Options.DEFAULT;
            case "channels_first" -> new dev.cnnc.compiler.syntax.Script.Options(true);
            default -> throw new MojoFailureException("cnnc: imageDataFormat '" + imageDataFormat
                    + "' is not channels_last or channels_first");
        };
    }

    /** The configured variant; an unknown name fails the build with the names it takes. */
    private dev.cnnc.compiler.CnnCompiler.Variant variant() throws MojoFailureException {
        if (vector) {
            return dev.cnnc.compiler.CnnCompiler.Variant.VECTOR;
        }
        for (dev.cnnc.compiler.CnnCompiler.Variant v : dev.cnnc.compiler.CnnCompiler.Variant.values()) {
            if (v.option().equals(variant == null ? "auto" : variant.trim())) {
                return v;
            }
        }
        throw new MojoFailureException("cnnc: unknown variant '" + variant + "': use auto, vector or portable");
    }

    /** Generates the models of {@code sourceDirectory} into {@code outputDirectory}; user errors fail without a stack trace. */
    protected void generate(String goal, File sourceDirectory, File outputDirectory, File resourceDirectory)
            throws MojoExecutionException, MojoFailureException {
        try {
            build(sourceDirectory, outputDirectory).generate(outputDirectory.toPath(),
                    statusDirectory.toPath().resolve(goal + ".status"), resourceDirectory.toPath());
        } catch (CnncException e) {
            throw new MojoFailureException(e.getMessage());
        } catch (IOException e) {
            throw new MojoExecutionException("cnnc: cannot generate " + outputDirectory + ": " + e, e);
        }
    }
}
