package dev.cnnc.compiler.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compiler's layering, enforced on its class files (docs/architecture.md draws it): the checked
 * model ({@code ir}) is plain data; code generation never reaches back into checking or binding;
 * no two packages depend on each other. Each rule fails the build when a change breaks it.
 */
class LayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.cnnc.compiler");
    }

    @Test
    void theIrKnowsNothingOfCodeGenerationCheckingOrBinding() {
        noClasses().that().resideInAPackage("dev.cnnc.compiler.ir..")
                .should().dependOnClassesThat().resideInAnyPackage("com.palantir.javapoet..", "dev.cnnc.compiler.codegen..",
                        "dev.cnnc.compiler.check..", "dev.cnnc.compiler.layers..", "dev.cnnc.compiler.syntax..",
                        "org.antlr..", "dev.cnnc.runtime..")
                .check(classes);
    }

    @Test
    void codeGenerationNeverImportsCheckingBindingOrSyntax() {
        noClasses().that().resideInAPackage("dev.cnnc.compiler.codegen..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cnnc.compiler.check..", "dev.cnnc.compiler.layers..",
                        "dev.cnnc.compiler.syntax..", "dev.cnnc.compiler.load..")
                .check(classes);
    }

    @Test
    void checkingDoesNotKnowTheLayerKindsNorCodeGeneration() {
        noClasses().that().resideInAPackage("dev.cnnc.compiler.check..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cnnc.compiler.layers..", "dev.cnnc.compiler.codegen..",
                        "com.palantir.javapoet..")
                .check(classes);
    }

    @Test
    void layerKindsBindAndInferShapesWithoutGeneratingCode() {
        noClasses().that().resideInAPackage("dev.cnnc.compiler.layers..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.cnnc.compiler.codegen..", "com.palantir.javapoet..")
                .check(classes);
    }

    @Test
    void thePortableBackendDoesNotDependOnTheVectorOne() {
        noClasses().that().resideInAPackage("dev.cnnc.compiler.codegen.portable..")
                .should().dependOnClassesThat().resideInAPackage("dev.cnnc.compiler.codegen.vector..")
                .check(classes);
    }

    @Test
    void noPackageCyclesInsideTheCompiler() {
        slices().matching("dev.cnnc.compiler.(**)").should().beFreeOfCycles().check(classes);
    }
}
