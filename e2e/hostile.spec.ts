/**
 * Hostile input in the built studio (issue 12): a zip bomb, a zip whose entry climbs out of its folder and a
 * graph model with a cycle are each refused with their message where the user acted, and the page stays usable:
 * a sample opens right after.
 */
import { expect, test, type Page } from '@playwright/test';
import { deflatedZeros } from '../src/files/testing/hostile';
import { entry, writeZip } from '../src/files/testing/zip-writer';
import { assemble, explode } from '../src/formats/testing/model-edit';
import { expectParams, fixture, regions } from './helpers';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Pare', level: 1 })).toBeVisible();
});

/** Refused with `says`, then the page opens the MLP sample and the error goes away. */
async function refusedThenUsable(page: Page, says: string[]): Promise<void> {
  const alert = regions(page).model.getByRole('alert');
  await expect(alert).toBeVisible();
  for (const fragment of says) await expect(alert).toContainText(fragment);
  await page.getByRole('button', { name: /^Open sample model: Fashion-MNIST MLP/ }).click();
  await expectParams(page, 266_610);
  await expect(alert).toBeHidden();
}

test('a zip bomb (64 MiB of zeros behind a 4 KB declaration) is refused naming the entry', async ({ page }) => {
  const bomb = writeZip([entry('m/model.json', '{}'), { name: 'm/group1-shard1of1.bin', stored: deflatedZeros(64), method: 8, crc: 0, size: 4096 }]);
  await regions(page).openModel.setInputFiles({ name: 'bomb.zip', mimeType: 'application/zip', buffer: Buffer.from(bomb) });
  await refusedThenUsable(page, ["Entry 'm/group1-shard1of1.bin' in 'bomb.zip' inflates past the 4,096 bytes it declares"]);
});

test("a zip whose entry climbs out of its folder with '..' is refused", async ({ page }) => {
  const evil = writeZip([entry('../../evil/model.json', '{"modelTopology":{"node":[]}}')]);
  await regions(page).openModel.setInputFiles({ name: 'evil.zip', mimeType: 'application/zip', buffer: Buffer.from(evil) });
  await refusedThenUsable(page, ["Entry '../../evil/model.json' in 'evil.zip'", "climbs out of the archive's folder with '..'"]);
});

test('a graph model with a cycle is refused naming the file', async ({ page }) => {
  const parts = explode(fixture('human-emotion').map((f) => ({ name: f.name, data: new Uint8Array(f.buffer) })));
  const nodes = parts.json.modelTopology.node as { name: string; op: string; input?: string[] }[];
  const ops = nodes.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && (n.input ?? []).length > 0);
  ops[0].input!.push(ops[ops.length - 1].name);
  const files = assemble(parts).map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.data) }));
  await regions(page).openModel.setInputFiles(files);
  await refusedThenUsable(page, ["The graph in 'emotion.json' has a cycle of", 'outside any while loop']);
});
