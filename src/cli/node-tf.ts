/**
 * TF.js for CLI commands that run models in Node: the pure-JS cpu backend (tfjs-node cannot be installed here),
 * in production mode, which also silences the "install tfjs-node" hint the cpu backend prints on first use.
 */
import * as tf from '@tensorflow/tfjs';

let ready: Promise<typeof tf> | null = null;

/**
 * Sets up TF.js once per process and returns it.
 *
 * @example
 *   const tf = await nodeTf();
 *   tf.getBackend(); // 'cpu'
 */
export function nodeTf(): Promise<typeof tf> {
  ready ??= (async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return ready;
}
