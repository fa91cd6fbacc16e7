/**
 * The losses recovery training minimises, as functions of the student's outputs on one batch (each a mean over the
 * batch). What the model outputs decides how its class scores are read: logits (a copy of the model with its final
 * softmax removed, so cross-entropy is computed stably from logits), probabilities (a softmax Pare could not
 * remove), or values that are not class scores (embeddings, masks), which only a teacher can supervise.
 */
import * as tf from '@tensorflow/tfjs';

export type OutputKind = 'logits' | 'probabilities' | 'values';

/** How the teacher's outputs supervise the student's. */
export type DistillLoss = 'soft-targets' | 'mse' | 'cosine';

export interface DistillSpec {
  loss: DistillLoss;
  /** Softens both distributions (soft targets only). */
  temperature: number;
  /** With labels: the weight of the teacher's term; the label loss gets 1 - alpha. Without labels the teacher's term alone. */
  alpha: number;
}

const EPS = 1e-7;

/** Log-probabilities from the model's output. Probabilities are clipped away from 0 before the log. */
function logProbabilities(out: tf.Tensor2D, kind: OutputKind, temperature = 1): tf.Tensor2D {
  const scores = kind === 'logits' ? out : tf.log(tf.clipByValue(out, EPS, 1));
  // log(p) is a logit up to a per-row constant, and softmax ignores such constants: softmax(log p / T) is p
  // softened at temperature T.
  return tf.logSoftmax(temperature === 1 ? scores : tf.div(scores, temperature)) as tf.Tensor2D;
}

/** Cross-entropy with the labels (one-hot rows), mean over the batch. */
export function labelLoss(out: tf.Tensor2D, kind: OutputKind, oneHot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbabilities(out, kind)), 1))) as tf.Scalar;
}

/**
 * Hinton's soft-target loss: KL(teacher_T || student_T) * T^2, mean over the batch. The T^2 keeps its gradients
 * on the scale of the label loss's as T changes; KL rather than cross-entropy so a student equal to its teacher
 * scores 0 (same gradients: they differ by the teacher's entropy).
 */
export function softTargetLoss(student: tf.Tensor2D, teacher: tf.Tensor2D, kind: OutputKind, temperature: number): tf.Scalar {
  const logQ = logProbabilities(student, kind, temperature);
  const logP = logProbabilities(teacher, kind, temperature);
  const kl = tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1);
  return tf.mul(tf.mean(kl), temperature * temperature);
}

/** Mean squared difference of the outputs, mean over every element. */
export function mseLoss(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(student, teacher));
}

/** 1 - cosine similarity of each sample's output with its teacher's (outputs flattened), mean over the batch. */
export function cosineLoss(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  const n = student.shape[0]!;
  const s = tf.reshape(student, [n, -1]);
  const t = tf.reshape(teacher, [n, -1]);
  const dot = tf.sum(tf.mul(s, t), 1);
  const norms = tf.mul(tf.norm(s, 'euclidean', 1), tf.norm(t, 'euclidean', 1));
  return tf.mean(tf.sub(1, tf.div(dot, tf.maximum(norms, EPS))));
}

/** The teacher's term of the loss. */
export function distillLoss(student: tf.Tensor, teacher: tf.Tensor, kind: OutputKind, spec: DistillSpec): tf.Scalar {
  if (spec.loss === 'mse') return mseLoss(student, teacher);
  if (spec.loss === 'cosine') return cosineLoss(student, teacher);
  return softTargetLoss(student as tf.Tensor2D, teacher as tf.Tensor2D, kind, spec.temperature);
}

/**
 * The loss of one batch: the label loss; the teacher's term alone (no labels); or alpha * teacher + (1 - alpha) *
 * labels.
 */
export function totalLoss(
  student: tf.Tensor,
  kind: OutputKind,
  oneHot: tf.Tensor2D | null,
  teacher: tf.Tensor | null,
  spec: DistillSpec | null,
): tf.Scalar {
  if (!teacher || !spec) {
    if (!oneHot) throw new Error('Training without labels needs a teacher.');
    return labelLoss(student as tf.Tensor2D, kind, oneHot);
  }
  const fromTeacher = distillLoss(student, teacher, kind, spec);
  if (!oneHot || spec.alpha >= 1) return fromTeacher;
  const fromLabels = labelLoss(student as tf.Tensor2D, kind, oneHot);
  return tf.add(tf.mul(fromTeacher, spec.alpha), tf.mul(fromLabels, 1 - spec.alpha));
}
