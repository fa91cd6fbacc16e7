import { describe, expect, it } from 'vitest';
import { modelNameFor, nameFromPaths, nameInModelJson } from './model-name';

const file = (name: string, text = '') => ({ name, blob: new Blob([text]) });

describe('model names from files', () => {
  it('uses the folder the model came in', () => {
    expect(nameFromPaths([file('my-model/group1-shard1of1.bin'), file('my-model/model.json')])).toBe('my-model');
    expect(nameFromPaths([file('models/face/model.json')])).toBe('face');
  });

  it("uses a zip's or a model file's own name", () => {
    expect(nameFromPaths([file('nsfw.zip')])).toBe('nsfw');
    expect(nameFromPaths([file('emotion.json'), file('emotion.bin')])).toBe('emotion');
  });

  it('reads a bare model.json for the name written in it', async () => {
    const layers = JSON.stringify({ modelTopology: { model_config: { class_name: 'Model', config: { name: 'model_1' } } } });
    expect(await modelNameFor([file('model.json', layers), file('group1-shard1of1')])).toBe('model_1');
    expect(nameInModelJson({ modelTopology: { config: { name: 'sequential_3' } } })).toBe('sequential_3');
    expect(nameInModelJson({ modelTopology: { node: [] }, userDefinedMetadata: { name: 'blazeface' } })).toBe('blazeface');
  });

  it('falls back to the file name when nothing names the model', async () => {
    expect(await modelNameFor([file('model.json', '{"modelTopology": {"node": []}}')])).toBe('model.json');
    expect(await modelNameFor([file('model.json', 'not json')])).toBe('model.json');
  });
});
