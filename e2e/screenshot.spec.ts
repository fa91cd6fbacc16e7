/**
 * Screenshots of the studio with a model open, light and dark, for the README (docs/). Not part of the normal
 * run: `PARE_SCREENSHOTS=1 npx playwright test screenshot`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fixture, regions } from './helpers';

test.skip(!process.env.PARE_SCREENSHOTS, 'set PARE_SCREENSHOTS=1 to write docs/screenshot*.png');

const samplesIndex = join(process.cwd(), 'public', 'samples', 'index.json');

for (const scheme of ['light', 'dark'] as const) {
  test(`studio with a model open (${scheme})`, async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/');
    await expect(page.getByTestId('wasm-binary')).toHaveAttribute('data-binary', /.+/);
    if (existsSync(samplesIndex) && JSON.parse(readFileSync(samplesIndex, 'utf8')).length > 0) {
      await page.getByRole('button', { name: /^Open sample model/ }).first().click();
    } else {
      await regions(page).openModel.setInputFiles(fixture('nsfwjs-mobilenet-v2'));
    }
    await expect(page.getByTestId('param-count')).toBeVisible();
    const name = scheme === 'light' ? 'screenshot.png' : 'screenshot-dark.png';
    await page.screenshot({ path: join('docs', name) });
  });
}
