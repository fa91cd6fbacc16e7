/**
 * Builds the `pare` command to plain JavaScript (build/cli/main.js) for an installed package, where tsx, a
 * devDependency, is absent. An SSR build: Node built-ins and dependencies stay imports, resolved from the
 * installed package's node_modules; only Pare's own code is bundled. The studio's build (vite.config.ts) writes
 * dist/ and would empty this folder, hence its own.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  build: {
    ssr: 'src/cli/main.ts',
    outDir: 'build/cli',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
  },
});
