/**
 * Test-only: calibration and held-out data from real photographs (Debian's mate-backgrounds, see
 * structure/testing/photos.ts): each photo resized to a square a little larger than the model's input, and cut
 * into four corner crops, so a dozen photos give a few dozen distinct samples. Photos 1-8 calibrate; 9-12 measure.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../../data/node-decoder';
import { inMemoryDataset, type Dataset } from '../../evaluate/dataset';
import { PHOTO_DIR } from '../../structure/testing/photos';

/** Four corner crops of `size` x `size` of each photo (sorted by name, from `from` to `to`), RGB or luma, in [0, 1]. */
export function photoCrops(from: number, to: number, size: number, channels: 1 | 3): Float32Array {
  const names = readdirSync(PHOTO_DIR).filter((n) => n.endsWith('.jpg')).sort().slice(from, to);
  return cropsOf(names.map((n) => `${PHOTO_DIR}/${n}`), size, channels);
}

/**
 * More held-out photographs for benchmarks: the wallpapers at the top of /usr/share/backgrounds (Debian's
 * lomiri-wallpapers and others: a bridge, a dragonfly, wine, mountains, sunsets), when installed.
 */
export function extraPhotoPaths(): string[] {
  const dir = '/usr/share/backgrounds';
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith('.jpg')).sort().map((n) => `${dir}/${n}`);
}

/** Four corner crops of each image file, as photoCrops. */
export function cropsOf(paths: readonly string[], size: number, channels: 1 | 3): Float32Array {
  const big = Math.round(size * 1.25);
  const per = 4 * size * size * channels;
  const out = new Float32Array(paths.length * per);
  paths.forEach((path, p) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const { width, height, rgba } = decodeImage(new Uint8Array(readFileSync(path)), name);
    // One photo at a time, freed before the next: a wallpaper is tens of millions of values.
    const t = tf.tidy(() => {
      const rgb = tf.tensor3d(Int32Array.from(rgba), [height, width, 4], 'int32').slice([0, 0, 0], [height, width, 3]).toFloat() as tf.Tensor3D;
      // Luma as ITU-R 601, as tf.image.rgbToGrayscale (whose Einsum kernel wasm lacks), after resizing.
      const small = tf.image.resizeBilinear(rgb, [big, big]);
      const resized = (channels === 1 ? tf.sum(tf.mul(small, tf.tensor1d([0.2989, 0.587, 0.114])), -1, true) : small).div(255);
      const d = big - size;
      return tf.stack([[0, 0], [0, d], [d, 0], [d, d]].map(([y, x]) => resized.slice([y!, x!, 0], [size, size, channels])));
    });
    out.set(t.dataSync() as Float32Array, p * per);
    t.dispose();
  });
  return out;
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
