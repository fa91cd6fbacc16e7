/**
 * Retarget as the first step of a pipeline: prune and quantize then work on the new model (its head included),
 * and the export still loads in stock TF.js; and a real published layers model (nsfwjs MobileNetV2, uint8
 * weights) as the frozen backbone.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/backend';
import { readInput } from '../../cli/read-input';
import { nodeImageDecoder } from '../../data/node-decoder';
import { openDataset } from '../../data/open-dataset';
import { exportVariant } from '../../export';
import { exportArtifacts } from '../../export/load-export';
import { openModel } from '../../formats';
import { dataTargetFor } from '../../evaluate/target';
import { openSample } from '../../calibrate/testing/fashion';
import type { OpenedModel } from '../../model/types';
import { applyRecipe } from '../../recipe/apply';
import { parseRecipe } from '../../recipe/schema';
import type { ApplyProgress } from '../../recipe/variant';
import { newClassesTarget, variantTarget } from './data-target';
import { evaluateModel } from '../../evaluate/evaluate';
import { variantArtifacts } from '../../recipe/artifacts';
import { fashionFolders } from './testing/fashion-folders';

beforeAll(async () => {
  await useBackend('wasm');
});

const dataFor = (model: OpenedModel, files = fashionFolders('train', [5, 8], 20)) => ({
  training: { fingerprint: 'fashion', dataset: openDataset(files, newClassesTarget(model), { decoder: nodeImageDecoder }) },
});

describe('retarget + prune + quantize', () => {
  it('prunes and quantizes the retargeted model (new head included), with progress over all three steps', async () => {
    const cnn = await openSample('fashion-cnn');
    const recipe = parseRecipe({
      pare: 'recipe', version: 2, steps: [
        { step: 'retarget', data: 'training', epochs: 20, learningRate: 0.01, seed: 2 },
        { step: 'prune', sparsity: 0.6 },
        { step: 'quantize', default: { bits: 4 } },
      ],
    });
    const progress: ApplyProgress[] = [];
    const variant = await applyRecipe(cnn, recipe, { data: dataFor(cnn), onProgress: (p) => progress.push(p) });
    expect(new Set(progress.map((p) => p.phase))).toEqual(new Set(['retarget', 'prune', 'quantize']));
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    const head = variant.stats.tensors.find((t) => t.name === 'retarget_classes/kernel')!;
    expect(head).toMatchObject({ prunable: true, pruneMode: 'global', dtype: 'uint8', bits: 4 });
    const prunable = variant.stats.tensors.filter((t) => t.prunable);
    const n = prunable.reduce((a, t) => a + t.params, 0);
    expect(prunable.reduce((a, t) => a + t.prunedZeros, 0)).toBe(Math.round(0.6 * n));
    expect(variant.stats.tensors.map((t) => t.name)).toEqual(['conv1/kernel', 'conv1/bias', 'conv2/kernel', 'conv2/bias', 'retarget_classes/kernel', 'retarget_classes/bias']);

    const files = exportVariant(cnn, variant, recipe).files;
    const stock = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(files)));
    const kernel = stock.getLayer('retarget_classes').getWeights()[0]!.dataSync();
    const zeros = kernel.filter((v) => v === 0).length;
    expect(zeros).toBe(head.zeros);
    const reopened = await openModel(files);
    expect(reopened.labels).toEqual(['Bag', 'Sandal']);

    // Measured in memory with the variant's classes, it scores what its export scores when reopened.
    const test = fashionFolders('t10k', [8, 5], 15);
    const inMemory = await tf.loadLayersModel(tf.io.fromMemory(variantArtifacts(cnn, variant)));
    const a = await evaluateModel(inMemory, openDataset(test, variantTarget(cnn, variant), { decoder: nodeImageDecoder }));
    const b = await evaluateModel(stock, openDataset(test, dataTargetFor(reopened), { decoder: nodeImageDecoder }));
    expect(a.samples).toBe(30);
    expect(a.data.classNames).toEqual(['Bag', 'Sandal']);
    expect(a.accuracy!.accuracy).toBe(b.accuracy!.accuracy);
    expect(a.accuracy!.accuracy).toBeGreaterThan(0.8);
    stock.dispose();
    inMemory.dispose();
  });
});

describe('a real published model as the backbone', () => {
  it('nsfwjs MobileNetV2 (224x224 RGB, uint8): cut at flatten_1 by default, export loads and reopens with [0, 1] scaling', async () => {
    const nsfw = await openModel(await readInput('.fixtures/real/nsfwjs-mobilenet-v2'));
    const recipe = parseRecipe({ pare: 'recipe', version: 2, steps: [{ step: 'retarget', data: 'training', epochs: 3, seed: 1 }] });
    const variant = await applyRecipe(nsfw, recipe, { data: dataFor(nsfw, fashionFolders('train', [5, 8], 4)) });
    expect(variant.retarget!.cut).toEqual({ layer: 'flatten_1', shape: [null, 1280] });
    const layers = (variant.modelTopology as { model_config: { config: { layers: { name: string }[]; output_layers: unknown } } }).model_config.config;
    expect(layers.layers.slice(-3).map((l) => l.name)).toEqual(['average_pooling2d_1', 'flatten_1', 'retarget_classes']);
    expect(layers.output_layers).toEqual([['retarget_classes', 0, 0]]);
    // The backbone keeps its stored uint8 codes; the head is float32.
    const stored = new Map(variant.weights.map((w) => [w.name, w.stored.dtype]));
    expect(stored.get('Conv1/kernel')).toBe(nsfw.weights.find((w) => w.name === 'Conv1/kernel')!.quantization?.dtype);
    expect(stored.get('retarget_classes/kernel')).toBe('float32');
    expect(stored.has('dense_3/kernel')).toBe(false);

    const files = exportVariant(nsfw, variant, recipe).files;
    const stock = await tf.loadLayersModel(tf.io.fromMemory(exportArtifacts(files)));
    expect(stock.outputs[0]!.shape).toEqual([null, 2]);
    const reopened = await openModel(files);
    expect(reopened.reader).toBe('teachable-machine');
    expect(dataTargetFor(reopened).preprocessing).toMatchObject({ height: 224, width: 224, channels: 3, scale: '0,1' });
    stock.dispose();
  });
});
