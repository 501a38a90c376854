package dev.cnnc.interop.keras;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.cnnc.interop.InteropException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A functional model's layers in order, if they form one chain from its input to its output (what
 * {@code Model(inputs, outputs)} gives for a stack written in the functional style); anything else is
 * refused with the reason: the layer that takes two inputs, or the one whose output feeds two layers.
 */
final class Chain {
    private Chain() {}

    static List<JsonObject> of(ConfigToCnn c, JsonObject config) throws InteropException {
        JsonElement layersJson = config.get("layers");
        if (layersJson == null || !layersJson.isJsonArray()) {
            throw c.failAt("model_config", "a functional model's config has no list of layers");
        }
        List<JsonObject> layers = c.objects(layersJson.getAsJsonArray(), "model_config: layers");
        Map<String, Integer> byName = new HashMap<>();
        Map<String, String> next = new HashMap<>();
        String first = null;
        for (int i = 0; i < layers.size(); i++) {
            JsonObject layer = layers.get(i);
            String where = "model_config: layers[" + i + "]";
            String name = c.string(layer, "name", where);
            String cls = c.string(layer, "class_name", where);
            where += " '" + name + "' (" + cls + ")";
            byName.put(name, i);
            List<String> inputs = inputs(c, layer.get("inbound_nodes"), where);
            if (inputs.isEmpty()) {
                if (first != null) {
                    throw c.failAt(where, "functional models with several inputs are not supported (the model "
                            + "also starts at '" + first + "')");
                }
                first = name;
            } else if (inputs.size() > 1) {
                throw c.failAt(where, "functional models with branches are not supported: this layer takes "
                        + inputs.size() + " inputs (" + String.join(", ", inputs) + "); cnnc compiles one chain of layers");
            } else {
                String previous = next.put(inputs.get(0), name);
                if (previous != null) {
                    throw c.failAt(where, "functional models with branches are not supported: the output of '"
                            + inputs.get(0) + "' feeds both '" + previous + "' and '" + name + "'");
                }
            }
        }
        if (first == null) {
            throw c.failAt("model_config", "the functional model has no input layer");
        }
        List<JsonObject> chain = new ArrayList<>();
        for (String at = first; at != null; at = next.get(at)) {
            Integer index = byName.get(at);
            if (index == null) {
                throw c.failAt("model_config", "a layer's input '" + at + "' is not a layer of the model");
            }
            chain.add(layers.get(index));
            if (chain.size() > layers.size()) {
                throw c.failAt("model_config", "the layers' inbound_nodes form a loop");
            }
        }
        if (chain.size() != layers.size()) {
            throw c.failAt("model_config", "functional models with branches are not supported: " + (layers.size()
                    - chain.size()) + " layers are not on the chain from '" + first + "' to the output");
        }
        return chain;
    }

    /** The names of the layers feeding {@code nodes} (Keras 2's [[[name, 0, 0, {}]]] form, or Keras 3's args form). */
    private static List<String> inputs(ConfigToCnn c, JsonElement nodes, String where) throws InteropException {
        List<String> out = new ArrayList<>();
        if (nodes == null || nodes.isJsonNull()) {
            return out;
        }
        if (!nodes.isJsonArray()) {
            throw c.failAt(where, "inbound_nodes is not a list");
        }
        JsonArray list = nodes.getAsJsonArray();
        if (list.size() > 1) {
            throw c.failAt(where, "functional models with shared layers are not supported: this layer is called "
                    + list.size() + " times");
        }
        for (JsonElement node : list) {
            collect(node, out);
        }
        return out;
    }

    private static void collect(JsonElement e, List<String> out) {
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (a.size() >= 3 && a.get(0).isJsonPrimitive() && a.get(0).getAsJsonPrimitive().isString()
                    && a.get(1).isJsonPrimitive()) {
                out.add(a.get(0).getAsString());
                return;
            }
            for (JsonElement x : a) {
                collect(x, out);
            }
        } else if (e.isJsonObject()) {
            JsonObject o = e.getAsJsonObject();
            if (o.has("keras_history") && o.get("keras_history").isJsonArray()) {
                out.add(o.getAsJsonArray("keras_history").get(0).getAsString());
                return;
            }
            for (Map.Entry<String, JsonElement> x : o.entrySet()) {
                if (x.getKey().equals("args") || x.getKey().equals("config")) {
                    collect(x.getValue(), out);
                }
            }
        }
    }
}
