/**
 * The layer classes stock TF.js (4.22) registers, as a list, so that opening a large layers model needs no TF.js:
 * its registry was the only reason to load it (about 60 MB and 0.7 s of CPU) when the stock build is skipped for
 * size (stock-check.ts). stock-layer-classes.test.ts checks the list against the installed TF.js's registry, so an
 * upgrade that adds or drops a class fails there. A class not on the list still asks TF.js itself (classes
 * registered at run time are only in its registry).
 */
import type { StockRegistry } from './stock-check';

export const STOCK_LAYER_CLASSES: ReadonlySet<string> = new Set([
  'Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'BatchNormalization', 'Bidirectional', 'CategoryEncoding', 'CenterCrop', 'Concatenate', 'Conv1D', 'Conv2D',
  'Conv2DTranspose', 'Conv3D', 'Conv3DTranspose', 'ConvLSTM2D', 'ConvLSTM2DCell', 'Cropping2D', 'Dense',
  'DepthwiseConv2D', 'Dot', 'Dropout', 'ELU', 'Embedding', 'Flatten', 'Functional', 'GRU', 'GRUCell',
  'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'InputLayer', 'LSTM', 'LSTMCell', 'LayerNormalization', 'LeakyReLU', 'Masking',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'Minimum', 'Model', 'Multiply', 'PReLU', 'Permute',
  'RNN', 'RandomWidth', 'ReLU', 'RepeatVector', 'Rescaling', 'Reshape', 'Resizing', 'SeparableConv2D', 'Sequential',
  'SimpleRNN', 'SimpleRNNCell', 'Softmax', 'SpatialDropout1D', 'StackedRNNCells', 'ThresholdedReLU',
  'TimeDistributed', 'UpSampling2D', 'ZeroPadding2D',
]);

/** A registry that answers from the list, and remembers whether it was asked about a class not on it. */
export function listedLayerClasses(): StockRegistry & { missed(): boolean } {
  let missed = false;
  return {
    isLayerClass: (className) => {
      const known = STOCK_LAYER_CLASSES.has(className);
      if (!known) missed = true;
      return known;
    },
    unknownOps: () => {
      throw new Error('Internal error: the listed layer classes answer for layers models only.');
    },
    missed: () => missed,
  };
}
