package dev.cnnc.maven;

import java.io.File;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles the {@code .cnn} models of {@code testSourceDirectory} into Java sources in {@code
 * testOutputDirectory}, and adds that directory to the test compile source roots.
 */
@Mojo(name = "generate-test", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true)
public class GenerateTestMojo extends AbstractCnncMojo {

    /** Where the test models are. */
    @Parameter(defaultValue = "${project.basedir}/src/test/cnn", required = true)
    private File testSourceDirectory;

    /**
     * Where their Java sources go (a test compile source root).
     * The goal owns this directory: files in it that carry cnnc's header but that its models no
     * longer produce are deleted, so give each execution a directory of its own.
     */
    @Parameter(defaultValue = "${project.build.directory}/generated-test-sources/cnn", required = true)
    private File testOutputDirectory;

    /** Where the weights of imported Keras models ({@code .h5}) go: a test resource root. */
    @Parameter(defaultValue = "${project.build.directory}/generated-test-resources/cnn", required = true)
    private File testResourceDirectory;

    /** Skipped with the test compilation ({@code -Dmaven.test.skip}). */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    private boolean skipTestCompilation;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip || skipTestCompilation) {
            getLog().info("cnnc: skipped (" + (skip ? "cnnc.skip" : "maven.test.skip") + ")");
            return;
        }
        generate("generate-test", testSourceDirectory, testOutputDirectory, testResourceDirectory);
        if (testResourceDirectory.isDirectory()) {
            org.apache.maven.model.Resource resource = new org.apache.maven.model.Resource();
            resource.setDirectory(testResourceDirectory.getAbsolutePath());
            project.addTestResource(resource);
        }
        project.addTestCompileSourceRoot(testOutputDirectory.getAbsolutePath());
    }
}
