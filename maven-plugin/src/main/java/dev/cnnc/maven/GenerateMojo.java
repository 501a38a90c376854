package dev.cnnc.maven;

import java.io.File;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles the {@code .cnn} models of {@code sourceDirectory} into Java sources in {@code
 * outputDirectory}, and adds that directory to the compile source roots. Does nothing when no model
 * and no parameter changed since the last successful run.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractCnncMojo {

    /** Where the models are. */
    @Parameter(defaultValue = "${project.basedir}/src/main/cnn", required = true)
    private File sourceDirectory;

    /**
     * Where the Java sources go (a compile source root).
     * The goal owns this directory: files in it that carry cnnc's header but that its models no
     * longer produce are deleted, so give each execution a directory of its own.
     */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/cnn", required = true)
    private File outputDirectory;

    /**
     * Where the weights of imported Keras models ({@code .h5} files in {@code sourceDirectory}) go, in the
     * package of their model class (a resource root, so they end up beside the class in the jar).
     */
    @Parameter(defaultValue = "${project.build.directory}/generated-resources/cnn", required = true)
    private File resourceDirectory;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("cnnc: skipped (cnnc.skip)");
            return;
        }
        generate("generate", sourceDirectory, outputDirectory, resourceDirectory);
        project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
        if (resourceDirectory.isDirectory()) {
            org.apache.maven.model.Resource resource = new org.apache.maven.model.Resource();
            resource.setDirectory(resourceDirectory.getAbsolutePath());
            project.addResource(resource);
        }
    }
}
