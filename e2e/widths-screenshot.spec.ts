/**
 * Screenshots to look at, not assertions: the landing page and the studio with measured variants of the emotion
 * model (no data: cosine and relative error; 50% global: an emptied-tensor warning) at 1024, 1440 and 1920 px, and
 * its Compress and Results panels at a phone's 390 px too.
 * `PARE_SCREENSHOTS=1 npx playwright test widths-screenshot` writes test-results/widths-*.png.
 */
import { expect, test } from '@playwright/test';
import { expectParams, fixture, manifestParams, regions } from './helpers';
import { applyAndWait, setCompression } from './journey-helpers';

test.skip(!process.env.PARE_SCREENSHOTS, 'set PARE_SCREENSHOTS=1 to write test-results/widths-*.png');

test('landing and studio at three widths', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await expect(page.getByTestId('wasm-binary')).toHaveAttribute('data-binary', /.+/);
  for (const width of [1024, 1440, 1920]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `test-results/widths-landing-${width}.png` });
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  const files = fixture('human-emotion');
  await regions(page).openModel.setInputFiles(files);
  await expectParams(page, manifestParams(files.find((f) => f.name === 'emotion.json')!.buffer));
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('3');
  await setCompression(page, 50, 'keep');
  await applyAndWait(page, 'Variant 1');
  await setCompression(page, 30, 'bits-4');
  await applyAndWait(page, 'Variant 2');
  await page.getByRole('radio', { name: 'Select Variant 1' }).check();
  for (const width of [390, 1024, 1440, 1920]) {
    await page.setViewportSize({ width, height: 1400 });
    await page.getByRole('region', { name: 'Compress' }).scrollIntoViewIfNeeded();
    await page.getByRole('region', { name: 'Compress' }).screenshot({ path: `test-results/widths-compress-${width}.png` });
    await page.getByRole('button', { name: /^Variant 2: / }).first().hover();
    await expect(page.getByRole('tooltip')).toBeVisible();
    await page.getByRole('region', { name: 'Results' }).screenshot({ path: `test-results/widths-results-${width}.png` });
  }
});
