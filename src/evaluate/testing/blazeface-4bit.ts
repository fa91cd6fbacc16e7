/**
 * Test-only: @vladmandic/human's blazeface (a detector with four outputs: two box regressors and two score heads,
 * batch 1), as published and stored at 4 bits, loaded into TF.js, with the seven views of one real Debian photo
 * to compare them on: the fixture for tests of fidelity over several outputs.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { openRecipeData } from '../../cli/recipe-data';
import { listPhotos, writePhotoViews } from '../../data/testing/photo-crops';
import { openModel } from '../../formats';
import { realFiles } from '../../formats/testing/files';
import { loadTfModel } from '../../model/load-tf';
import { applyRecipe } from '../../recipe/apply';
import { variantArtifacts } from '../../recipe/artifacts';
import { parseRecipe } from '../../recipe/schema';
import type { Dataset } from '../dataset';

/** Needs the wasm (or cpu) backend set up first. */
export async function blazefaceAndItself4Bit(): Promise<{ original: tf.GraphModel; quantized: tf.GraphModel; photos: Dataset }> {
  const blazeface = await openModel(realFiles('human-blazeface'));
  const dir = await mkdtemp(join(tmpdir(), 'pare-blazeface-4bit-'));
  await writePhotoViews(listPhotos().slice(2, 3), dir, 256);
  const photos = (await openRecipeData([dir], blazeface)).dataset;
  const v = await applyRecipe(blazeface, parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'quantize', default: { bits: 4 } }] }));
  const original = (await loadTfModel(blazeface.artifacts, blazeface.format)) as tf.GraphModel;
  const quantized = (await loadTfModel(variantArtifacts(blazeface, v), v.format)) as tf.GraphModel;
  return { original, quantized, photos };
}
