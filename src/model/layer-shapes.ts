/**
 * Output shapes of Keras layers worked out from their configs alone, so a layers model's inventory can show its
 * outputs without building the model in TF.js. Covers the layers real TF.js models are made of; an unknown layer
 * yields `undefined` and the caller reports the shape as unknown rather than guessing.
 */
export type Shape = (number | null)[];

type Config = Record<string, unknown>;

/** Layers whose output has the shape of their (first) input. */
const SAME_SHAPE = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax', 'ThresholdedReLU', 'Dropout', 'SpatialDropout1D',
  'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'BatchNormalization',
  'LayerNormalization', 'Masking', 'Rescaling', 'ActivityRegularization', 'Normalization', 'UnitNormalization',
  'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'RandomFlip', 'RandomRotation', 'RandomZoom',
  'RandomContrast', 'RandomTranslation', 'InputLayer',
]);

/**
 * The output shape of one layer given its input shapes, or undefined when Pare does not know the layer.
 *
 * @example
 *   layerOutputShape('Dense', { units: 10 }, [[null, 784]]); // [null, 10]
 */
export function layerOutputShape(className: string, config: Config, inputs: Shape[]): Shape | undefined {
  const x = inputs[0];
  if (!x) return undefined;
  if (SAME_SHAPE.has(className)) return [...x];
  const channelsFirst = config.data_format === 'channels_first';
  switch (className) {
    case 'Dense':
      return [...x.slice(0, -1), num(config.units)];
    case 'Embedding':
      return [...x, num(config.output_dim)];
    case 'Flatten': {
      const rest = x.slice(1);
      return [x[0], rest.every((d) => d !== null) ? rest.reduce((a, b) => (a as number) * (b as number), 1) : null];
    }
    case 'Reshape':
      return reshape(x, config.target_shape);
    case 'Permute': {
      const dims = Array.isArray(config.dims) ? (config.dims as number[]) : [];
      return [x[0], ...dims.map((d) => x[d] ?? null)];
    }
    case 'RepeatVector':
      return [x[0], num(config.n), x[1] ?? null];
    case 'Concatenate': {
      const axis = normAxis(typeof config.axis === 'number' ? config.axis : -1, x.length);
      const out = [...x];
      out[axis] = inputs.every((s) => s[axis] !== null && s[axis] !== undefined)
        ? inputs.reduce((sum, s) => sum + (s[axis] as number), 0)
        : null;
      return out;
    }
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
    case 'SeparableConv1D':
    case 'SeparableConv2D':
    case 'DepthwiseConv2D': {
      const rank = x.length - 2;
      const spatial = spatialOf(x, channelsFirst).map((len, i) =>
        convLength(len, at(config.kernel_size, i, 1), at(config.strides, i, 1), at(config.dilation_rate, i, 1), config.padding),
      );
      const inChannels = channelsFirst ? x[1] : x[x.length - 1];
      const channels =
        className === 'DepthwiseConv2D'
          ? inChannels === null ? null : inChannels * (num(config.depth_multiplier) ?? 1)
          : num(config.filters);
      return rank >= 1 ? withSpatial(x[0], spatial, channels, channelsFirst) : undefined;
    }
    case 'Conv2DTranspose':
    case 'Conv3DTranspose': {
      const spatial = spatialOf(x, channelsFirst).map((len, i) =>
        deconvLength(len, at(config.kernel_size, i, 1), at(config.strides, i, 1), config.padding),
      );
      return withSpatial(x[0], spatial, num(config.filters), channelsFirst);
    }
    case 'MaxPooling1D':
    case 'MaxPooling2D':
    case 'MaxPooling3D':
    case 'AveragePooling1D':
    case 'AveragePooling2D':
    case 'AveragePooling3D': {
      const spatial = spatialOf(x, channelsFirst).map((len, i) => {
        const pool = at(config.pool_size, i, 2);
        return convLength(len, pool, at(config.strides ?? config.pool_size, i, pool), 1, config.padding);
      });
      return withSpatial(x[0], spatial, channelsFirst ? x[1] : x[x.length - 1], channelsFirst);
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalAveragePooling2D':
    case 'GlobalAveragePooling3D':
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPooling2D':
    case 'GlobalMaxPooling3D': {
      const channels = channelsFirst ? x[1] : x[x.length - 1];
      if (config.keepdims === true) {
        return withSpatial(x[0], spatialOf(x, channelsFirst).map(() => 1), channels, channelsFirst);
      }
      return [x[0], channels];
    }
    case 'ZeroPadding1D':
    case 'ZeroPadding2D':
    case 'ZeroPadding3D':
    case 'Cropping1D':
    case 'Cropping2D':
    case 'Cropping3D': {
      const sign = className.startsWith('Zero') ? 1 : -1;
      const amounts = sign > 0 ? config.padding : config.cropping;
      const rank = x.length - 2;
      const spatial = spatialOf(x, channelsFirst).map((len, i) => {
        const [a, b] = pair(amounts, i, rank, sign > 0 ? 1 : 0);
        return len === null ? null : len + sign * (a + b);
      });
      return withSpatial(x[0], spatial, channelsFirst ? x[1] : x[x.length - 1], channelsFirst);
    }
    case 'UpSampling1D':
    case 'UpSampling2D':
    case 'UpSampling3D': {
      const spatial = spatialOf(x, channelsFirst).map((len, i) => {
        const factor = at(config.size, i, 2);
        return len === null ? null : len * factor;
      });
      return withSpatial(x[0], spatial, channelsFirst ? x[1] : x[x.length - 1], channelsFirst);
    }
    case 'Resizing':
      return [x[0], num(config.height), num(config.width), x[x.length - 1]];
    case 'LSTM':
    case 'GRU':
    case 'SimpleRNN':
      return config.return_sequences === true ? [x[0], x[1] ?? null, num(config.units)] : [x[0], num(config.units)];
    default:
      return undefined;
  }
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Entry i of a per-dimension setting given as a number or an array. */
function at(value: unknown, i: number, fallback: number): number {
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && typeof value[i] === 'number') return value[i] as number;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') return value[0] as number;
  return fallback;
}

/**
 * Padding/cropping amounts before and after spatial dimension i: a number (all sides), one number per dimension,
 * [[before, after], ...], or for 1D layers [before, after].
 */
function pair(value: unknown, i: number, rank: number, fallback: number): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value)) {
    if (rank === 1 && value.length === 2 && value.every((v) => typeof v === 'number')) return [value[0], value[1]];
    const entry = value[i];
    if (Array.isArray(entry)) return [Number(entry[0] ?? 0), Number(entry[1] ?? 0)];
    if (typeof entry === 'number') return [entry, entry];
  }
  return [fallback, fallback];
}

function spatialOf(x: Shape, channelsFirst: boolean): Shape {
  return channelsFirst ? x.slice(2) : x.slice(1, -1);
}

function withSpatial(batch: number | null, spatial: Shape, channels: number | null, channelsFirst: boolean): Shape {
  return channelsFirst ? [batch, channels, ...spatial] : [batch, ...spatial, channels];
}

function convLength(len: number | null, kernel: number, stride: number, dilation: number, padding: unknown): number | null {
  if (len === null) return null;
  if (padding === 'same' || padding === 'causal') return Math.ceil(len / stride);
  const span = (kernel - 1) * dilation + 1;
  return Math.max(0, Math.ceil((len - span + 1) / stride));
}

function deconvLength(len: number | null, kernel: number, stride: number, padding: unknown): number | null {
  if (len === null) return null;
  return padding === 'same' ? len * stride : len * stride + Math.max(kernel - stride, 0);
}

function reshape(x: Shape, target: unknown): Shape | undefined {
  if (!Array.isArray(target)) return undefined;
  const dims = target.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
  const unknown = dims.indexOf(-1);
  if (unknown >= 0) {
    const rest = x.slice(1);
    const total = rest.every((d) => d !== null) ? rest.reduce((a, b) => (a as number) * (b as number), 1) : null;
    const known = dims.reduce((a, d) => (d >= 0 ? a * d : a), 1);
    return [x[0], ...dims.map((d) => (d >= 0 ? d : total === null || known === 0 ? null : (total as number) / known))];
  }
  return [x[0], ...dims];
}

function normAxis(axis: number, rank: number): number {
  return axis < 0 ? rank + axis : axis;
}
