package dev.cnnc.maven;

import java.io.File;
import java.io.IOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** Checks the models of {@code sourceDirectory} and prints each one's Keras-style summary table: {@code mvn cnnc:summary}. */
@Mojo(name = "summary", threadSafe = true)
public class SummaryMojo extends AbstractCnncMojo {

    /** Where the models are. */
    @Parameter(defaultValue = "${project.basedir}/src/main/cnn", required = true)
    private File sourceDirectory;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("cnnc: skipped (cnnc.skip)");
            return;
        }
        try {
            build(sourceDirectory, null).summaries();
        } catch (CnncException e) {
            throw new MojoFailureException(e.getMessage());
        } catch (IOException e) {
            throw new MojoExecutionException("cnnc: cannot read " + sourceDirectory + ": " + e, e);
        }
    }
}
