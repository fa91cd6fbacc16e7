/** Test-only: a fresh store on a new fake client, with a small Dense model opened through the real action. */
import { expect, vi } from 'vitest';
import { openFiles, setStudioClient } from './actions';
import { denseWeights, FakeClient, fakeSourceFiles, inventory } from './fake-client';
import { resetStudio } from './store';

export async function freshStudioWithModel(): Promise<FakeClient> {
  resetStudio();
  const client = new FakeClient();
  setStudioClient(client);
  const done = openFiles(fakeSourceFiles('m/model.json', 'm/group1-shard1of1.bin'));
  await vi.waitFor(() => expect(client.opens.length).toBe(1));
  client.opens[0]!.resolve({ id: 'model-1', inventory: inventory(238_510, 'model.json', denseWeights('fc1', 784, 300)) });
  expect(await done).toBe(true);
  return client;
}
