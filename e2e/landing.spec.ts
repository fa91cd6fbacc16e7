/** The landing page: the samples are the first thing offered, prominent; the runtime's details fold away. */
import { expect, test } from '@playwright/test';
import { expectParams } from './helpers';

test('before any model, the samples lead the workspace, and the runtime details are folded', async ({ page }) => {
  await page.goto('/');
  const start = page.getByRole('region', { name: 'Start with a sample' });
  await expect(start).toBeVisible();
  const open = start.getByRole('button', { name: /^Open sample model: / });
  await expect(open.first()).toBeVisible();
  // Prominent: primary buttons, above the fold at a laptop's height, and only one button per sample on the page.
  await expect(open.first()).toHaveClass(/primary/);
  const box = await open.first().boundingBox();
  expect(box!.y + box!.height).toBeLessThan(page.viewportSize()!.height);
  const count = await open.count();
  await expect(page.getByRole('button', { name: /^Open sample model: / })).toHaveCount(count);

  const runtime = page.getByRole('region', { name: 'Runtime' });
  await expect(page.getByTestId('wasm-binary')).toHaveAttribute('data-binary', /.+/);
  await expect(runtime.getByRole('list', { name: 'Backends' })).toBeHidden();
  await runtime.getByText('Backends and details').click();
  await expect(runtime.getByRole('list', { name: 'Backends' })).toBeVisible();

  // Once a model is open, the samples move to a compact list for switching.
  await open.first().click();
  await expectParams(page, 266_610);
  await expect(start).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Model' }).getByRole('button', { name: /^Open sample model: / })).toHaveCount(count);
});
