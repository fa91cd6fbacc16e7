/**
 * Helpers for the journey specs: compress with the page's own controls, read a downloaded export zip, and check
 * it with stock TF.js in Node (tf.io.fromMemory), independently of Pare's code.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { expect, type Download, type Page } from '@playwright/test';
import { unzipSync } from 'fflate';

/** Sets global sparsity (whole percent) and the global quantization with the page's named controls. */
export async function setCompression(page: Page, sparsityPercent: number, quantization: string): Promise<void> {
  await page.getByRole('slider', { name: 'Global sparsity' }).fill(String(sparsityPercent));
  await expect(page.getByTestId('global-sparsity-value')).toHaveText(`${sparsityPercent}%`);
  await page.getByRole('combobox', { name: 'Quantization', exact: true }).selectOption(quantization);
}

/** Presses Apply and waits until the job is over and the variant's row shows a measured size. */
export async function applyAndWait(page: Page, variantName: string): Promise<void> {
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  const row = page.getByRole('table', { name: 'Variants' }).getByRole('row').filter({ hasText: variantName });
  await expect(row).toBeVisible();
  await expect(page.getByTestId('job-status')).toHaveCount(0, { timeout: 120_000 });
  await expect(row.getByText('not measured')).toHaveCount(0);
}

/** The size chart's points, by kind. */
export function chartPoints(page: Page, kind: 'original' | 'variant', chart = 0) {
  return page.getByTestId('tradeoff-chart').nth(chart).locator(`[data-point="${kind}"]`);
}

export interface ExportCheck {
  files: Record<string, Uint8Array>;
  manifest: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } }[];
  modelJson: Record<string, unknown>;
}

/** Reads a downloaded zip. */
export function readZip(download: Download, path: string): ExportCheck {
  const files = unzipSync(new Uint8Array(readFileSync(path)));
  const modelJson = JSON.parse(new TextDecoder().decode(files['model.json'])) as Record<string, unknown>;
  const manifest = (modelJson.weightsManifest as { weights: ExportCheck['manifest'] }[]).flatMap((g) => g.weights);
  void download;
  return { files, manifest, modelJson };
}

/** Loads the export with stock TF.js, as a user's page would, and returns every weight by name. */
export async function loadWithStockTfjs(check: ExportCheck): Promise<{ format: string; weights: Map<string, Float32Array> }> {
  tf.enableProdMode(); // quiets the 'use tfjs-node' hint
  await tf.setBackend('cpu');
  const json = check.modelJson as { format?: string; modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  const group = json.weightsManifest[0];
  const shards = group.paths.map((p) => check.files[p]);
  const total = shards.reduce((n, s) => n + s.byteLength, 0);
  const data = new Uint8Array(total);
  let at = 0;
  for (const s of shards) {
    data.set(s, at);
    at += s.byteLength;
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    weightSpecs: group.weights,
    weightData: data.buffer,
  };
  const weights = new Map<string, Float32Array>();
  if (json.format === 'graph-model') {
    const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    for (const [name, t] of Object.entries(model.weights)) weights.set(name, (await t[0].data()) as Float32Array);
    model.dispose();
  } else {
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    for (const w of model.weights) weights.set(w.originalName, (await w.read().data()) as Float32Array);
    model.dispose();
  }
  return { format: json.format ?? 'layers-model', weights };
}

/** Zeros over the given weights together, as a fraction. */
export function zeroFraction(weights: Map<string, Float32Array>, names: string[]): number {
  let n = 0;
  let zeros = 0;
  for (const name of names) {
    const values = weights.get(name);
    if (!values) throw new Error(`The export has no weight '${name}'.`);
    n += values.length;
    for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  }
  return zeros / n;
}

/** Kernels and weight matrices by the layers naming convention: what Pare may prune in a layers model. */
export function kernelNames(manifest: ExportCheck['manifest']): string[] {
  return manifest.filter((w) => /kernel$/.test(w.name) && w.shape.length >= 2).map((w) => w.name);
}

/** Records every request the page (and its workers) makes; `outside()` lists those leaving its origin. */
export function recordRequests(page: Page, origin: string) {
  const urls: string[] = [];
  page.context().on('request', (r) => urls.push(r.url()));
  return {
    urls,
    outside: () => urls.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')),
  };
}
