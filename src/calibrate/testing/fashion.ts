/**
 * Test-only: the shipped Fashion-MNIST samples with real data from Debian's dataset-fashion-mnist: calibration
 * samples from the training set, accuracy measured on the held-out test subset the samples ship.
 */
import { readFileSync } from 'node:fs';
import { readInput } from '../../cli/read-input';
import type { Dataset } from '../../evaluate/dataset';
import { evaluateModel } from '../../evaluate/evaluate';
import { readIdxDataset } from '../../data/idx-dataset';
import { dataTargetFor } from '../../evaluate/target';
import { openModel } from '../../formats';
import { loadTfModel } from '../../model/load-tf';
import type { InputFile, OpenedModel } from '../../model/types';
import { variantArtifacts } from '../../recipe/artifacts';
import type { Variant } from '../../recipe/variant';

const TRAIN = '/usr/share/datasets/fashion-mnist';
const file = (path: string): InputFile => ({ name: path.split('/').pop()!, data: new Uint8Array(readFileSync(path)) });

export async function openSample(name: 'fashion-mlp' | 'fashion-cnn'): Promise<OpenedModel> {
  return openModel(await readInput(`public/samples/${name}`));
}

/** The 60,000 training images (the calibration steps read only the first few hundred). */
export function trainingSet(model: OpenedModel): Dataset {
  return readIdxDataset(file(`${TRAIN}/train-images-idx3-ubyte.gz`), file(`${TRAIN}/train-labels-idx1-ubyte.gz`), dataTargetFor(model));
}

/** The 1,000 held-out test images shipped with the samples. */
export function testSubset(model: OpenedModel): Dataset {
  const dir = 'public/samples/data';
  return readIdxDataset(
    file(`${dir}/fashion-mnist-test-1000-images-idx3-ubyte.gz`),
    file(`${dir}/fashion-mnist-test-1000-labels-idx1-ubyte.gz`),
    dataTargetFor(model),
  );
}

/** Top-1 accuracy of a variant (or the original) on `data`. */
export async function accuracyOf(model: OpenedModel, variant: Variant | null, data: Dataset): Promise<number> {
  const tfModel = await loadTfModel(variant ? variantArtifacts(model, variant) : model.artifacts, variant?.format ?? model.format);
  try {
    return (await evaluateModel(tfModel, data)).accuracy!.accuracy;
  } finally {
    tfModel.dispose();
  }
}
