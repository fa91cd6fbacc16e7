/**
 * A retargeted model's export: its classes in model.json's metadata and in a Teachable-Machine-style
 * metadata.json beside it, which Pare's own reader opens again with the same labels and preprocessing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../cli/backend';
import { nodeImageDecoder } from '../data/node-decoder';
import { openDataset } from '../data/open-dataset';
import { dataTargetFor } from '../evaluate/target';
import { openModel } from '../formats';
import { openSample } from '../calibrate/testing/fashion';
import type { OpenedModel } from '../model/types';
import { applyRecipe } from '../recipe/apply';
import { parseRecipe } from '../recipe/schema';
import { newClassesTarget } from '../train/retarget/data-target';
import { fashionFolders } from '../train/retarget/testing/fashion-folders';
import { exportVariant } from './index';

let cnn: OpenedModel;
beforeAll(async () => {
  await useBackend('wasm');
  cnn = await openSample('fashion-cnn');
});

const json = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as Record<string, any>;

describe('export of a retargeted model', () => {
  it('writes the new labels in model.json and metadata.json; Pare reopens it with them', async () => {
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'retarget', data: 'training', epochs: 2 }] });
    const files = fashionFolders('train', [1, 7, 9], 8); // Trouser, Sneaker, Ankle boot
    const data = { fingerprint: 'f', dataset: openDataset(files, newClassesTarget(cnn), { decoder: nodeImageDecoder }) };
    const variant = await applyRecipe(cnn, recipe, { data: { training: data } });
    const out = exportVariant(cnn, variant, recipe);
    expect(out.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin', 'metadata.json']);
    const labels = ['Ankle_boot', 'Sneaker', 'Trouser'];
    const pare = json(out.files[0]!.data).userDefinedMetadata.pare;
    expect(pare.labels).toEqual(labels);
    expect(pare.preprocessing).toEqual({ height: 28, width: 28, channels: 1, scale: '0,1' });
    expect(pare.retarget).toMatchObject({ classSource: 'folders', cut: { layer: 'flatten', shape: [null, 400] }, hidden: 0, trainSamples: 18 });
    expect(pare.retarget.validation.samples).toBe(6);
    const meta = json(out.files[2]!.data);
    expect(meta).toMatchObject({ labels, imageSize: 28, modelName: 'fashion-cnn-retarget' });
    expect(meta.timeStamp).toBeUndefined();

    const reopened = await openModel(out.files);
    expect(reopened.reader).toBe('teachable-machine');
    expect(reopened.labels).toEqual(labels);
    expect(reopened.outputs[0]!.shape).toEqual([null, 3]);
    expect(dataTargetFor(reopened).preprocessing).toMatchObject({ height: 28, width: 28, channels: 1, scale: '0,1', source: 'metadata' });
  });

  it('a variant without new classes writes no metadata.json', async () => {
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'prune', sparsity: 0.5 }] });
    const out = exportVariant(cnn, await applyRecipe(cnn, recipe), recipe);
    expect(out.files.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
  });
});
