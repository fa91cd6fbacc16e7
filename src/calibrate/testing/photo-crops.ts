/**
 * Test-only: calibration and held-out data from real photographs (Debian's mate-backgrounds, see
 * structure/testing/photos.ts): each photo resized to a square a little larger than the model's input, and cut
 * into four corner crops, so a dozen photos give a few dozen distinct samples. Photos 1-8 calibrate; 9-12 measure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../../data/node-decoder';
import { inMemoryDataset, type Dataset } from '../../evaluate/dataset';
import { PHOTO_DIR } from '../../structure/testing/photos';

/** Four corner crops of `size` x `size` of each photo (sorted by name, from `from` to `to`), RGB or luma, in [0, 1]. */
export function photoCrops(from: number, to: number, size: number, channels: 1 | 3): Float32Array {
  const names = readdirSync(PHOTO_DIR).filter((n) => n.endsWith('.jpg')).sort().slice(from, to);
  const big = Math.round(size * 1.25);
  const t = tf.tidy(() => {
    const all = names.flatMap((name) => {
      const { width, height, rgba } = decodeImage(new Uint8Array(readFileSync(`${PHOTO_DIR}/${name}`)), name);
      let img = tf.tensor3d(Int32Array.from(rgba), [height, width, 4], 'int32').slice([0, 0, 0], [height, width, 3]).toFloat() as tf.Tensor3D;
      // ITU-R 601 luma, as tf.image.rgbToGrayscale (whose Einsum kernel wasm lacks).
      if (channels === 1) img = tf.sum(tf.mul(img, tf.tensor1d([0.2989, 0.587, 0.114])), -1, true) as tf.Tensor3D;
      const resized = tf.image.resizeBilinear(img, [big, big]).div(255);
      const d = big - size;
      return [[0, 0], [0, d], [d, 0], [d, d]].map(([y, x]) => resized.slice([y!, x!, 0], [size, size, channels]));
    });
    return tf.stack(all);
  });
  const data = Float32Array.from(t.dataSync() as Float32Array);
  t.dispose();
  return data;
}

/** photoCrops as an unlabelled data set. */
export function photoCropSet(from: number, to: number, size: number, channels: 1 | 3): Dataset {
  return inMemoryDataset({
    kind: 'generated',
    sampleShape: [size, size, channels],
    classNames: [],
    classSource: 'none',
    labelled: false,
    preprocessing: null,
    skipped: [],
    description: `crops of photos ${from + 1}-${to}`,
    inputs: photoCrops(from, to, size, channels),
    labels: null,
  });
}
