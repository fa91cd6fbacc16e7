/**
 * The hostile corpus of issue 12, generated from real models (testing/hostile-cases.ts): every case is refused
 * with its own error code and a one-sentence message naming the file, weight or field, or opens with the warning
 * it must give. Messages stay printable and short whatever the input's names hold.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openModel } from './index';
import { PareError } from '../errors';
import type { InputFile } from '../model/types';
import { realFiles } from './testing/files';
import { assemble, explode } from './testing/model-edit';
import { anyModelCases, containerCases, warningCases, type ErrorCase, type WarningCase } from './testing/hostile-cases';
import { graphCases, layersCases } from './testing/hostile-structure-cases';

const SAMPLES = join(process.cwd(), 'public/samples');
const sample = (name: string): InputFile[] =>
  readdirSync(join(SAMPLES, name)).map((f) => ({ name: `${name}/${f}`, data: new Uint8Array(readFileSync(join(SAMPLES, name, f))) }));

const layersBases: [string, InputFile[]][] = [
  ['fashion-mlp', sample('fashion-mlp')],
  ['fashion-cnn', sample('fashion-cnn')],
  ['nsfwjs-mobilenet-v2', realFiles('nsfwjs-mobilenet-v2')],
];
const graphBases: [string, InputFile[]][] = ['human-emotion', 'human-blazeface', 'human-movenet-lightning'].map((n) => [n, realFiles(n)]);

const errorCases: ErrorCase[] = [
  ...layersBases.flatMap(([name, files]) => [...anyModelCases(name, explode(files)), ...layersCases(name, explode(files))]),
  ...graphBases.flatMap(([name, files]) => [...anyModelCases(name, explode(files)), ...graphCases(name, explode(files))]),
  ...containerCases(() => assemble(explode(layersBases[0][1]))),
];
const warnCases: WarningCase[] = [
  ...layersBases.flatMap(([name, files]) => warningCases(name, explode(files), false)),
  ...graphBases.flatMap(([name, files]) => warningCases(name, explode(files), true)),
];

// Control characters (ESC, BEL, ...) and bidirectional overrides must never reach a terminal raw.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('hostile corpus', () => {
  it(`holds at least 120 refusals, each named once (${errorCases.length} refusals, ${warnCases.length} warnings)`, () => {
    expect(errorCases.length).toBeGreaterThanOrEqual(120);
    expect(new Set(errorCases.map((c) => c.name)).size).toBe(errorCases.length);
    expect(new Set(warnCases.map((c) => c.name)).size).toBe(warnCases.length);
    // Every class has its own code: the corpus covers all of them.
    expect(new Set(errorCases.map((c) => c.code))).toEqual(
      new Set([
        'not-a-model', 'bad-encoding', 'unsafe-path', 'too-deep', 'shape-mismatch', 'too-large', 'unknown-dtype', 'shard-length',
        'missing-shard', 'missing-weight', 'unowned-weight', 'unknown-layer', 'bad-model-json', 'graph-cycle', 'bad-graph',
        'stock-refuses', 'empty-input', 'zip-bomb', 'zip-overlap', 'bad-zip-size', 'zip-nesting', 'bad-crc', 'bad-zip',
      ]),
    );
  });

  it('the unbroken models open without a warning', async () => {
    for (const [name, files] of [...layersBases, ...graphBases]) {
      const model = await openModel(assemble(explode(files)));
      expect(model.warnings, name).toEqual([]);
    }
  });

  for (const c of errorCases) {
    it(`${c.name} -> ${c.code}`, async () => {
      const error = await openModel(c.files()).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, 'should be refused').toBeInstanceOf(PareError);
      const e = error as PareError;
      expect({ code: e.code, message: e.message }).toMatchObject({ code: c.code });
      for (const fragment of c.says) expect(e.message).toContain(fragment);
      expect(e.message).toMatch(/\.$/);
      expect(e.message).not.toMatch(UNPRINTABLE);
      expect(e.message.length).toBeLessThan(800);
    });
  }

  for (const c of warnCases) {
    it(`${c.name} opens with a ${c.warning} warning`, async () => {
      const model = await openModel(c.files());
      const warning = model.warnings.find((w) => w.code === c.warning);
      expect(warning, JSON.stringify(model.warnings)).toBeDefined();
      for (const fragment of c.says) expect(warning!.message).toContain(fragment);
      expect(warning!.message).not.toMatch(UNPRINTABLE);
    });
  }
});
