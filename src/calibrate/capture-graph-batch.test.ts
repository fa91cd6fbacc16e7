/**
 * Graph models exported for one fixed batch size and int32 pixels (@vladmandic/human's movenet: [1, 192, 192, 3]
 * int32) calibrate too: the capture feeds them one sample at a time, as int32, where it used to send a batch of
 * 32 float32 samples that model.execute refused. So does handtrack, whose graph resizes its input in a while loop
 * before the first convolution: its intermediate outputs come from executeAsync. Real photographs (views of a
 * Debian photo) as the data.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { openRecipeData } from '../cli/recipe-data';
import { listPhotos, writePhotoViews } from '../data/testing/photo-crops';
import type { Dataset } from '../evaluate/dataset';
import { openModel } from '../formats';
import { realFiles } from '../formats/testing/files';
import { loadTfModel } from '../model/load-tf';
import type { OpenedModel } from '../model/types';
import type * as tf from '@tensorflow/tfjs';
import { captureGraphInputStats, graphNodes, graphTargetFor, type GraphCaptureTarget } from './capture-graph';

let movenet: OpenedModel;
let photos: Dataset;
let photosDir: string;
beforeAll(async () => {
  await useBackend('wasm');
  movenet = await openModel(realFiles('human-movenet-lightning'));
  const dir = await mkdtemp(join(tmpdir(), 'pare-capture-batch-'));
  await writePhotoViews(listPhotos().slice(0, 1), dir, 192);
  photosDir = dir;
  photos = (await openRecipeData([dir], movenet)).dataset;
});


/** The model's Conv2D kernels as capture targets, in weight order. */
function conv2dTargets(model: OpenedModel): GraphCaptureTarget[] {
  const nodes = graphNodes(model.artifacts.modelTopology);
  return model.weights
    .filter((w) => w.prunable)
    .map((w) => graphTargetFor(w, nodes, 4096))
    .filter((t): t is GraphCaptureTarget => typeof t !== 'string' && t.kind === 'conv2d');
}
describe('captureGraphInputStats on a batch-1, int32 graph model', () => {
  it('captures the inputs of its convolutions one photo at a time', async () => {
    expect(movenet.inputs[0]).toMatchObject({ shape: [1, 192, 192, 3], dtype: 'int32' });
    const targets = conv2dTargets(movenet).slice(0, 2);
    expect(targets).toHaveLength(2);
    const graph = (await loadTfModel(movenet.artifacts, movenet.format)) as tf.GraphModel;
    try {
      const stats = await captureGraphInputStats(graph, targets, photos, { samples: 3, gram: false });
      for (const t of targets) {
        const s = stats.get(t.weight)!;
        // Each photo gives the same number of patch rows (one per output position), three photos three times that.
        expect(s.rows).toBeGreaterThan(0);
        expect(s.rows % 3).toBe(0);
        expect([...s.sums].every(Number.isFinite)).toBe(true);
        expect(s.sumSquares.some((v) => v > 0)).toBe(true);
      }
    } finally {
      graph.dispose();
    }
  }, 60_000);
});

describe('captureGraphInputStats on a graph model with control flow', () => {
  it('reads the inputs of its convolutions through executeAsync', async () => {
    const handtrack = await openModel(realFiles('human-handtrack'));
    const targets = conv2dTargets(handtrack).slice(1, 3);
    expect(targets).toHaveLength(2);
    const data = (await openRecipeData([photosDir], handtrack)).dataset;
    const graph = (await loadTfModel(handtrack.artifacts, handtrack.format)) as tf.GraphModel;
    try {
      const stats = await captureGraphInputStats(graph, targets, data, { samples: 1, gram: false });
      for (const t of targets) {
        expect(stats.get(t.weight)!.rows).toBeGreaterThan(0);
        expect(stats.get(t.weight)!.sumSquares.some((v) => v > 0)).toBe(true);
      }
    } finally {
      graph.dispose();
    }
  }, 60_000);
});
