/**
 * The page stays responsive while the worker works: no task over 100 ms on the main thread during prune,
 * quantize and measure of the sample models, seen by a PerformanceObserver for "longtask".
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectParams } from './helpers';
import { chartPoints, setCompression } from './journey-helpers';

// Playwright's trace recording snapshots the DOM in the page at every action: that work is the test's, not the
// studio's, and would show up as long tasks.
test.use({ trace: 'off' });

const samples = JSON.parse(readFileSync(join(process.cwd(), 'public', 'samples', 'index.json'), 'utf8')) as {
  name: string;
  params: number;
}[];

test('the main thread stays free of long tasks while the worker prunes, quantizes and measures', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto('/');
  for (const sample of samples) {
    await page.getByRole('button', { name: `Open sample model: ${sample.name}` }).click();
    await expectParams(page, sample.params);
    await page.getByRole('button', { name: "Use the sample's test images" }).click();
    await expect(page.getByTestId('data-count')).toHaveText('1,000 samples · labelled');
    await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('5');
    await setCompression(page, 70, 'bits-4');
    await expect(page.getByTestId('size-estimate')).toHaveAttribute('data-status', 'ready');
    // Let the page settle before the window that counts. Inside it the test only uses CSS selectors and a cheap
    // polled predicate: role queries compute accessible names over the whole page and would be long tasks themselves.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    const from = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="job-status"]') === null &&
        document.querySelector('[data-testid="tradeoff-chart"] [data-point="variant"]') !== null &&
        document.querySelector('[data-testid="variant-row-original"] [data-testid="quality"][data-value]') !== null,
      null,
      { polling: 250, timeout: 120_000 },
    );
    const long = await page.evaluate((t) => (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks.filter((e) => e.start >= t), from);
    expect(long.filter((e) => e.duration > 100), `long tasks during Apply on ${sample.name}`).toEqual([]);
    await expect(chartPoints(page, 'variant')).toHaveCount(1);
  }
});
