/**
 * Accuracy of a sample model on its shipped data with stock TF.js in Node: a plain predict loop over the IDX
 * files (pixels / 255, as the sample's metadata says), argmax against the labels. Nothing of Pare's is used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';

interface SampleWithData {
  files: string[];
  data: { images: string; labels: string };
}

const samplesDir = join(process.cwd(), 'public', 'samples');

export async function stockAccuracy(sample: SampleWithData): Promise<number> {
  tf.enableProdMode(); // quiets the 'use tfjs-node' hint
  await tf.setBackend('cpu');
  const images = gunzipSync(readFileSync(join(samplesDir, sample.data.images)));
  const labels = gunzipSync(readFileSync(join(samplesDir, sample.data.labels)));
  const count = images.readUInt32BE(4);
  const rows = images.readUInt32BE(8);
  const cols = images.readUInt32BE(12);
  const pixels = Float32Array.from(images.subarray(16, 16 + count * rows * cols), (p) => p / 255);
  const json = JSON.parse(readFileSync(join(samplesDir, sample.files.find((f) => f.endsWith('.json'))!), 'utf8'));
  const weightData = readFileSync(join(samplesDir, sample.files.find((f) => f.endsWith('.bin'))!));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: new Uint8Array(weightData).buffer,
    }),
  );
  const x = tf.tensor4d(pixels, [count, rows, cols, 1]);
  const predicted = tf.tidy(() => (model.predict(x) as tf.Tensor).argMax(-1));
  const classes = await predicted.data();
  let correct = 0;
  for (let i = 0; i < count; i++) if (classes[i] === labels[8 + i]) correct++;
  x.dispose();
  predicted.dispose();
  model.dispose();
  return correct / count;
}
