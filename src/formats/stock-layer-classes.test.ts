import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { listedLayerClasses, STOCK_LAYER_CLASSES } from './stock-layer-classes';
import { stockRegistry } from './stock-check';

describe('the listed stock layer classes', () => {
  it('are exactly the Layer classes the installed TF.js registers', async () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    const registered = Object.keys(map).filter((c) => map[c]![0].prototype instanceof tf.layers.Layer);
    expect([...STOCK_LAYER_CLASSES].sort()).toEqual(registered.sort());
    // ...and answer as the registry does, optimizers and unknown names included.
    const stock = await stockRegistry();
    const listed = listedLayerClasses();
    for (const name of [...registered, 'Adam', 'L1L2', 'GlorotUniform', 'NoSuchLayer', 'dense']) {
      expect(listed.isLayerClass(name), name).toBe(stock.isLayerClass(name));
    }
    expect(listed.missed()).toBe(true);
  });
});
