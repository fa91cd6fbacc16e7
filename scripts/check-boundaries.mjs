#!/usr/bin/env node
// The core in src/ runs in a worker, in Node and in Vitest: it never imports React (or the page's other
// libraries) and never reaches into app/. TypeScript alone cannot refuse such an import (the types are installed
// for the page), so `npm run typecheck` runs this check and fails on the first violation it lists.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages only the page may use. */
const PAGE_ONLY = ['react', 'react-dom', 'zustand', 'recharts', '@vitejs/plugin-react'];

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts|js|mjs)$/.test(e.name) ? [path] : [];
  });
}

/**
 * Every import in `srcDir` that breaks the boundary, as "file:line: imports 'x' (why)".
 * @example boundaryViolations('src') // [] when the core is clean
 */
export function boundaryViolations(srcDir) {
  const root = resolve(srcDir);
  const out = [];
  for (const file of sourceFiles(root)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const spec = m[2];
      const line = text.slice(0, m.index).split('\n').length;
      const where = `${relative(process.cwd(), file)}:${line}`;
      const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (PAGE_ONLY.includes(pkg)) out.push(`${where}: imports '${spec}', which only the page (app/) may use`);
      else if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (target !== root && !target.startsWith(root + sep)) {
          out.push(`${where}: imports '${spec}', outside src/ (the core must not depend on app/ or scripts/)`);
        }
      }
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = boundaryViolations(process.argv[2] ?? 'src');
  if (problems.length) {
    console.error(`src/ must not import React or app/ (${problems.length} violation${problems.length === 1 ? '' : 's'}):`);
    for (const p of problems) console.error(`  ${p}`);
    process.exit(1);
  }
}
