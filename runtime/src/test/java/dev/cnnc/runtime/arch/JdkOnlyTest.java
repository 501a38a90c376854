package dev.cnnc.runtime.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runtime, on which generated code and users' programs depend, needs the JDK alone and has no package cycle. */
class JdkOnlyTest {
    private static JavaClasses runtime;

    @BeforeAll
    static void importClasses() {
        runtime = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cnnc.runtime");
    }

    @Test
    void theRuntimeDependsOnTheJdkAlone() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax..", "jdk..", "dev.cnnc.runtime..")
                .check(runtime);
    }

    @Test
    void noPackageCyclesInTheRuntime() {
        slices().matching("dev.cnnc.runtime.(**)").should().beFreeOfCycles().check(runtime);
    }
}
