/**
 * Screenshots of the studio for the README (docs/): the sample MLP with its data, the layer table with a
 * per-layer override, four measured variants on both charts. Not part of the normal run:
 * `PARE_SCREENSHOTS=1 npx playwright test screenshot`.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { applyAndWait, chartPoints, setCompression } from './journey-helpers';

test.skip(!process.env.PARE_SCREENSHOTS, 'set PARE_SCREENSHOTS=1 to write docs/screenshot*.png');

for (const scheme of ['light', 'dark'] as const) {
  test(`studio with variants of the sample MLP (${scheme})`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1440, height: 1440 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/');
    await expect(page.getByTestId('wasm-binary')).toHaveAttribute('data-binary', /.+/);
    await page.getByRole('button', { name: /^Open sample model: Fashion-MNIST MLP/ }).click();
    await expect(page.getByTestId('param-count')).toBeVisible();
    await page.getByRole('button', { name: "Use the sample's test images" }).click();
    await expect(page.getByTestId('data-count')).toHaveText('1,000 samples · labelled');
    await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('30');

    const recipes: [number, string][] = [
      [50, 'uint8'],
      [80, 'uint8'],
      [90, 'bits-4'],
    ];
    for (const [i, [sparsity, precision]] of recipes.entries()) {
      await setCompression(page, sparsity, precision);
      await applyAndWait(page, `Variant ${i + 1}`);
    }
    // A fourth with the output layer left dense: its own slider in the layer table.
    await setCompression(page, 95, 'bits-4');
    await page.getByRole('slider', { name: 'fc3 sparsity' }).fill('0');
    await applyAndWait(page, 'Variant 4');
    await expect(chartPoints(page, 'variant')).toHaveCount(4);
    await expect(chartPoints(page, 'variant', 1)).toHaveCount(4);
    await page.getByRole('radio', { name: 'Select Variant 1' }).check();
    await chartPoints(page, 'variant').first().hover();
    await expect(page.getByRole('tooltip')).toBeVisible();
    const name = scheme === 'light' ? 'screenshot.png' : 'screenshot-dark.png';
    await page.screenshot({ path: join('docs', name) });
  });
}
