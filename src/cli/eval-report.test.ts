import { describe, expect, it } from 'vitest';
import { renderEval, type FidelitySummary } from './eval-report';

const fidelity: FidelitySummary = {
  kind: 'fidelity',
  model: { path: 'v/model.json', file: 'model.json', format: 'layers-model' },
  reference: { path: 'o/model.json', file: 'original.json', format: 'layers-model' },
  data: '64 generated inputs',
  classNames: [],
  classSource: 'none',
  preprocessing: null,
  skipped: [],
  backend: 'cpu',
  wasm: { available: false, binary: null, simd: false, threads: 1 },
  batch: 32,
  warnings: [],
  durationMs: 10,
  samples: 64,
  agreement: 1,
  cosine: 0.998765,
  maxAbsDiff: 0.0421,
  relativeError: 0.0534,
  weakProxy: true,
  accuracy: null,
  top5: null,
  loss: null,
  perClass: null,
  confusion: null,
};

describe('renderEval', () => {
  it('words fidelity as the page does: agreement, cosine and the relative error', () => {
    const text = renderEval(fidelity);
    expect(text).toContain('agreement   100.00%  (same top-1 prediction as the reference)');
    expect(text).toContain('cosine      0.998765');
    expect(text).toContain("rel. error  5.3%  (||y' - y|| / ||y|| over every output value)");
    expect(text).toContain('WEAK PROXY');
  });
});
