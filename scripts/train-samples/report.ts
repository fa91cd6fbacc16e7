/** public/samples/README.md: the figures of the run that wrote the samples, as a short table. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

export interface SampleResult {
  id: string;
  name: string;
  description: string;
  params: number;
  weightBytes: number;
  modelJsonBytes: number;
  shardSha256: string;
  /** Accuracy of the shipped files on the full 10,000-image test set (cpu backend). */
  test10k: number;
  /** Accuracy on the shipped 1,000-image subset (cpu backend). */
  subset1000: number;
  /** The same figures on the training backend, when that was not cpu. */
  otherBackend?: { name: string; test10k: number; subset1000: number };
  epochs: number;
  trainSeconds: number;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const int = (n: number) => n.toLocaleString('en-US');

export function writeSamplesReadme(
  results: SampleResult[],
  run: { backend: string; out: string; totalSeconds: number; seed: number; batch: number },
) {
  const rows = results.map(
    (r) =>
      `| \`${r.id}\` | ${r.name} | ${int(r.params)} | ${int(r.weightBytes)} | ${pct(r.test10k)} | ` +
      `${pct(r.subset1000)} | ${r.epochs} | ${Math.round(r.trainSeconds)} s |`,
  );
  const cross = results
    .filter((r) => r.otherBackend)
    .map((r) => `\`${r.id}\` ${pct(r.otherBackend!.test10k)} / ${pct(r.otherBackend!.subset1000)}`);
  const text = `# Sample models

Written by \`npx tsx scripts/train-samples.ts\` (do not edit by hand; rerun the script). Trained in Node with
@tensorflow/tfjs ${tf.version.tfjs} on Debian's Fashion-MNIST (\`dataset-fashion-mnist\`, 60,000 training images),
Adam (learning rate 0.001), batch ${run.batch}, seed ${run.seed}, Node ${process.version}.
Backend: ${run.backend}.

| id | model | params | weight bytes | test accuracy (10,000) | subset accuracy (1,000) | epochs | training time |
|----|-------|-------:|-------------:|-----------------------:|------------------------:|-------:|--------------:|
${rows.join('\n')}

Accuracies are of the files as shipped, reloaded from disk with stock \`tf.loadLayersModel\` and run with a plain
predict loop on the cpu backend (argmax of the softmax output against the label).${
    cross.length ? ` On the training backend the same files score ${cross.join(', ')} (10,000 / 1,000).` : ''
  } Whole run, including data loading and evaluation: ${Math.round(run.totalSeconds)} s on 2 cores
(shared with other jobs, so times vary).

Both models take \`[batch, 28, 28, 1]\` float32 pixels scaled to [0, 1] (pixel / 255), white garment on black,
as stored in the IDX files; the MLP flattens them itself. \`userDefinedMetadata.pare\` in each model.json records
the labels, this preprocessing, the training set-up and the test accuracy.

## Files

- \`index.json\`: the list the studio's "Open sample model" reads (paths relative to this folder).
- \`<id>/model.json\`, \`<id>/group1-shard1of1.bin\`: stock TF.js layers models (float32).
- \`data/fashion-mnist-test-1000-{images-idx3,labels-idx1}-ubyte.gz\`: the first 1,000 images of Fashion-MNIST's
  t10k test set and their labels, IDX format, gzipped; \`data/labels.txt\`: the 10 class names in label order.

## Reproducibility

Initialisers and shuffles are seeded and training is single-threaded, so rerunning the script on the same backend
and TF.js version gives the same bytes: the shards' SHA-256 sums of this run are
${results.map((r) => `\`${r.id}\` \`${r.shardSha256}\``).join(', ')}. The wasm and cpu backends round
differently (and XNNPACK may choose other kernels on another CPU), so another backend or machine gives slightly
different weights and accuracies, not identical bytes. The wasm backend lacks the conv2d weight gradient; the
script supplies it from wasm's native Conv3DBackpropFilterV2 (stride 1 only) and checks every model's gradients
against the cpu backend before training.
`;
  writeFileSync(path.join(run.out, 'README.md'), text);
}
