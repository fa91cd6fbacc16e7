/**
 * Test-only: the structural part of the hostile corpus (hostile-cases.ts): layers topologies and graph node
 * lists broken one way at a time, each with the error code and the words opening it must give.
 */
import { assemble, layerList, type Json, type ModelParts } from './model-edit';
import { edited, type ErrorCase } from './hostile-cases';

/** Cases for layers models (Keras topologies). */
export function layersCases(base: string, parts: ModelParts): ErrorCase[] {
  const json = parts.jsonName;
  const layers = (p: ModelParts) => layerList(p.json);
  const weighted = layerList(parts.json).find((l) => (l.class_name === 'Dense' || l.class_name === 'Conv2D') && l.config.use_bias !== false)!;
  const name = weighted.config.name as string;
  const kernelAt = parts.weights.findIndex((w) => w.spec.name === `${name}/kernel`);
  const long = 'w'.repeat(100_000);
  const nested = (depth: number) => (p: ModelParts) => {
    let inner: Json = p.json.modelTopology.model_config ?? p.json.modelTopology;
    for (let i = 0; i < depth; i++) inner = { class_name: 'Sequential', config: { name: `wrap${i}`, layers: [inner] } };
    p.json.modelTopology = inner;
  };
  return [
    {
      name: `${base}: a kernel missing from the manifest`,
      files: () => edited(parts, (p) => p.weights.splice(kernelAt, 1)),
      code: 'missing-weight',
      says: [`${weighted.class_name} '${name}' needs '${name}/kernel', which is not in the manifest of '${json}'`],
    },
    {
      name: `${base}: no weightsManifest`,
      files: () => assemble(parts, { manifest: false }).slice(0, 1),
      code: 'missing-weight',
      says: [`needs '`, `it has no weightsManifest at all`, 'freshly initialised (random) weights'],
    },
    {
      name: `${base}: a weight no layer has`,
      files: () => edited(parts, (p) => p.weights.push({ spec: { name: 'stranger/kernel', shape: [2], dtype: 'float32' }, bytes: new Uint8Array(8) })),
      code: 'unowned-weight',
      says: [`Weight 'stranger/kernel' in the manifest of '${json}' belongs to no layer: no layer of the model has that name`],
    },
    {
      name: `${base}: a weight kind the layer does not have`,
      files: () => edited(parts, (p) => p.weights.push({ spec: { name: `${name}/gamma`, shape: [2], dtype: 'float32' }, bytes: new Uint8Array(8) })),
      code: 'unowned-weight',
      says: [`Weight '${name}/gamma'`, `${weighted.class_name} '${name}' has no weight 'gamma' (it has kernel, bias)`],
    },
    {
      name: `${base}: a bias the layer does not use`,
      files: () => edited(parts, (p) => (layers(p).find((l) => l.config.name === name)!.config.use_bias = false)),
      code: 'unowned-weight',
      says: [`Weight '${name}/bias'`, `has no weight 'bias' (it has kernel)`],
    },
    {
      name: `${base}: an unknown layer class`,
      files: () => edited(parts, (p) => (layers(p).find((l) => l.config.name === name)!.class_name = 'MyCustomDense')),
      code: 'unknown-layer',
      says: [`Layer '${name}' in '${json}' has class 'MyCustomDense'`, 'Unknown layer: MyCustomDense'],
    },
    {
      name: `${base}: a layer class that is an optimizer, not a layer`,
      files: () => edited(parts, (p) => (layers(p).find((l) => l.config.name === name)!.class_name = 'Adam')),
      code: 'unknown-layer',
      says: [`Layer '${name}'`, "class 'Adam'"],
    },
    {
      name: `${base}: a layer class with a control character`,
      files: () => edited(parts, (p) => (layers(p).find((l) => l.config.name === name)!.class_name = 'Dense\u0007')),
      code: 'unknown-layer',
      says: ["class 'Dense\\x07'"],
    },
    {
      name: `${base}: config.layers an object`,
      files: () => edited(parts, (p) => ((p.json.modelTopology.model_config ?? p.json.modelTopology).config.layers = { a: 1 })),
      code: 'bad-model-json',
      says: [`'${json}': modelTopology.config.layers should be a list of layers; found an object`],
    },
    {
      name: `${base}: a layer that is a number`,
      files: () => edited(parts, (p) => layers(p).splice(1, 0, 7)),
      code: 'bad-model-json',
      says: [`'${json}': modelTopology.config.layers[1] should be a layer ({class_name, config}); found the number 7`],
    },
    {
      name: `${base}: a layer that is null`,
      files: () => edited(parts, (p) => layers(p).splice(0, 0, null)),
      code: 'bad-model-json',
      says: ['modelTopology.config.layers[0] should be a layer', 'found null'],
    },
    {
      name: `${base}: nested in 200 Sequentials`,
      files: () => edited(parts, nested(200)),
      code: 'too-deep',
      says: [`'${json}' nests objects and arrays`, 'levels deep (at modelTopology.config.layers[0].config.layers…)', 'at most 512 levels deep'],
    },
    {
      name: `${base}: a Dense kernel contradicting units`,
      files: () => edited(parts, (p) => (layers(p).find((l) => l.config.name === name)!.config[weighted.class_name === 'Dense' ? 'units' : 'filters'] += 1)),
      code: 'shape-mismatch',
      says: [`Weight '${name}/kernel' in '${json}' has shape`, `for ${weighted.class_name} '${name}'`],
    },
    {
      name: `${base}: an activation stock TF.js does not know`,
      files: () => edited(parts, (p) => (layers(p).find((l) => l.config.name === name)!.config.activation = 'no_such_activation')),
      code: 'stock-refuses',
      says: [`Stock TF.js cannot load '${json}': it says 'Unknown activation: noSuchActivation`],
    },
    {
      name: `${base}: a weight name of 100,000 characters`,
      files: () => edited(parts, (p) => p.weights.push({ spec: { name: long, shape: [1], dtype: 'float32' }, bytes: new Uint8Array(4) })),
      code: 'unowned-weight',
      says: [`Weight '${'w'.repeat(60)}…`],
    },
  ];
}

/** Cases for graph models (TF GraphDefs). */
export function graphCases(base: string, parts: ModelParts): ErrorCase[] {
  const json = parts.jsonName;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const nodes = (p: ModelParts): any[] => p.json.modelTopology.node;
  const all = nodes(parts);
  const ops = all.filter((n) => n.op !== 'Const' && n.op !== 'Placeholder' && (n.input ?? []).length > 0);
  const [a, b] = [ops[0], ops[ops.length - 1]];
  const constAt = parts.weights.findIndex((w) => all.some((n) => n.name === w.spec.name && n.op === 'Const'));
  const constName = parts.weights[constAt].spec.name as string;
  const nodeNamed = (p: ModelParts, n: string) => nodes(p).find((x) => x.name === n)!;
  return [
    {
      name: `${base}: a cycle through the graph`,
      files: () => edited(parts, (p) => nodeNamed(p, a.name).input.push(b.name)),
      code: 'graph-cycle',
      says: [`The graph in '${json}' has a cycle of`, "' -> '", 'outside any while loop'],
    },
    {
      name: `${base}: a self-loop`,
      files: () => edited(parts, (p) => nodeNamed(p, a.name).input.push(`${a.name}:0`)),
      code: 'graph-cycle',
      says: [`Node '${a.name}' in '${json}' takes its own output as an input (a self-loop)`],
    },
    {
      name: `${base}: a control-input self-loop`,
      files: () => edited(parts, (p) => nodeNamed(p, b.name).input.push(`^${b.name}`)),
      code: 'graph-cycle',
      says: [`Node '${b.name}'`, 'self-loop'],
    },
    {
      name: `${base}: an input naming no node`,
      files: () => edited(parts, (p) => (nodeNamed(p, a.name).input[0] = 'ghost/node:0')),
      code: 'bad-graph',
      says: [`Node '${a.name}' in '${json}' takes input 'ghost/node:0', but the graph has no node 'ghost/node'`],
    },
    {
      name: `${base}: an empty node list`,
      files: () => edited(parts, (p) => (p.json.modelTopology.node = [])),
      code: 'bad-graph',
      says: [`'${json}' has an empty node list`],
    },
    {
      name: `${base}: no versions`,
      files: () => edited(parts, (p) => delete p.json.modelTopology.versions),
      code: 'bad-graph',
      says: [`'${json}' has no modelTopology.versions (found nothing)`],
    },
    {
      name: `${base}: a node that is a number`,
      files: () => edited(parts, (p) => nodes(p).splice(2, 0, 5)),
      code: 'bad-graph',
      says: [`'${json}': modelTopology.node[2] should be a node (an object with name and op); found the number 5`],
    },
    {
      name: `${base}: a node that is null`,
      files: () => edited(parts, (p) => nodes(p).push(null)),
      code: 'bad-graph',
      says: [`modelTopology.node[${all.length}] should be a node`, 'found null'],
    },
    {
      name: `${base}: a node that is a list`,
      files: () => edited(parts, (p) => nodes(p).unshift(['x'])),
      code: 'bad-graph',
      says: ['modelTopology.node[0] should be a node', 'found a list'],
    },
    {
      name: `${base}: a node without a name`,
      files: () => edited(parts, (p) => delete nodeNamed(p, a.name).name),
      code: 'bad-graph',
      says: [`'${json}': modelTopology.node[${all.indexOf(a)}] has no name (found nothing)`],
    },
    {
      name: `${base}: a node without an op`,
      files: () => edited(parts, (p) => delete nodeNamed(p, a.name).op),
      code: 'bad-graph',
      says: [`node '${a.name}' has no op`],
    },
    {
      name: `${base}: inputs that are not a list of names`,
      files: () => edited(parts, (p) => (nodeNamed(p, a.name).input = [1, 2])),
      code: 'bad-graph',
      says: [`the inputs of node '${a.name}' should be a list of node names; found a list`],
    },
    {
      name: `${base}: a Const node's weight missing from the manifest`,
      files: () => edited(parts, (p) => p.weights.splice(constAt, 1)),
      code: 'missing-weight',
      says: [`Const node '${constName}' in '${json}' has no weight in the manifest`],
    },
    {
      name: `${base}: a Const node shape contradicting its weight`,
      files: () =>
        edited(parts, (p) => {
          const w = p.weights[constAt].spec;
          w.shape = [...w.shape, 1];
        }),
      code: 'shape-mismatch',
      says: [`Weight '${constName}' in '${json}' has shape`, 'as its Const node in the graph declares'],
    },
    {
      name: `${base}: strides that are not a list`,
      files: () => edited(parts, (p) => {
        const conv = nodes(p).find((n) => n.attr?.strides?.list)!;
        conv.attr.strides.list.i = -1;
      }),
      code: 'stock-refuses',
      says: [`Stock TF.js cannot load '${json}': it says`],
    },
    {
      name: `${base}: a node list nested 1,000 deep in an attr`,
      files: () => edited(parts, (p) => (nodeNamed(p, a.name).attr = { deep: JSON.parse(`${'{"x":'.repeat(1000)}1${'}'.repeat(1000)}`) })),
      code: 'too-deep',
      says: [`'${json}' nests objects and arrays`, `at modelTopology.node[${all.indexOf(a)}].attr.deep.x…`],
    },
  ];
}

