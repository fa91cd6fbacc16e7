/** The sample models the app ships open from the page, with no files of one's own. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectParams, manifestParams } from './helpers';

interface Sample {
  id: string;
  name: string;
  files: string[];
  params?: number;
}

const samplesDir = join(process.cwd(), 'public', 'samples');
const indexPath = join(samplesDir, 'index.json');
const samples: Sample[] = existsSync(indexPath) ? JSON.parse(readFileSync(indexPath, 'utf8')) : [];

test('the page offers every sample listed in public/samples/index.json', async ({ page }) => {
  test.skip(samples.length === 0, 'public/samples/index.json is not there yet');
  await page.goto('/');
  for (const sample of samples) {
    await expect(page.getByRole('button', { name: `Open sample model: ${sample.name}` })).toBeVisible();
  }
});

for (const sample of samples) {
  test(`the sample "${sample.name}" opens with the right parameter count`, async ({ page }) => {
    const modelJson = sample.files.find((f) => f.endsWith('.json'))!;
    const expected = manifestParams(readFileSync(join(samplesDir, modelJson)));
    if (sample.params !== undefined) expect(sample.params).toBe(expected); // the index agrees with the files
    await page.goto('/');
    await page.getByRole('button', { name: `Open sample model: ${sample.name}` }).click();
    await expectParams(page, expected);
    await expect(page.getByRole('heading', { name: `Sample: ${sample.name}` })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Model' }).getByRole('alert')).toHaveCount(0);
  });
}
