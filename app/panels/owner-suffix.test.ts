import { describe, expect, it } from 'vitest';
import { ownerSuffix } from './owner-suffix';

describe('ownerSuffix', () => {
  it('hides an owner that is the weight name scope', () => {
    expect(ownerSuffix('conv1/kernel', 'conv1')).toBe('');
    expect(ownerSuffix('dense/bias', 'dense')).toBe('');
    expect(ownerSuffix('Const_12', 'Const_12')).toBe('');
  });

  it('shows only what differs after a shared scope', () => {
    expect(ownerSuffix('a/b/PadOrClip/zeros_7', 'a/b/PadOrClip/stack_3')).toBe('…/stack_3');
  });

  it('shows the whole owner when nothing is shared', () => {
    expect(ownerSuffix('unknown_12', 'model/conv2d/Conv2D')).toBe('model/conv2d/Conv2D');
  });
});
