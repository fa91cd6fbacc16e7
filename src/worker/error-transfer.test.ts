import { afterEach, describe, expect, it } from 'vitest';
import { expose, wrap, type Remote } from 'comlink';
import { PareError } from '../errors';
import { sendErrorDetails } from './error-transfer';

interface Thrower {
  pare(): Promise<void>;
  plain(): Promise<void>;
  ok(): Promise<number>;
}

// A real Comlink round trip over a MessageChannel, as between the page and the worker.
let channel: MessageChannel | null = null;
function connect(): Remote<Thrower> {
  channel = new MessageChannel();
  expose(
    {
      async pare() {
        throw new PareError('missing-shard', "Shard 'group1-shard2of2.bin' is not among the dropped files.", {
          file: 'group1-shard2of2.bin',
          weight: 'dense/kernel',
        });
      },
      async plain() {
        throw new TypeError('x is not a function');
      },
      async ok() {
        return 42;
      },
    },
    channel.port1,
  );
  return wrap<Thrower>(channel.port2);
}

afterEach(() => {
  channel?.port1.close();
  channel?.port2.close();
});

describe('sendErrorDetails', () => {
  it('carries code, file and weight of a PareError across Comlink', async () => {
    sendErrorDetails();
    const remote = connect();
    const error = await remote.pare().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'PareError',
      code: 'missing-shard',
      message: "Shard 'group1-shard2of2.bin' is not among the dropped files.",
      file: 'group1-shard2of2.bin',
      weight: 'dense/kernel',
    });
  });

  it('leaves other errors as Comlink sends them, without a code', async () => {
    sendErrorDetails();
    sendErrorDetails(); // installing twice must not wrap twice
    const remote = connect();
    const error = (await remote.plain().catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.name).toBe('TypeError');
    expect(error.message).toBe('x is not a function');
    expect(error.code).toBeUndefined();
    expect(await remote.ok()).toBe(42);
  });
});
