/**
 * Keyboard and screen-reader details a new user hit: focus stays on what was pressed after Apply and after a
 * rename, every tab stop has a name (the histogram's svg was a nameless one), the y-axis labels are not clipped,
 * and the chart tooltip leaves with the focus.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectParams } from './helpers';
import { setCompression } from './journey-helpers';

/** The accessible name of the focused element, as the page exposes it (aria-label, its label, or its text). */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return '<body>';
    const labelled = el.getAttribute('aria-label');
    if (labelled) return labelled;
    const labels = (el as HTMLInputElement).labels;
    if (labels && labels.length) return labels[0].textContent?.trim() ?? '';
    return el.textContent?.trim() ?? '';
  });
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: /^Open sample model: Fashion-MNIST MLP/ }).click();
  await expectParams(page, 266_610);
  await page.getByRole('spinbutton', { name: 'Latency runs' }).fill('2');
});

test('focus stays on Apply while it runs and after, and returns to Rename after a rename', async ({ page }) => {
  await setCompression(page, 60, 'uint8');
  const apply = page.getByRole('button', { name: 'Apply', exact: true });
  await apply.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('job-status')).toBeVisible();
  expect(await focusedName(page)).toBe('Apply');
  await expect(page.getByTestId('job-status')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByTestId(/^variant-row-(?!original)/).getByTestId('cosine')).toBeVisible();
  expect(await focusedName(page)).toBe('Apply');

  await page.getByRole('button', { name: 'Rename Variant 1' }).press('Enter');
  const field = page.getByRole('textbox', { name: 'New name for Variant 1' });
  await expect(field).toBeFocused();
  await field.fill('Sparse uint8');
  await field.press('Enter');
  await expect(page.getByRole('button', { name: 'Rename Sparse uint8' })).toBeFocused();

  // The chart shows the new name, and its tooltip goes when the focus leaves the point.
  const point = page.getByRole('button', { name: /^Sparse uint8: / }).first();
  await point.focus();
  await expect(page.getByRole('tooltip')).toContainText('Sparse uint8');
  await page.getByRole('button', { name: 'Measure', exact: true }).focus();
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await point.focus();
  await expect(page.getByRole('tooltip')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('tooltip')).toHaveCount(0);
});

test('every tab stop has a name, and the y-axis labels fit inside their charts', async ({ page }) => {
  await setCompression(page, 40, 'keep');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByTestId('job-status')).toHaveCount(0, { timeout: 120_000 });
  await expect(page.getByTestId('weight-histogram')).toBeVisible();
  await expect(page.getByTestId('tradeoff-chart').first()).toHaveAttribute('data-points', '2');

  const nameless = await page.evaluate(() => {
    const stops = Array.from(document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, [tabindex]'));
    return stops
      .filter((el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0)
      .filter((el) => {
        const labels = (el as HTMLInputElement).labels;
        const byId = el.getAttribute('aria-labelledby');
        return !(el.getAttribute('aria-label') || (labels && labels.length && labels[0].textContent?.trim()) || byId || el.textContent?.trim() || el.getAttribute('title'));
      })
      .map((el) => el.outerHTML.slice(0, 120));
  });
  expect(nameless).toEqual([]);
  // The histogram's svg is not a tab stop of its own.
  await expect(page.getByTestId('weight-histogram').locator('svg[tabindex]')).toHaveCount(0);

  // Each y tick's text starts inside its svg (a clipped "89.0%" read "39.0%"), for every y metric ("100%" is
  // the widest label of agreement).
  const metrics = page.getByRole('radiogroup', { name: 'Quality on the y axis' });
  for (const metric of ['cosine', 'relative error', 'agreement']) {
    await metrics.getByLabel(metric).check();
    const clipped = await page.evaluate(() =>
      Array.from(document.querySelectorAll('[data-testid="tradeoff-chart"] svg')).flatMap((svg) => {
        const left = svg.getBoundingClientRect().left;
        return Array.from(svg.querySelectorAll('.recharts-yAxis-tick-labels text'))
          .filter((t) => t.getBoundingClientRect().left < left - 0.5)
          .map((t) => t.textContent);
      }),
    );
    expect(clipped, `clipped y labels with ${metric}`).toEqual([]);
  }
  await expect(page.locator('[data-testid="tradeoff-chart"] .recharts-yAxis-tick-labels text').getByText('100%').first()).toBeVisible();
  // And there were labels to check: the selector would otherwise pass on nothing.
  await expect(page.locator('[data-testid="tradeoff-chart"] .recharts-yAxis-tick-labels text').first()).toBeVisible();
});
