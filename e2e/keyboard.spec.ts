/**
 * The journey by keyboard alone, through the accessible names the page promises: "Open model", "Open data",
 * "Global sparsity", "Quantization", "Apply", "Export", and per-layer controls named after their layer.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectParams } from './helpers';

/** Presses Tab until the focused element has this accessible name (at most `limit` times). */
async function tabTo(page: Page, name: string, limit = 120): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const labelled = el.getAttribute('aria-label');
      if (labelled) return labelled;
      const labels = (el as HTMLInputElement).labels;
      if (labels && labels.length) return labels[0].textContent?.trim() ?? '';
      return el.textContent?.trim() ?? '';
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached a control named '${name}'.`);
}

test('every step of the journey is reachable and operable by keyboard', async ({ page }) => {
  await page.goto('/');
  // The file inputs are in the tab order under their names.
  await tabTo(page, 'Open model');
  await tabTo(page, 'Open sample model: Fashion-MNIST MLP 784-300-100-10');
  await page.keyboard.press('Enter');
  await expectParams(page, 266_610);
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('3');
  await page.locator('body').focus();

  await tabTo(page, 'Open data');
  await tabTo(page, 'Global sparsity');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('global-sparsity-value')).toHaveText('5%');
  await page.keyboard.press('End');
  await expect(page.getByTestId('global-sparsity-value')).toHaveText('99%');
  await page.keyboard.press('Home');
  for (let i = 0; i < 30; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('global-sparsity-value')).toHaveText('30%');

  await tabTo(page, 'Quantization');
  await page.getByRole('combobox', { name: 'Quantization', exact: true }).press('ArrowDown');
  await expect(page.getByRole('combobox', { name: 'Quantization', exact: true })).toHaveValue('none');

  await tabTo(page, 'Apply');
  await page.keyboard.press('Enter');
  const row = page.getByTestId(/^variant-row-(?!original)/);
  await expect(row.getByTestId('quality')).toHaveText(/agree/, { timeout: 60_000 });

  // Per-layer controls carry their layer's name.
  await tabTo(page, 'fc2 sparsity');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('button', { name: 'Reset fc2' })).toBeEnabled();
  await page.getByRole('button', { name: 'Reset fc2' }).press('Enter');
  await expect(page.getByRole('button', { name: 'Reset fc2' })).toBeDisabled();

  // The original is selected on a chart point by keyboard, then the variant again in the table.
  await page.getByRole('button', { name: /^Original: / }).first().press('Enter');
  await expect(page.getByRole('radio', { name: 'Select Original' })).toBeChecked();
  await expect(page.getByRole('button', { name: 'Export', exact: true })).toBeDisabled();
  await page.getByRole('radio', { name: 'Select Variant 1' }).press('Space');
  await expect(page.getByRole('button', { name: 'Export', exact: true })).toBeEnabled();

  await tabTo(page, 'Export');
  const downloading = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect((await downloading).suggestedFilename()).toMatch(/variant-1\.zip$/);
});
