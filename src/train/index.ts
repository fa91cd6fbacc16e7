/**
 * Training in the worker and in Node.
 *
 * - `trainLayersModel(model, data, options)`: the training loop (loop.ts). Trains a tf.LayersModel in place on the
 *   current backend with Adam: seeded shuffles, a validation split or set, the best checkpoint kept, patience,
 *   masks that keep pruned weights at zero, gradual pruning, distillation, progress and cancellation.
 * - `trainingTopology(topology)`: the topology to load for training, with a final softmax made linear (logits).
 * - `registerWasmTrainingKernels()`: the gradient kernels wasm lacks; setupBackends (src/runtime) calls it.
 * - losses, the cubic pruning schedule and masks, for callers that build on them.
 *
 * @example
 *   const { topology, output } = trainingTopology(artifacts.modelTopology);
 *   const model = await tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: topology }));
 *   const result = await trainLayersModel(model, dataset, { epochs: 5, batch: 32, learningRate: 1e-3, seed: 1, output });
 */
export { trainLayersModel } from './loop';
export { trainingTopology } from './training-topology';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './kernels/register';
export { cosineLoss, distillLoss, labelLoss, mseLoss, softTargetLoss, totalLoss } from './losses';
export type { DistillLoss, DistillSpec, OutputKind } from './losses';
export { maskOfZeros } from './masks';
export { pruneUpdates, scheduleFor, sparsityAt } from './schedule';
export type { GradualSchedule } from './schedule';
export type { EpochRecord, GradualPruning, TrainOptions, TrainProgress, TrainResult } from './types';
