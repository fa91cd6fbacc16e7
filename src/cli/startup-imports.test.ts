/**
 * `pare` must not load TF.js before a command needs it: TF.js and its kernels weigh about 80 MiB of memory in the
 * process, which at 25M parameters is most of the gap to issue 13's budget (peak RSS at most 3x the float32
 * weights), and commands such as `inspect` and `optimize` without training steps never run a model. A static
 * import anywhere on the way in (main.ts, the commands, the recipe runners) pulls it in for every command; the
 * modules that need TF.js import it with `await import(...)` when they run. This walks the static import graph
 * with esbuild's metafile and names the chain to any static TF.js import.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** Each module that statically imports a TF.js package, with the chain of static imports that reaches it. */
async function staticTfChains(entry: string): Promise<string[]> {
  const { metafile } = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  const inputs = metafile.inputs;
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  const chains: string[] = [];
  while (queue.length) {
    const file = queue.shift()!;
    for (const imp of inputs[file]?.imports ?? []) {
      if (imp.kind === 'dynamic-import') continue;
      if (imp.path.startsWith('@tensorflow/')) {
        const chain = [imp.path];
        for (let at: string | null = file; at; at = parent.get(at) ?? null) chain.push(at);
        chains.push(chain.reverse().join(' > '));
      } else if (inputs[imp.path] && !parent.has(imp.path)) {
        parent.set(imp.path, file);
        queue.push(imp.path);
      }
    }
  }
  return chains;
}

describe('the CLI at start-up', () => {
  it('reaches no TF.js package through static imports', async () => {
    expect(await staticTfChains('src/cli/main.ts')).toEqual([]);
  });

  it('the check finds a static TF.js import where there is one', async () => {
    const chains = await staticTfChains('src/train/retarget/features.ts');
    expect(chains).toEqual(['src/train/retarget/features.ts > @tensorflow/tfjs']);
  });
});
