/**
 * The studio's API over the core, without any worker plumbing: studio.worker.ts exposes it with Comlink, and the
 * tests call it directly in Node. Models stay here, in a Map by id; the page only ever sees inventories.
 */
import type { OpenedModel } from '../model/types';
import type { InputFile } from '../model/types';
import type { ModelInventory } from '../model/types';
import type { OpenedModelRef, RuntimeInfo, StudioApi } from './api';

export interface StudioDeps {
  /** Resolves once the backends are set up (the worker starts this at load time). */
  runtime: () => Promise<RuntimeInfo>;
  openModel: (files: InputFile[]) => Promise<OpenedModel>;
  inventoryOf: (model: OpenedModel) => ModelInventory;
}

export interface StudioState {
  api: StudioApi;
  /** The models held, for later calls (prune, measure, export) that will look them up by id. */
  models: Map<string, OpenedModel>;
}

/**
 * Builds the studio API around the core's functions.
 *
 * @example
 *   const { api } = createStudioApi({ runtime: () => setupBackends(), openModel, inventoryOf });
 *   const { id, inventory } = await api.openModel(files);
 */
export function createStudioApi(deps: StudioDeps): StudioState {
  const models = new Map<string, OpenedModel>();
  let nextId = 1;

  const api: StudioApi = {
    runtime: () => deps.runtime(),

    async openModel(files: InputFile[]): Promise<OpenedModelRef> {
      // Readers may decode weights with tf ops, which need a backend.
      await deps.runtime();
      const model = await deps.openModel(files);
      const inventory = deps.inventoryOf(model);
      const id = `model-${nextId++}`;
      models.set(id, model);
      return { id, inventory };
    },

    async closeModel(id: string): Promise<void> {
      models.delete(id);
    },
  };
  return { api, models };
}
