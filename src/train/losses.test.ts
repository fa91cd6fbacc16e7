import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cosineLoss, labelLoss, mseLoss, softTargetLoss, totalLoss } from './losses';

const value = (t: tf.Tensor) => t.dataSync()[0]!;

/** log softmax(z / T) in doubles. */
function logSoftmax(z: number[], T = 1): number[] {
  const s = z.map((v) => v / T);
  const m = Math.max(...s);
  const lse = m + Math.log(s.reduce((a, v) => a + Math.exp(v - m), 0));
  return s.map((v) => v - lse);
}

const student = [[2.0, -1.0, 0.5], [0.1, 0.2, 3.0]];
const teacher = [[1.5, 0.0, 0.2], [-0.5, 1.0, 2.0]];
const labels = [[1, 0, 0], [0, 1, 0]];

function handSoftTargets(T: number): number {
  let sum = 0;
  student.forEach((z, i) => {
    const q = logSoftmax(z, T);
    const p = logSoftmax(teacher[i]!, T);
    sum += p.reduce((a, lp, k) => a + Math.exp(lp) * (lp - q[k]!), 0);
  });
  return (sum / student.length) * T * T;
}

function handLabels(): number {
  return -student.reduce((a, z, i) => a + logSoftmax(z).reduce((b, lq, k) => b + labels[i]![k]! * lq, 0), 0) / student.length;
}

describe('recovery losses against a hand computation', () => {
  const s = tf.tensor2d(student);
  const t = tf.tensor2d(teacher);
  const y = tf.tensor2d(labels);

  it('soft targets: KL(teacher_T || student_T) * T^2 from logits', () => {
    expect(value(softTargetLoss(s, t, 'logits', 4))).toBeCloseTo(handSoftTargets(4), 5);
    expect(value(softTargetLoss(s, t, 'logits', 1))).toBeCloseTo(handSoftTargets(1), 5);
    expect(value(softTargetLoss(t, t, 'logits', 3))).toBeCloseTo(0, 6);
  });

  it('soft targets read from probabilities equal those from the logits', () => {
    expect(value(softTargetLoss(tf.softmax(s), tf.softmax(t), 'probabilities', 4))).toBeCloseTo(handSoftTargets(4), 4);
  });

  it('label cross-entropy, and alpha * teacher + (1 - alpha) * labels', () => {
    expect(value(labelLoss(s, 'logits', y))).toBeCloseTo(handLabels(), 5);
    const spec = { loss: 'soft-targets' as const, temperature: 4, alpha: 0.3 };
    expect(value(totalLoss(s, 'logits', y, t, spec))).toBeCloseTo(0.3 * handSoftTargets(4) + 0.7 * handLabels(), 5);
    // Without labels, the teacher alone.
    expect(value(totalLoss(s, 'logits', null, t, spec))).toBeCloseTo(handSoftTargets(4), 5);
  });

  it('mse and cosine for outputs that are not class scores', () => {
    const flat = student.flat().map((v, i) => v - teacher.flat()[i]!);
    expect(value(mseLoss(s, t))).toBeCloseTo(flat.reduce((a, d) => a + d * d, 0) / flat.length, 5);
    const cos = student.map((z, i) => {
      const u = teacher[i]!;
      const dot = z.reduce((a, v, k) => a + v * u[k]!, 0);
      return dot / (Math.hypot(...z) * Math.hypot(...u));
    });
    expect(value(cosineLoss(s, t))).toBeCloseTo(1 - (cos[0]! + cos[1]!) / 2, 5);
    expect(value(cosineLoss(t, tf.mul(t, 2.5)))).toBeCloseTo(0, 6);
  });
});
