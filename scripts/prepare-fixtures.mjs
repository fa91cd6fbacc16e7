#!/usr/bin/env node
// Lays out real published TF.js models from npm packages (devDependencies) as plain files under .fixtures/real/,
// so tests can open them the way a user would drop them. Idempotent and fast; the output is not committed.
//
// - nsfwjs ships its MobileNetV2 (a Keras layers model, uint8-quantized, an older file with no `format` field and a
//   shard named without `.bin`) wrapped in JS modules; we unwrap it back to model.json + the shard, byte for byte.
// - @vladmandic/human ships graph models as plain files; they are copied as they are.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, existsSync, copyFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, '.fixtures', 'real');

function nsfwjsMobilenet() {
  const dir = join(out, 'nsfwjs-mobilenet-v2');
  if (existsSync(join(dir, 'model.json'))) return;
  mkdirSync(dir, { recursive: true });
  const base = join(root, 'node_modules', 'nsfwjs');
  const modelDir = join(base, 'dist', 'models', 'mobilenet_v2');
  const model = require(join(modelDir, 'model.min.js'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
  for (const path of model.weightsManifest.flatMap((g) => g.paths)) {
    const b64 = require(join(modelDir, `${path}.min.js`));
    writeFileSync(join(dir, path), Buffer.from(typeof b64 === 'string' ? b64 : b64.default, 'base64'));
  }
}

function humanGraphModels() {
  const src = join(root, 'node_modules', '@vladmandic', 'human', 'models');
  for (const name of ['emotion', 'handtrack', 'movenet-lightning', 'blazeface']) {
    const dir = join(out, `human-${name}`);
    if (existsSync(join(dir, `${name}.json`))) continue;
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(src).filter((f) => f === `${name}.json` || f === `${name}.bin`)) {
      copyFileSync(join(src, f), join(dir, f));
    }
  }
}

nsfwjsMobilenet();
humanGraphModels();
