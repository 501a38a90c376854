#!/usr/bin/env python3
"""Writes Keras .h5 fixture files with h5py, in the layouts Keras itself writes, never with cnnc.

Layouts (see ../shared/research/keras-next.md section 1 and docs/interop.md):
  keras224  model.save of Keras 2.2.4: fixed-length string attributes, layer groups in model order,
            names counted from 1 (conv2d_1), weightless layers with an empty float64 weight_names;
  tfkeras   model.save of tf.keras 2.x: variable-length str attributes, an InputLayer in the layer
            list, names counted from 0 (conv2d, conv2d_1), layer groups in sorted order,
            top_level_model_weights, BatchNormalization axis as a list;
  weights   model.save_weights of Keras 2.2.4: the model_weights content at the root.

Every layer config carries all of its arguments with Keras' defaults filled in, as get_config() does.
Weights are random (seeded) except BatchNormalization's variances, which are positive.

Usage: keras_fixtures.py OUT_DIR   (writes OUT_DIR/<model>.<layout>.h5 and OUT_DIR/<model>.input.f32,
       random inputs of 8 examples as raw little-endian float32)
"""
import json
import os
import re
import sys

import h5py
import numpy as np

GLOROT = {"class_name": "VarianceScaling",
          "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
ZEROS = {"class_name": "Zeros", "config": {}}
ONES = {"class_name": "Ones", "config": {}}


def weighted(kernel="kernel"):
    return {"activation": "linear", "use_bias": True, kernel + "_initializer": GLOROT, "bias_initializer": ZEROS,
            kernel + "_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
            kernel + "_constraint": None, "bias_constraint": None}


def conv(filters, k, **kw):
    c = {"filters": filters, "kernel_size": [k, k], "strides": [1, 1], "padding": "valid",
         "data_format": "channels_last", "dilation_rate": [1, 1]}
    c.update(weighted())
    c.update(kw)
    return "Conv2D", c


def dense(units, **kw):
    c = {"units": units}
    c.update(weighted())
    c.update(kw)
    return "Dense", c


def pool(cls, size=2, strides=None, padding="valid", data_format="channels_last"):
    return cls, {"pool_size": [size, size], "padding": padding,
                 "strides": [strides or size, strides or size], "data_format": data_format}


def flatten(data_format="channels_last"):
    return "Flatten", {"data_format": data_format}


def bn():
    return "BatchNormalization", {"axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True,
                                  "beta_initializer": ZEROS, "gamma_initializer": ONES,
                                  "moving_mean_initializer": ZEROS, "moving_variance_initializer": ONES,
                                  "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None,
                                  "gamma_constraint": None}


def depthwise(k, multiplier, **kw):
    c = {"kernel_size": [k, k], "strides": [1, 1], "padding": "valid", "data_format": "channels_last",
         "depth_multiplier": multiplier, "activation": "linear", "use_bias": True,
         "depthwise_initializer": GLOROT, "bias_initializer": ZEROS, "depthwise_regularizer": None,
         "bias_regularizer": None, "activity_regularizer": None, "depthwise_constraint": None,
         "bias_constraint": None}
    c.update(kw)
    return "DepthwiseConv2D", c


def separable(filters, k, **kw):
    c = {"filters": filters, "kernel_size": [k, k], "strides": [1, 1], "padding": "valid",
         "data_format": "channels_last", "dilation_rate": [1, 1], "depth_multiplier": 1, "activation": "linear",
         "use_bias": True, "depthwise_initializer": GLOROT, "pointwise_initializer": GLOROT,
         "bias_initializer": ZEROS, "depthwise_regularizer": None, "pointwise_regularizer": None,
         "bias_regularizer": None, "activity_regularizer": None, "depthwise_constraint": None,
         "pointwise_constraint": None, "bias_constraint": None}
    c.update(kw)
    return "SeparableConv2D", c


def transpose(filters, k, **kw):
    cls, c = conv(filters, k, **kw)
    c.setdefault("output_padding", None)
    return "Conv2DTranspose", c


# Each model: input shape, layers (class, config).
MODELS = {
    "convs": ((11, 11, 3), [
        conv(4, 3, strides=[2, 2], padding="same", activation="relu"),
        conv(5, 3, dilation_rate=[2, 2], activation="tanh", use_bias=False),
        pool("MaxPooling2D", 2, padding="same"),
        flatten(),
        dense(6, activation="softmax"),
    ]),
    "batchnorm": ((9, 9, 2), [
        conv(4, 3, padding="same"),
        bn(),
        ("Activation", {"activation": "relu"}),
        pool("AveragePooling2D", 3, strides=2, padding="same"),
        ("GlobalAveragePooling2D", {"data_format": "channels_last"}),
        dense(3, activation="sigmoid"),
    ]),
    "separable": ((10, 10, 3), [
        depthwise(3, 2, strides=[2, 2], padding="same", activation="relu"),
        separable(6, 3, padding="same", depth_multiplier=2),
        ("ZeroPadding2D", {"padding": [[1, 2], [0, 1]], "data_format": "channels_last"}),
        ("Cropping2D", {"cropping": [[1, 0], [0, 2]], "data_format": "channels_last"}),
        ("LeakyReLU", {"alpha": 0.1}),
        ("ELU", {"alpha": 1.0}),  # TensorFlow.js supports only alpha=1
        ("GlobalMaxPooling2D", {"data_format": "channels_last"}),
        dense(4, activation="softmax"),
    ]),
    "upsampling": ((5, 6, 2), [
        transpose(3, 3, strides=[2, 2], padding="same"),
        ("UpSampling2D", {"size": [2, 1], "data_format": "channels_last", "interpolation": "nearest"}),
        ("ReLU", {"max_value": 0.8, "negative_slope": 0.0, "threshold": 0.0}),
        ("Reshape", {"target_shape": [40, 18, 1]}),
        ("Permute", {"dims": [2, 1, 3]}),
        flatten(),
        ("Dropout", {"rate": 0.5, "noise_shape": None, "seed": None}),
        dense(3, activation="softmax"),
    ]),
    "misc": ((6, 6, 2), [
        conv(3, 3, padding="same", kernel_initializer={"class_name": "VarianceScaling", "config": {
            "scale": 2.0, "mode": "fan_in", "distribution": "normal", "seed": None}},
            kernel_regularizer={"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}},
            kernel_constraint={"class_name": "MaxNorm", "config": {"max_value": 3, "axis": [0, 1, 2]}}),
        ("PReLU", {"alpha_initializer": ZEROS, "alpha_regularizer": None, "alpha_constraint": None,
                   "shared_axes": None}),
        ("GaussianNoise", {"stddev": 0.3}),
        ("ThresholdedReLU", {"theta": 0.2}),
        flatten(),
        ("GaussianDropout", {"rate": 0.2}),
        dense(5, bias_regularizer={"class_name": "L1L2", "config": {"l1": 0.001, "l2": 0.0}}),
        ("Softmax", {"axis": -1}),
    ]),
    "channelsfirst": ((2, 8, 7), [
        conv(3, 3, data_format="channels_first", activation="relu"),
        pool("MaxPooling2D", 2, data_format="channels_first"),
        flatten(data_format="channels_first"),
        dense(4, activation="softmax"),
    ]),
}


def snake(cls):
    """Keras' _to_snake_case (base_layer.py@2.2.4): Conv2D -> conv2d, MaxPooling2D -> max_pooling2d."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", cls)
    return re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()


def names(layers, first_index):
    counts = {}
    result = []
    for cls, _ in layers:
        prefix = snake(cls)
        n = counts.get(prefix, first_index)
        counts[prefix] = n + 1
        result.append(prefix if n == 0 else "%s_%d" % (prefix, n))
    return result


def shapes(cls, cfg, in_shape):
    """Weights (name, shape) in Keras' order, and the output shape (channels_last or _first as configured)."""
    cf = cfg.get("data_format") == "channels_first"
    h, w, c = (in_shape[1], in_shape[2], in_shape[0]) if cf and len(in_shape) == 3 else (in_shape + (0, 0, 0))[:3]

    def spatial(k, s, pad, d=1):
        if pad == "same":
            return -(-h // s), -(-w // s)
        return (h - (k - 1) * d - 1) // s + 1, (w - (k - 1) * d - 1) // s + 1

    def out3(oh, ow, oc):
        return (oc, oh, ow) if cf else (oh, ow, oc)

    if cls == "Conv2D":
        k, s, d = cfg["kernel_size"][0], cfg["strides"][0], cfg["dilation_rate"][0]
        oh, ow = spatial(k, s, cfg["padding"], d)
        ws = [("kernel", (k, k, c, cfg["filters"]))] + ([("bias", (cfg["filters"],))] if cfg["use_bias"] else [])
        return ws, out3(oh, ow, cfg["filters"])
    if cls == "Conv2DTranspose":
        k, s = cfg["kernel_size"][0], cfg["strides"][0]
        oh, ow = (h * s, w * s) if cfg["padding"] == "same" else (h * s + max(k - s, 0), w * s + max(k - s, 0))
        return [("kernel", (k, k, cfg["filters"], c)), ("bias", (cfg["filters"],))], out3(oh, ow, cfg["filters"])
    if cls == "DepthwiseConv2D":
        k, s, m = cfg["kernel_size"][0], cfg["strides"][0], cfg["depth_multiplier"]
        oh, ow = spatial(k, s, cfg["padding"])
        return [("depthwise_kernel", (k, k, c, m)), ("bias", (c * m,))], out3(oh, ow, c * m)
    if cls == "SeparableConv2D":
        k, s, m, f = cfg["kernel_size"][0], cfg["strides"][0], cfg["depth_multiplier"], cfg["filters"]
        oh, ow = spatial(k, s, cfg["padding"])
        return [("depthwise_kernel", (k, k, c, m)), ("pointwise_kernel", (1, 1, c * m, f)), ("bias", (f,))], \
            out3(oh, ow, f)
    if cls in ("MaxPooling2D", "AveragePooling2D"):
        oh, ow = spatial(cfg["pool_size"][0], cfg["strides"][0], cfg["padding"])
        return [], out3(oh, ow, c)
    if cls == "Dense":
        ws = [("kernel", (in_shape[-1], cfg["units"]))] + ([("bias", (cfg["units"],))] if cfg["use_bias"] else [])
        return ws, (cfg["units"],)
    if cls == "Flatten":
        return [], (int(np.prod(in_shape)),)
    if cls == "PReLU":
        return [("alpha", tuple(in_shape))], in_shape
    if cls == "BatchNormalization":
        n = in_shape[-1]
        return [("gamma", (n,)), ("beta", (n,)), ("moving_mean", (n,)), ("moving_variance", (n,))], in_shape
    if cls in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        return [], (c,)
    if cls == "ZeroPadding2D":
        (t, b), (l, r) = cfg["padding"]
        return [], (h + t + b, w + l + r, c)
    if cls == "Cropping2D":
        (t, b), (l, r) = cfg["cropping"]
        return [], (h - t - b, w - l - r, c)
    if cls == "UpSampling2D":
        return [], (h * cfg["size"][0], w * cfg["size"][1], c)
    if cls == "Reshape":
        return [], tuple(cfg["target_shape"])
    if cls == "Permute":
        return [], tuple(in_shape[d - 1] for d in cfg["dims"])
    return [], in_shape


def build(model, layout, rng):
    in_shape, layers = MODELS[model]
    tf = layout == "tfkeras"
    layer_names = names(layers, 0 if tf else 1)
    configs = []
    weights = {}
    shape = tuple(in_shape)
    for i, ((cls, cfg), name) in enumerate(zip(layers, layer_names)):
        cfg = dict(cfg)
        ws, out = shapes(cls, cfg, shape)
        full = {"name": name, "trainable": True}
        if tf:
            full["dtype"] = "float32"
            if cls == "BatchNormalization":
                cfg["axis"] = [len(shape)]
            if cls == "Conv2D":
                cfg["groups"] = 1
            for k, v in list(cfg.items()):
                if isinstance(v, dict) and v.get("class_name") == "VarianceScaling":
                    cfg[k] = {"class_name": "GlorotUniform", "config": {"seed": None}}
        elif i == 0:
            full["batch_input_shape"] = [None] + list(in_shape)
            full["dtype"] = "float32"
        full.update(cfg)
        configs.append({"class_name": cls, "config": full})
        values = []
        for wname, wshape in ws:
            v = rng.standard_normal(wshape).astype(np.float32) * np.float32(0.5)
            if wname == "moving_variance":
                v = np.abs(v) + np.float32(0.5)
            values.append((wname, v))
        weights[name] = values
        shape = out
    if tf:
        first = "%s_input" % layer_names[0]
        configs.insert(0, {"class_name": "InputLayer", "config": {
            "batch_input_shape": [None] + list(in_shape), "dtype": "float32", "sparse": False, "ragged": False,
            "name": first}})
    model_config = {"class_name": "Sequential", "config": {"name": "sequential" if tf else "sequential_1",
                                                           "layers": configs}}
    return model_config, layer_names, weights


TRAINING = {"optimizer_config": {"class_name": "RMSprop", "config": {
    "lr": 0.0010000000474974513, "rho": 0.8999999761581421, "decay": 0.0, "epsilon": 1e-07}},
    "loss": "categorical_crossentropy", "metrics": ["accuracy"], "sample_weight_mode": None, "loss_weights": None}


def fixed(s):
    return np.bytes_(s)


def write(path, model_config, layer_names, weights, layout, training=TRAINING):
    tf = layout == "tfkeras"
    with h5py.File(path, "w") as f:
        if layout != "weights":
            if tf:  # tf.keras 2.x: Python str, which h5py 3 stores as variable-length UTF-8
                f.attrs["keras_version"] = "2.9.0"
                f.attrs["backend"] = "tensorflow"
                f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
                f.attrs["training_config"] = json.dumps(training).encode("utf8")
            else:  # Keras 2.2.4 under h5py 2: variable-length ASCII (observed in a real 2.2.4 file)
                ascii = h5py.string_dtype(encoding="ascii")
                f.attrs.create("keras_version", b"2.2.4", dtype=ascii)
                f.attrs.create("backend", b"tensorflow", dtype=ascii)
                f.attrs.create("model_config", json.dumps(model_config).encode("utf8"), dtype=ascii)
                f.attrs.create("training_config", json.dumps(training).encode("utf8"), dtype=ascii)
            g = f.create_group("model_weights")
        else:
            g = f
        all_names = list(layer_names)
        if tf:
            all_names.insert(0, model_config["config"]["layers"][0]["config"]["name"])
        g.attrs["layer_names"] = np.array([n.encode("utf8") for n in all_names])
        g.attrs["backend"] = fixed("tensorflow")
        g.attrs["keras_version"] = fixed("2.9.0" if tf else "2.2.4")
        for name in (sorted(all_names) if tf else all_names):
            lg = g.create_group(name)
            ws = weights.get(name, [])
            if ws:
                lg.attrs["weight_names"] = np.array([("%s/%s:0" % (name, w)).encode("utf8") for w, _ in ws])
                for w, v in ws:
                    lg["%s/%s:0" % (name, w)] = v
            else:
                lg.attrs["weight_names"] = np.array([], dtype=np.float64)
        if tf:
            g.create_group("top_level_model_weights").attrs["weight_names"] = np.array([], dtype=np.float64)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for model in MODELS:
        rng = np.random.default_rng(sum(map(ord, model)))
        for layout in ("keras224", "tfkeras", "weights"):
            config, layer_names, weights = build(model, layout, np.random.default_rng(sum(map(ord, model))))
            write(os.path.join(out, "%s.%s.h5" % (model, layout)), config, layer_names, weights, layout)
        in_shape = MODELS[model][0]
        rng.standard_normal((8,) + tuple(in_shape)).astype("<f4").tofile(os.path.join(out, model + ".input.f32"))
    hostile_dir = os.path.join(out, "hostile")
    os.makedirs(hostile_dir, exist_ok=True)
    hostile(hostile_dir)



def hostile(out):
    """Files that are wrong in one way each, for HostileFilesTest (each beside a valid model.save layout)."""
    rng = np.random.default_rng(7)
    config, layer_names, weights = build("convs", "keras224", rng)

    def variant(name, mutate_config=None, mutate_file=None, attrs=None):
        cfg = json.loads(json.dumps(config))
        if mutate_config:
            mutate_config(cfg)
        path = os.path.join(out, name + ".h5")
        write(path, cfg, layer_names, weights, "keras224")
        if mutate_file:
            with h5py.File(path, "a") as f:
                mutate_file(f)

    def lam(cfg):
        cfg["config"]["layers"].insert(2, {"class_name": "Lambda", "config": {
            "name": "lambda_1", "trainable": True, "function": ["4wEA...", None, None], "function_type": "lambda"}})
    variant("lambda", lam)
    variant("unknown_class", lambda c: c["config"]["layers"][3].update({"class_name": "FancyLayer"}))
    variant("not_json", mutate_file=lambda f: f.attrs.modify("model_config", np.bytes_('{"class_name": "Seq')))
    variant("theano", mutate_file=lambda f: f.attrs.modify("backend", np.bytes_("theano")))
    variant("no_config", mutate_file=lambda f: f.attrs.__delitem__("model_config"))
    variant("missing_group", mutate_file=lambda f: f["model_weights"].__delitem__("dense_1"))

    def wrong_shape(f):
        del f["model_weights/conv2d_2/conv2d_2/kernel:0"]
        f["model_weights/conv2d_2/conv2d_2/kernel:0"] = np.zeros((3, 3, 4, 6), np.float32)
    variant("wrong_shape", mutate_file=wrong_shape)

    def wrong_dtype(f):
        del f["model_weights/dense_1/dense_1/bias:0"]
        f["model_weights/dense_1/dense_1/bias:0"] = np.zeros((6,), np.int32)
    variant("wrong_dtype", mutate_file=wrong_dtype)

    def huge(f):
        del f["model_weights/dense_1/dense_1/kernel:0"]
        f.create_dataset("model_weights/dense_1/dense_1/kernel:0", shape=(1 << 30, 1 << 20), dtype=np.float32)
    variant("huge", mutate_file=huge)

    def branches(cfg):
        layers = cfg["config"]["layers"]
        cfg["class_name"] = "Model"
        names = [l["config"]["name"] for l in layers]
        for i, l in enumerate(layers):
            l["name"] = l["config"]["name"]
            l["inbound_nodes"] = [] if i == 0 else [[[names[i - 1], 0, 0, {}]]]
        layers.append({"class_name": "Add", "name": "add_1", "config": {"name": "add_1", "trainable": True},
                       "inbound_nodes": [[[names[0], 0, 0, {}], [names[1], 0, 0, {}]]]})
    variant("branches", branches)
    with open(os.path.join(out, "..", "convs.keras224.h5"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "truncated.h5"), "wb") as f:
        f.write(data[:len(data) // 3])
    with open(os.path.join(out, "bad_superblock.h5"), "wb") as f:
        f.write(data[:8] + bytes([7]) + data[9:])  # superblock version 7 does not exist
    with open(os.path.join(out, "not_hdf5.h5"), "wb") as f:
        f.write(b"PK\x03\x04 this is a zip, as a Keras 3 .keras file is")


if __name__ == "__main__":
    main()
