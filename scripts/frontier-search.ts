/**
 * The search's part of `npm run frontier`: `searchRecipe` (the same as `pare auto`) at several accuracy-drop
 * targets, calibrated on the first training images and validated on the training images after them, its answer
 * then measured on all 10,000 test images, which the search never saw. Prints each answer's test accuracy, bytes
 * over the wire (model.json + shards, gzip -9) and ratio to the original's, and the best ratio within 0.5 and 1.0
 * points on the test set.
 */
import { searchRecipe, type SearchOptions } from '../src/auto/search';
import { splitDataset } from '../src/auto/split';
import type { Dataset } from '../src/evaluate/dataset';
import { evaluateModel } from '../src/evaluate/evaluate';
import { exportArtifacts } from '../src/export/load-export';
import { loadTfModel } from '../src/model/load-tf';
import type { OpenedModel } from '../src/model/types';

export async function searchFrontier(model: OpenedModel, train: Dataset, test: Dataset, drops: number[], options: SearchOptions & { validation: number }) {
  const split = splitDataset(train, options.samples ?? 512, options.validation);
  const originalModel = await loadTfModel(model.artifacts, model.format);
  const originalAcc = (await evaluateModel(originalModel, test)).accuracy!.accuracy;
  originalModel.dispose();
  console.log(`search: calibration ${split.calibration.description}, validation ${split.validation.description}; accuracy on the 10,000 test images`);
  console.log('target    found (validation)                 test accuracy  test drop  over the wire  ratio   candidates  time');
  const within = new Map<number, number>([[0.5, 0], [1, 0]]);
  for (const drop of drops) {
    const r = await searchRecipe(model, { calibration: { fingerprint: 'train', dataset: split.calibration }, validation: split.validation }, { kind: 'max-drop', points: drop }, options);
    if (!r.best || !r.bestFiles) {
      console.log(`${`<= ${drop}`.padEnd(10)}nothing met the target (${r.tried.length} candidates, ${(r.durationMs / 1000).toFixed(0)} s)`);
      continue;
    }
    const b = r.best;
    const m = await loadTfModel(exportArtifacts(r.bestFiles), b.recipe.steps.some((s) => s.step === 'fuse') ? 'graph-model' : model.format);
    const acc = (await evaluateModel(m, test)).accuracy!.accuracy;
    m.dispose();
    const testDrop = (originalAcc - acc) * 100;
    const ratio = r.original.wireBytes / b.wireBytes;
    for (const [limit, bestRatio] of within) if (testDrop <= limit && ratio > bestRatio) within.set(limit, ratio);
    const widths = b.widths ? ` ${Object.entries(b.widths).map(([t, w]) => `${t.replace(/\/kernel$/, '')}:${w === 16 ? 'f16' : w}`).join(' ')}` : '';
    const found = `${(b.sparsity * 100).toFixed(0)}% ${b.bits}-bit${widths}`;
    console.log(
      `${`<= ${drop}`.padEnd(10)}${found.padEnd(35)}${`${(acc * 100).toFixed(2)}%`.padStart(13)}  ${testDrop.toFixed(2).padStart(9)}  ${b.wireBytes.toLocaleString('en-US').padStart(13)}  ${`${ratio.toFixed(1)}x`.padStart(6)}  ${String(r.tried.length).padStart(10)}  ${(r.durationMs / 1000).toFixed(0)} s`,
    );
  }
  console.log(`original ${(originalAcc * 100).toFixed(2)}%; best ratio within 0.5 points on test: ${within.get(0.5)!.toFixed(1)}x; within 1.0: ${within.get(1)!.toFixed(1)}x\n`);
}
