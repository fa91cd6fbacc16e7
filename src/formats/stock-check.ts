/**
 * What stock TF.js itself says about a model file, asked at open so that Pare never accepts silently what the
 * stock loader refuses: its layer registry ("Unknown layer: ..."), its graph executor's op list, and finally its
 * own loader on the topology (initializer, constraint and activation names, shapes that do not build, node
 * attributes it cannot parse). Pare's named checks run first and say more; this is the net under them.
 * TF.js is imported here on first use, so commands that never open a model do not load it.
 */
import { PareError } from '../errors';
import { quoteName } from '../files/quote';

type Tf = typeof import('@tensorflow/tfjs');

let tfModule: Promise<Tf> | null = null;
const loadTf = (): Promise<Tf> => (tfModule ??= import('@tensorflow/tfjs'));

/**
 * Layers models are built by stock TF.js to check them, which allocates their weights once (then freed). Past
 * this many parameters (a 64 MB float32 model) that costs too much time and memory, and the build is skipped:
 * Pare's own checks (classes, weights, shapes) still run.
 */
export const STOCK_BUILD_MAX_PARAMS = 16_000_000;

export interface StockRegistry {
  /** Whether `className` is a layer class TF.js knows (registered, and a Layer rather than an optimizer). */
  isLayerClass(className: string): boolean;
  /** The ops among `ops` that TF.js's graph executor has no mapping for (registerOp'd custom ops are known). */
  unknownOps(ops: readonly string[]): string[];
}

const opKnown = new Map<string, boolean>();

export async function stockRegistry(): Promise<StockRegistry> {
  const tf = await loadTf();
  return {
    isLayerClass: (className) => {
      const registered = tf.serialization.SerializationMap.getMap().classNameMap[className];
      return registered !== undefined && registered[0].prototype instanceof tf.layers.Layer;
    },
    unknownOps: (ops) => {
      // The converter keeps its op list internal, so the executor is asked: a graph of one node per op is loaded,
      // and a node whose op it does not know gets no category.
      const fresh = ops.filter((op) => !opKnown.has(op));
      if (fresh.length > 0) {
        const topology = { node: fresh.map((op, i) => ({ name: `n${i}`, op, attr: {} })), versions: { producer: 1, minConsumer: 0 } };
        let mapped: Record<string, { category?: string }> | undefined;
        try {
          const model = tf.loadGraphModelSync(tf.io.fromMemorySync({ modelTopology: topology, weightSpecs: [], weightData: new ArrayBuffer(0) }));
          mapped = (model as unknown as { executor?: { graph?: { nodes?: Record<string, { category?: string }> } } }).executor?.graph?.nodes;
        } catch {
          mapped = undefined;
        }
        // If the executor's shape ever changes, say nothing rather than warn about every op.
        fresh.forEach((op, i) => opKnown.set(op, mapped ? mapped[`n${i}`]?.category !== undefined : true));
      }
      return ops.filter((op) => !opKnown.get(op));
    },
  };
}

/** A weight as stock TF.js builds it from the topology: its manifest name and shape. */
export interface BuiltWeight {
  name: string;
  shape: number[];
}

/**
 * Loads the topology with the stock loader, without weights: graphs are only parsed (nothing is allocated);
 * layers models are built, up to STOCK_BUILD_MAX_PARAMS, and their weights returned (null when not built).
 * @throws PareError('stock-refuses') quoting what stock TF.js says, escaped and shortened
 */
export async function checkWithStockLoader(
  format: 'layers-model' | 'graph-model',
  topology: unknown,
  params: number,
  file: string,
): Promise<BuiltWeight[] | null> {
  if (format === 'layers-model' && params > STOCK_BUILD_MAX_PARAMS) return null; // before TF.js loads: it may not need to
  const tf = await loadTf();
  try {
    if (format === 'graph-model') {
      tf.loadGraphModelSync(tf.io.fromMemorySync({ modelTopology: topology as object, weightSpecs: [], weightData: new ArrayBuffer(0) }));
      return null;
    }
    if (!tf.engine().backendName) {
      // Nothing chose a backend (pare inspect): the pure-JS one, quiet, is enough to build a model once.
      tf.enableProdMode();
      await tf.setBackend('cpu');
    }
    const model = await tf.models.modelFromJSON({ modelTopology: structuredClone(topology) as object } as never);
    const built = model.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[] }));
    model.dispose();
    return built;
  } catch (e) {
    const said = e instanceof Error ? e.message : String(e);
    // A kernel the current backend lacks (wasm has fewer than cpu) says nothing about the file: not built, not refused.
    if (format === 'layers-model' && /kernel '[^']*' not registered|not registered for backend/i.test(said)) return null;
    const first = said.split('\n')[0].trim();
    throw new PareError(
      'stock-refuses',
      `Stock TF.js cannot load ${quoteName(file)}: it says ${quoteName(first.length > 200 ? `${first.slice(0, 200)}…` : first)}.`,
      { file },
    );
  }
}
