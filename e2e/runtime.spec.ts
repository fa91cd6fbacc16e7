/** The runtime panel reports what the worker really loaded, in Debian's Chromium with COOP/COEP headers. */
import { expect, test } from '@playwright/test';
import { regions } from './helpers';

test('the worker runs the threaded SIMD wasm binary in a cross-origin isolated page', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto('/');
  const runtime = regions(page).runtime;
  const binary = page.getByTestId('wasm-binary');
  await expect(binary).toHaveAttribute('data-binary', /^(threaded-simd|simd|plain)$/);
  await expect(page.getByTestId('cross-origin-isolated')).toHaveText('Yes');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(binary).toHaveAttribute('data-binary', 'threaded-simd');
  await expect(binary).toContainText(/\d+ threads?/);
  // The backends fold away under the headline.
  await runtime.getByText('Backends and details').click();
  await expect(runtime.getByRole('listitem').filter({ hasText: 'cpu' })).toContainText('available');
  // The wasm backend passed its self-check in the worker, and nothing failed on the way (the threaded build's
  // pthread workers report "ReferenceError" here when the minifier breaks them).
  await expect(runtime.getByRole('listitem').filter({ hasText: 'wasm' })).toContainText('available');
  expect(problems).toEqual([]);
});
