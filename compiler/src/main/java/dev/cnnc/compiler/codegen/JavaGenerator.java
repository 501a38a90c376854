package dev.cnnc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import dev.cnnc.compiler.ir.Model;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the Java sources of a checked model: one class per layer in the sub-package named after
 * the model ({@code P.mnistcnn.Conv2d1}), and the model class ({@code P.MnistCnn}). Pure: output
 * depends on the model and the arguments alone (same input, same bytes) and nothing is written.
 */
public final class JavaGenerator {
    private JavaGenerator() {}

    /**
     * @param pkg the model class's package ({@link Names#packageOf})
     * @param inputGradient also compute the gradient of the model's input in backward passes
     * @param backend the layer generators to use
     */
    public static List<GeneratedFile> generate(Model model, String pkg, boolean inputGradient, Backend backend) {
        String layerPkg = Names.layerPackage(pkg, model.name());
        List<LayerSite> sites = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            sites.add(new LayerSite(model, i, ClassName.get(layerPkg, Names.layerClass(model.layers().get(i))),
                    inputGradient, backend));
        }
        List<GeneratedFile> files = new ArrayList<>();
        for (LayerSite site : sites) {
            files.add(file(model, layerPkg, site.generate(), site.layer().name()));
        }
        ClassName modelClass = ClassName.get(pkg, model.name());
        files.add(file(model, pkg, new ModelGenerator(model, modelClass, sites, inputGradient).generate(), null));
        return files;
    }

    private static GeneratedFile file(Model model, String pkg, TypeSpec type, String layerName) {
        String text = JavaFile.builder(pkg, type)
                .addFileComment("$L", Names.fileComment(model))
                .skipJavaLangImports(true)
                .indent("    ")
                .build()
                .toString();
        return new GeneratedFile(pkg, type.name(), text, layerName);
    }
}
