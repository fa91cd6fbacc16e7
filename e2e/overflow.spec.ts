/**
 * Nothing scrolls sideways at common desktop, tablet and phone widths, with a graph model of long tensor names open
 * (human handtrack: names up to 161 characters) and its layer table, weights select and inventory showing. Wide
 * tables may scroll inside their own box; the page itself may not.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectParams, fixture, manifestParams, regions } from './helpers';

/** Elements whose right edge passes the viewport's, ignoring those inside something that clips them. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el: Element): boolean => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'hidden' || o === 'auto' || o === 'scroll' || o === 'clip') return p.getBoundingClientRect().right <= width + 0.5;
      }
      return false;
    };
    const out: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.right > width + 0.5 && !clipped(el)) {
        const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}`;
        out.push(`${name} right=${Math.round(r.right)} > ${width}`);
      }
    }
    return out.slice(0, 10);
  });
}

test('no horizontal overflow from 390 to 1920 px with a long-named graph model open', async ({ page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  const files = fixture('human-handtrack');
  await regions(page).openModel.setInputFiles(files);
  await expectParams(page, manifestParams(files.find((f) => f.name === 'handtrack.json')!.buffer));
  await expect(page.getByRole('table', { name: /^Layers/ })).toBeVisible();
  await expect(page.getByTestId('weight-histogram')).toBeVisible({ timeout: 60_000 });

  // Every width is checked before failing, so one run shows all that overflows.
  const found: Record<number, { scrollWidth: number; elements: string[] }> = {};
  for (const width of [390, 768, 1024, 1280, 1440, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await expect.poll(() => page.evaluate(() => window.innerWidth)).toBe(width);
    if (process.env.PARE_SCREENSHOTS) {
      await page.screenshot({ path: `test-results/overflow-${width}.png` });
      await page.getByRole('table', { name: /^Layers/ }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: `test-results/overflow-${width}-layers.png` });
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    const elements = await overflowing(page);
    if (scrollWidth > width || elements.length) found[width] = { scrollWidth, elements };
  }
  expect(found).toEqual({});
});
