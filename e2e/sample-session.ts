/**
 * For specs that work on a sample model with its data: the samples' index, and opening one with its 1,000 test
 * images dropped on the Data panel, as a person would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { dropFiles, expectParams } from './helpers';

export interface SampleEntry {
  id: string;
  name: string;
  params: number;
  data: { images: string; labels: string };
}

const samplesDir = join(process.cwd(), 'public', 'samples');
const index = JSON.parse(readFileSync(join(samplesDir, 'index.json'), 'utf8')) as SampleEntry[];

export function sample(id: 'fashion-mlp' | 'fashion-cnn'): SampleEntry {
  return index.find((s) => s.id === id)!;
}

/** Opens the sample from the start page; with `withData`, drops its test images and labels and waits for them. */
export async function openSample(page: Page, s: SampleEntry, options: { withData?: boolean; latencyRuns?: number } = {}): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: `Open sample model: ${s.name}` }).click();
  await expectParams(page, s.params);
  if (options.latencyRuns !== undefined) await page.getByRole('spinbutton', { name: 'Latency runs' }).fill(String(options.latencyRuns));
  if (options.withData) await dropSampleData(page, s);
}

export async function dropSampleData(page: Page, s: SampleEntry): Promise<void> {
  const files = [s.data.images, s.data.labels].map((p) => ({ name: p.split('/').pop()!, mimeType: 'application/gzip', buffer: readFileSync(join(samplesDir, p)) }));
  await dropFiles(page, page.getByTestId('data-drop-zone'), files);
  await expect(page.getByRole('region', { name: 'Data' }).getByTestId('data-count')).toHaveText('1,000 samples · labelled');
}
