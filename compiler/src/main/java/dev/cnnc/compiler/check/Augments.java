package dev.cnnc.compiler.check;

import dev.cnnc.compiler.diag.Diagnostics;
import dev.cnnc.compiler.ir.Augment;
import dev.cnnc.compiler.ir.DataFormat;
import dev.cnnc.compiler.syntax.Ast;
import dev.cnnc.compiler.syntax.Ast.Call;
import dev.cnnc.compiler.syntax.Ast.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code augment(...)} and a pasted {@code ImageDataGenerator(...)}: Keras' data-augmentation
 * arguments (keras-preprocessing 1.0.5, as Keras 2.2.4 installs it), in Keras' positional order,
 * bound to an {@link Augment}. The transformations are supported; what would change evaluation
 * and prediction too (feature-wise or sample-wise normalisation, ZCA whitening, {@code rescale})
 * or needs Python ({@code preprocessing_function}) is a located error that says what to do instead.
 */
final class Augments {
    static final Signature SIGNATURE = Signature.of("augment")
            .optional("featurewise_center", "samplewise_center", "featurewise_std_normalization",
                    "samplewise_std_normalization", "zca_whitening", "zca_epsilon", "rotation_range",
                    "width_shift_range", "height_shift_range", "brightness_range", "shear_range", "zoom_range",
                    "channel_shift_range", "fill_mode", "cval", "horizontal_flip", "vertical_flip", "rescale",
                    "preprocessing_function", "data_format", "validation_split")
            .keywordOnly("dtype").build();

    static final List<String> FILL_MODES = List.of("nearest", "constant", "reflect", "wrap");

    private Augments() {
    }

    /** Binds {@code call} (named {@code augment} or {@code ImageDataGenerator}); null if it is wrong. */
    static Augment bind(Call call, Diagnostics diagnostics) {
        Args a = SIGNATURE.bind(call, diagnostics);
        for (String name : List.of("featurewise_center", "samplewise_center", "featurewise_std_normalization",
                "samplewise_std_normalization", "zca_whitening")) {
            if (a.bool(name, false)) {
                a.error(name, name + " is not supported: it would change the inputs of evaluation and prediction "
                        + "too; normalise the data before training instead");
            }
        }
        a.numberOrNone("zca_epsilon", 1e-6, 0, Double.MAX_VALUE);
        if (a.has("brightness_range") && !(a.value("brightness_range") instanceof Ast.NoneValue)) {
            a.error("brightness_range", "brightness_range is not supported (Keras applies it through PIL); "
                    + "channel_shift_range shifts every value of an image instead");
        }
        rescale(a);
        if (a.has("preprocessing_function") && !(a.value("preprocessing_function") instanceof Ast.NoneValue)) {
            a.error("preprocessing_function", "preprocessing_function is not supported: cnnc cannot compile Python code");
        }
        if (a.numberOrNone("validation_split", 0, 0, 0.99) != 0) {
            a.error("validation_split", "augment's validation_split is not supported: use fit(validation_split=...) "
                    + "or cnnc train --validation-split");
        }
        String dtype = a.has("dtype") && !(a.value("dtype") instanceof Ast.NoneValue)
                ? a.choice("dtype", "float32", List.of("float32")) : "float32";
        assert dtype.equals("float32");

        double rotation = a.number("rotation_range", 0, 0, Double.MAX_VALUE);
        Augment.Shift width = shift(a, "width_shift_range");
        Augment.Shift height = shift(a, "height_shift_range");
        double shear = a.number("shear_range", 0, 0, Double.MAX_VALUE);
        double[] zoom = zoom(a);
        double channelShift = a.number("channel_shift_range", 0, 0, Double.MAX_VALUE);
        String fillMode = a.choice("fill_mode", "nearest", FILL_MODES);
        double cval = a.number("cval", 0, -Double.MAX_VALUE, Double.MAX_VALUE);
        boolean horizontal = a.bool("horizontal_flip", false);
        boolean vertical = a.bool("vertical_flip", false);
        DataFormat format = a.dataFormat("data_format");
        if (!a.ok()) {
            return null;
        }
        return new Augment(call.nameSpan(), rotation, width, height, shear, zoom[0], zoom[1], channelShift, horizontal,
                vertical, fillMode, cval, format);
    }

    private static void rescale(Args a) {
        Value v = a.value("rescale");
        if (v == null || v instanceof Ast.NoneValue) {
            return;
        }
        Double factor = numberOf(v);
        if (factor != null && Math.abs(factor - 1.0 / 255) < 1e-9) {
            a.diagnostics().warning(v.span(), "rescale=" + v.text() + " is ignored: cnnc already scales image bytes "
                    + "to value / 255");
        } else {
            a.error("rescale", "rescale is not supported: cnnc scales image bytes to value / 255 and takes float data "
                    + "as it is");
        }
    }

    /** Keras' three forms of a shift range: a float, an int, or a list of numbers. */
    private static Augment.Shift shift(Args a, String name) {
        Value v = a.value(name);
        if (v == null) {
            return Augment.Shift.NONE;
        }
        if (v instanceof Ast.IntValue i) {
            if (i.value() < 0 || i.value() > Args.MAX_DIMENSION) {
                a.error(name, name + " must be between 0 and " + Args.MAX_DIMENSION + " pixels, found " + i.value());
                return Augment.Shift.NONE;
            }
            return new Augment.Shift(Augment.Shift.Form.PIXELS, i.value(), List.of());
        }
        if (v instanceof Ast.FloatValue) {
            double r = a.number(name, 0, 0, Double.MAX_VALUE);
            return new Augment.Shift(Augment.Shift.Form.UNIFORM, r, List.of());
        }
        List<Value> items = Args.items(v);
        if (items != null && !items.isEmpty()) {
            List<Double> values = new ArrayList<>();
            for (Value item : items) {
                Double x = numberOf(item);
                if (x == null || !Double.isFinite(x)) {
                    a.diagnostics().error(item.span(), name + " must be a float, an int or a list of numbers, found "
                            + Args.describe(item) + " in the list");
                    a.invalidate(name);
                    return Augment.Shift.NONE;
                }
                values.add(x);
            }
            return new Augment.Shift(Augment.Shift.Form.LIST, 0, values);
        }
        a.error(name, name + " must be a float (a fraction of the size if below 1, else pixels), an int (pixels) "
                + "or a list of numbers, found " + Args.describe(v));
        return Augment.Shift.NONE;
    }

    /** {@code zoom_range}: a float {@code z} gives {@code [1 - z, 1 + z]}; or {@code [low, high]}. */
    private static double[] zoom(Args a) {
        Value v = a.value("zoom_range");
        double[] none = {1, 1};
        if (v == null) {
            return none;
        }
        Double z = numberOf(v);
        if (z != null) {
            if (!(z >= 0 && z < 1)) {
                a.error("zoom_range", "zoom_range must be at least 0 and below 1 (the zoom is drawn from "
                        + "[1 - zoom_range, 1 + zoom_range]), found " + v.text());
                return none;
            }
            return new double[] {1 - z, 1 + z};
        }
        List<Value> items = Args.items(v);
        if (items != null && items.size() == 2) {
            Double low = numberOf(items.get(0));
            Double high = numberOf(items.get(1));
            if (low != null && high != null) {
                if (!(low > 0 && low <= high && Double.isFinite(high))) {
                    a.error("zoom_range", "zoom_range [low, high] needs 0 < low <= high, found " + v.text());
                    return none;
                }
                return new double[] {low, high};
            }
        }
        a.error("zoom_range", "zoom_range must be a float or a list of two floats [low, high] (as Keras), found "
                + Args.describe(v));
        return none;
    }

    /** An int or float literal's value; null for anything else. */
    private static Double numberOf(Value v) {
        if (v instanceof Ast.IntValue i) {
            return (double) i.value();
        }
        if (v instanceof Ast.FloatValue f) {
            return f.value();
        }
        return null;
    }
}
