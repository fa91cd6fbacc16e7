#!/usr/bin/env node
// The `pare` command. In the repository (after `npm ci`) it runs the TypeScript source through tsx, a
// devDependency, so there is no build step to forget and no stale build to run. In an installed package, which
// ships build/cli (see `npm run build:cli`) and no src/, it runs the built JavaScript.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../build/cli/main.js', import.meta.url);

let cli;
if (existsSync(source)) {
  const { tsImport } = await import('tsx/esm/api');
  cli = await tsImport(source.href, import.meta.url);
} else {
  cli = await import(built.href);
}
await cli.main(process.argv.slice(2));
