/**
 * Recovery training in the studio, like a person: the sample MLP with its test images, pruned to 80% at 4 bits,
 * fine-tuned on the first 480 images and validated on the next 120. Cancel keeps nothing; Stop keeps the best
 * epoch so far as a variant on the trade-off chart; Resume trains the remaining epochs into another. While
 * training runs with live curves, the main thread has no task over 100 ms (a PerformanceObserver for 'longtask').
 */
import { expect, test, type Page } from '@playwright/test';
import { chartPoints, setCompression } from './journey-helpers';
import { openSample, sample } from './sample-session';

// Playwright's trace recording snapshots the DOM at every action: that work is the test's, not the studio's.
test.use({ trace: 'off' });

type LongTasks = { start: number; duration: number }[];
const longTasksSince = (page: Page, from: number) =>
  page.evaluate((t) => (window as unknown as { __longTasks: LongTasks }).__longTasks.filter((e) => e.start >= t && e.duration > 100), from);

test('Recover: Cancel, Stop keeping the best epoch, Resume; the variants on the chart; no long tasks while training', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: LongTasks };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await openSample(page, sample('fashion-mlp'), { withData: true, latencyRuns: 3 });
  await setCompression(page, 80, 'bits-4');
  const panel = page.getByRole('region', { name: 'Recover' });
  await panel.getByLabel('Epochs', { exact: true }).fill('8');
  await panel.getByLabel('Batch', { exact: true }).fill('8');
  await panel.getByLabel('Training samples').fill('480');
  await panel.getByLabel('Validation samples').fill('120');
  await expect(panel.getByTestId('recover-split')).toHaveText('Trains on samples 1–480, validates on 481–600, and measures every model on the 400 after them.');
  await expect(panel.getByTestId('recover-recipe')).toContainText('80% global · fine-tune 8 epochs · 4-bit');
  await expect(panel.getByTestId('recover-recipe')).toContainText('Quantization runs after training, keeping zeros exact.');

  // Cancel: nothing is made, the curves so far stay.
  await panel.getByRole('button', { name: 'Start training' }).click();
  await expect(panel.getByTestId('training-epoch')).toContainText('of 8');
  await panel.getByTestId('job-status').getByRole('button', { name: 'Cancel' }).click();
  await expect(panel.getByTestId('job-notice')).toContainText('Cancelled while training on samples 1–480');
  await expect(chartPoints(page, 'variant')).toHaveCount(0);

  // Stop after the first epoch: the best epoch so far becomes a variant. The window that counts long tasks uses
  // CSS selectors and cheap polled predicates only (role queries over the whole page are long tasks themselves).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  const from = await page.evaluate(() => performance.now());
  await page.locator('.recover .apply-row .button.primary').click();
  await page.waitForFunction(() => /best so far: epoch \d/.test(document.querySelector('[data-testid="training-best"]')?.textContent ?? ''), null, { polling: 250, timeout: 60_000 });
  const stopAt = await page.evaluate(() => performance.now());
  await page.locator('.recover .apply-row button', { hasText: 'Stop (keep the best)' }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="training-result"]') !== null, null, { polling: 250, timeout: 90_000 });
  const endAt = await page.evaluate(() => performance.now());
  const long = (await longTasksSince(page, from)).filter((e) => e.start < endAt);
  // Soft: the rest of the journey is still checked (and reported) when this fails.
  expect.soft(long, `long tasks while training (from ${Math.round(from)} ms, Stop at ${Math.round(stopAt)}, trained at ${Math.round(endAt)})`).toEqual([]);
  await expect(page.getByTestId('job-status')).toHaveCount(0, { timeout: 60_000 });
  const result = panel.getByTestId('training-result');
  await expect(result).toContainText(/Stopped in epoch \d of 8; kept epoch \d \(validation accuracy \d+\.\d%\)\. Recorded as "stopAfter": \d/);
  await expect(chartPoints(page, 'variant')).toHaveCount(1);
  await expect(panel.getByTestId('training-chart')).toBeVisible();
  await page.screenshot({ path: '/tmp/recover-shots/recover-1280.png', fullPage: true });

  // Resume: the remaining epochs from the kept checkpoint, a second variant.
  await panel.getByRole('button', { name: 'Resume' }).click();
  await expect(result).toContainText('Training completed.', { timeout: 90_000 });
  await expect(page.getByTestId('job-status')).toHaveCount(0, { timeout: 60_000 });
  await expect(panel.getByTestId('training-epoch')).toContainText('8 of 8');
  await expect(chartPoints(page, 'variant')).toHaveCount(2);
  await expect(panel.getByRole('button', { name: 'Resume' })).toHaveCount(0);

  await page.setViewportSize({ width: 390, height: 900 });
  await panel.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: '/tmp/recover-shots/recover-390.png' });
  await page.setViewportSize({ width: 1280, height: 900 });
  await panel.screenshot({ path: '/tmp/recover-shots/recover-panel-1280.png' });
});
