/** Test-only: a folder of .fixtures/real as the files a user would drop, named like a dropped folder. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InputFile } from '../../model/types';

export const REAL = fileURLToPath(new URL('../../../.fixtures/real', import.meta.url));

export const REAL_MODELS = [
  'nsfwjs-mobilenet-v2',
  'human-emotion',
  'human-handtrack',
  'human-movenet-lightning',
  'human-blazeface',
] as const;

export function realFiles(name: string): InputFile[] {
  const dir = join(REAL, name);
  return readdirSync(dir).map((file) => ({ name: `${name}/${file}`, data: new Uint8Array(readFileSync(join(dir, file))) }));
}
