/** Shared helpers for the e2e specs: real fixture files, expected counts computed from them, a real drop. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

export const fixturesDir = join(process.cwd(), '.fixtures', 'real');

export interface FixtureFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Every file of a fixture model in .fixtures/real/<dir> (run `node scripts/prepare-fixtures.mjs` first). */
export function fixture(dir: string): FixtureFile[] {
  const folder = join(fixturesDir, dir);
  return readdirSync(folder)
    .sort()
    .map((name) => ({
      name,
      mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      buffer: readFileSync(join(folder, name)),
    }));
}

interface ManifestWeight {
  name: string;
  shape: number[];
}

/** The element count of every weight in a model.json's manifest, computed independently of Pare's readers. */
export function manifestParams(modelJson: Buffer | string): number {
  const json = JSON.parse(modelJson.toString()) as { weightsManifest: { weights: ManifestWeight[] }[] };
  let total = 0;
  for (const group of json.weightsManifest) {
    for (const w of group.weights) total += w.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

/** 2619461 -> "2,619,461", as the page prints counts. */
export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * Drops files on a target with real drag events: a DataTransfer built in the page holds the files, and
 * dragenter, dragover and drop are dispatched on the target as a browser would.
 */
export async function dropFiles(page: Page, target: Locator, files: FixtureFile[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, type: f.mimeType, base64: f.buffer.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const transfer = new DataTransfer();
    for (const f of list) {
      const binary = atob(f.base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return transfer;
  }, payload);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
  await dataTransfer.dispose();
}

/** The page's main regions, by their accessible names. */
export function regions(page: Page) {
  return {
    model: page.getByRole('region', { name: 'Model' }),
    runtime: page.getByRole('region', { name: 'Runtime' }),
    params: page.getByTestId('param-count'),
    openModel: page.getByLabel('Open model', { exact: true }),
    dropZone: page.getByTestId('drop-zone'),
  };
}

/** Waits until the inventory shows `params` parameters. */
export async function expectParams(page: Page, params: number): Promise<void> {
  await expect(page.getByTestId('param-count')).toHaveText(thousands(params));
}
