/**
 * The search's part of `npm run frontier`: `searchRecipe` (the same as `pare auto`) at several accuracy-drop
 * targets, calibrated on the first training images. Validated, by default (`--validate-on test`), on the first
 * 2,000 test images and its answer measured on the other 8,000, which the search never saw: the samples were
 * trained on the training images, so validating on them (`--validate-on train`, what `pare auto` on that data
 * does) sees an original that knows them by heart, and every compressed candidate looks worse than it is on
 * new images. Prints each answer's accuracy on the unseen images (and on all 10,000), bytes over the wire
 * (model.json + shards, gzip -9) and ratio to the original's, and the best ratio within 0.5 and 1.0 points.
 */
import { searchRecipe, type SearchOptions } from '../src/auto/search';
import { splitDataset } from '../src/auto/split';
import type { Dataset } from '../src/evaluate/dataset';
import { sliceDataset } from '../src/evaluate/dataset-slice';
import { evaluateModel } from '../src/evaluate/evaluate';
import { exportArtifacts } from '../src/export/load-export';
import { gzipBytes } from '../src/export/sizes';
import { loadTfModel } from '../src/model/load-tf';
import type { OpenedModel } from '../src/model/types';

/** One answer of the search, as `npm run frontier -- --json` records it for the chart. */
export interface SearchAnswer {
  targetDrop: number;
  found: string;
  accuracyUnseen: number;
  accuracyAll: number;
  wireBytes: number;
  /** Sum of the export's shards gzipped one by one at level 9, as the methods rows measure weights. */
  weightGzipBytes: number;
  ratio: number;
}

export async function searchFrontier(
  model: OpenedModel,
  train: Dataset,
  test: Dataset,
  drops: number[],
  options: SearchOptions & { validation: number; validateOn: 'test' | 'train' },
) {
  const split = splitDataset(train, options.samples ?? 512, options.validation);
  const onTest = options.validateOn === 'test';
  const validation = onTest ? sliceDataset(test, 0, options.validation, 'validation') : split.validation;
  const unseen = onTest ? sliceDataset(test, options.validation, test.size, 'unseen') : test;
  const accuracyOn = async (artifacts: Parameters<typeof loadTfModel>[0], format: OpenedModel['format']) => {
    const m = await loadTfModel(artifacts, format);
    const a = [(await evaluateModel(m, unseen)).accuracy!.accuracy, (await evaluateModel(m, test)).accuracy!.accuracy];
    m.dispose();
    return a as [number, number];
  };
  const [originalAcc, originalAll] = await accuracyOn(model.artifacts, model.format);
  console.log(`search: calibration ${split.calibration.description}\n  validation ${validation.description}\n  unseen ${unseen.description}`);
  console.log(`original: ${(originalAcc * 100).toFixed(2)}% unseen, ${(originalAll * 100).toFixed(2)}% on all 10,000`);
  console.log('target    found                              unseen acc    drop  all 10,000  over the wire  ratio   candidates  time');
  const within = new Map<number, number>([[0.5, 0], [1, 0]]);
  const answers: SearchAnswer[] = [];
  for (const drop of drops) {
    const r = await searchRecipe(model, { calibration: { fingerprint: 'train', dataset: split.calibration }, validation }, { kind: 'max-drop', points: drop }, options);
    if (!r.best || !r.bestFiles) {
      console.log(`${`<= ${drop}`.padEnd(10)}nothing met the target (${r.tried.length} candidates, ${(r.durationMs / 1000).toFixed(0)} s)`);
      continue;
    }
    const b = r.best;
    const [acc, all] = await accuracyOn(exportArtifacts(r.bestFiles), model.format);
    const testDrop = (originalAcc - acc) * 100;
    const ratio = r.original.wireBytes / b.wireBytes;
    for (const [limit, bestRatio] of within) if (testDrop <= limit && ratio > bestRatio) within.set(limit, ratio);
    const widths = b.widths ? ` ${Object.entries(b.widths).map(([t, w]) => `${t.replace(/\/kernel$/, '')}:${w === 16 ? 'f16' : w}`).join(' ')}` : '';
    const found = `${(b.sparsity * 100).toFixed(0)}% ${b.bits}-bit${widths}`;
    const weightGzipBytes = r.bestFiles.filter((f) => f.name.endsWith('.bin')).reduce((n, f) => n + gzipBytes(f.data), 0);
    answers.push({ targetDrop: drop, found, accuracyUnseen: acc, accuracyAll: all, wireBytes: b.wireBytes, weightGzipBytes, ratio });
    console.log(
      `${`<= ${drop}`.padEnd(10)}${found.padEnd(35)}${`${(acc * 100).toFixed(2)}%`.padStart(10)}  ${testDrop.toFixed(2).padStart(6)}  ${`${(all * 100).toFixed(2)}%`.padStart(10)}  ${b.wireBytes.toLocaleString('en-US').padStart(13)}  ${`${ratio.toFixed(1)}x`.padStart(6)}  ${String(r.tried.length).padStart(10)}  ${(r.durationMs / 1000).toFixed(0)} s`,
    );
  }
  console.log(`best ratio within 0.5 points on the unseen images: ${within.get(0.5)!.toFixed(1)}x; within 1.0: ${within.get(1)!.toFixed(1)}x\n`);
  return answers;
}
