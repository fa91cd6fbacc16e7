/**
 * Test-only: real photographs for models that want photos, from Debian's mate-backgrounds (nature/*.jpg:
 * flowers, a ladybird, rain drops, a meadow ...), decoded with Pare's Node decoder and resized to the model's input
 * with bilinear resampling, scaled to [0, 1] as nsfwjs expects (pixel / 255).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { decodeImage } from '../../data/node-decoder';

export const PHOTO_DIR = '/usr/share/backgrounds/mate/nature';

/** The first `count` photos (sorted by name) as one [count, size, size, 3] batch. */
export function photoBatch(count: number, size: number): tf.Tensor4D {
  if (!existsSync(PHOTO_DIR)) {
    throw new Error(`${PHOTO_DIR} is missing: run node scripts/ensure-debian.mjs mate-backgrounds (Debian's mate-backgrounds package).`);
  }
  const names = readdirSync(PHOTO_DIR).filter((n) => n.endsWith('.jpg')).sort().slice(0, count);
  return tf.tidy(() => {
    const images = names.map((name) => {
      const { width, height, rgba } = decodeImage(new Uint8Array(readFileSync(`${PHOTO_DIR}/${name}`)), name);
      const rgb = tf.tensor3d(Int32Array.from(rgba), [height, width, 4], 'int32').slice([0, 0, 0], [height, width, 3]);
      return tf.image.resizeBilinear(rgb.toFloat() as tf.Tensor3D, [size, size]).div(255);
    });
    return tf.stack(images) as tf.Tensor4D;
  });
}
