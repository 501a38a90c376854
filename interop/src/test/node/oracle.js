// The Keras-semantics oracle: TensorFlow.js (pure-JS CPU backend) builds the model of a Keras .h5 file
// from its model_config, loads its weights (read with jsfive, an HDF5 reader of its own), and predicts.
//
//   node oracle.js MODEL.h5 INPUT.f32 N OUTPUT.f32 [WEIGHTS.h5]
//
// INPUT.f32 holds N examples as little-endian float32 in the model's input layout; OUTPUT.f32 gets the
// N outputs. With WEIGHTS.h5 (a save_weights file), the weights come from there instead, matched by
// layer name as tf.keras' load_weights(by_name=True) does.
'use strict';
const fs = require('fs');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');
const hdf5 = require('jsfive');

function open(path) {
  const bytes = fs.readFileSync(path);
  return new hdf5.File(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), path);
}

function text(v) {
  if (Array.isArray(v)) return v.map(text);
  return String(v).replace(/\0+$/, '');
}

function weightsOf(group) {
  const names = text(group.attrs['layer_names']);
  const byLayer = {};
  for (const name of names) {
    const g = group.get(name);
    const wn = g.attrs['weight_names'];
    if (!wn || wn.length === 0 || typeof wn[0] === 'number') continue;
    byLayer[name] = text(wn).map((w) => {
      const d = g.get(w);
      return tf.tensor(Float32Array.from(d.value), d.shape);
    });
  }
  return byLayer;
}

async function main() {
  const [modelPath, inputPath, n, outputPath, weightsPath] = process.argv.slice(2);
  await tf.setBackend('cpu');
  const file = open(modelPath);
  const config = JSON.parse(text(file.attrs['model_config']));
  const model = await tfl.models.modelFromJSON({modelTopology: config});
  const weights = weightsPath ? weightsOf(open(weightsPath)) : weightsOf(file.get('model_weights'));
  let loaded = 0;
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const w = weights[layer.name];
    if (!w) throw new Error('no weights for layer ' + layer.name);
    layer.setWeights(w);
    loaded++;
  }
  const inputShape = model.inputs[0].shape.slice(1);
  const size = inputShape.reduce((a, b) => a * b, 1);
  const raw = fs.readFileSync(inputPath);
  const count = Number(n);
  const input = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + count * size * 4));
  const out = [];
  const batch = 500;
  for (let at = 0; at < count; at += batch) {
    const m = Math.min(batch, count - at);
    const x = tf.tensor(input.subarray(at * size, (at + m) * size), [m].concat(inputShape));
    const y = model.predict(x);
    out.push(y.dataSync().slice());
    x.dispose();
    y.dispose();
  }
  const total = out.reduce((a, b) => a + b.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const o of out) { all.set(o, at); at += o.length; }
  fs.writeFileSync(outputPath, Buffer.from(all.buffer));
  console.log(JSON.stringify({layers: model.layers.length, loaded, outputs: total}));
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
