/**
 * openRunResources: what a run opens around it is torn down, in reverse order, whatever step of
 * the setup fails. The store's lock is checked from another process (as a user's next command
 * would meet it); foreign-HTTP interception by applying a new one (only one may be active).
 */
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, runSimulation } from 'beamulator';
import { ForeignHttp } from '../../src/connectors/foreign-http.ts';
import { openRunResources } from '../../src/engine/run-resources.ts';
import { ResourceStack } from '../../src/util/resource-stack.ts';
import { runChild } from '../store/helpers.ts';
import { tempDir } from '../support/cli.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const actions = defineActions({ ping: async (_args: Record<string, never>, { http: client }) => (await client.get('/')).status });
const pinger = defineBehavior({
  name: 'Pinger',
  initialState: {},
  async act(ctx) {
    await ctx.execute(actions.ping, {});
    return ctx.stop();
  },
});

/** A real server the simulation's target.start starts; `log` says what happened to it. */
function serverTarget(log: string[]) {
  return async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    log.push('target started');
    return {
      url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      stop: async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        log.push('target stopped');
      },
    };
  };
}

/** 'opened' when another process can open the file read-write: nothing here holds its lock. */
async function openedElsewhere(file: string): Promise<string> {
  return (await runChild(['open', file])).stdout.trim();
}

function interceptionRemoved(): boolean {
  const probe = ForeignHttp.record();
  try {
    probe.apply(); // throws while another ForeignHttp is applied in this process
    return true;
  } catch {
    return false;
  } finally {
    probe.dispose();
  }
}

describe('openRunResources', () => {
  it('closes the store and removes the interception when the target does not start', async () => {
    const file = path.join(tmp.dir, 'no-target.duckdb');
    const sim = defineSimulation({
      name: 'no-target', actions, population: [{ behavior: pinger, count: 1 }], foreignHttp: true,
      target: { start: () => { throw new Error('port in use'); } },
    });
    await expect(runSimulation(sim, { db: file })).rejects.toMatchObject({ code: 'BEAM_TARGET', message: expect.stringContaining('port in use') });
    expect(interceptionRemoved()).toBe(true);
    expect(await openedElsewhere(file)).toBe('opened');
  });

  it('stops the started target, removes the interception and closes the store when the connector cannot be made', async () => {
    const file = path.join(tmp.dir, 'no-connector.duckdb');
    const log: string[] = [];
    // connections: 0 makes the HTTP connector throw: the last step of the setup, after the target started.
    // (defineSimulation refuses it, so it is set on the defined simulation.)
    const sim = defineSimulation({
      name: 'no-connector', actions, population: [{ behavior: pinger, count: 1 }], foreignHttp: true,
      target: { start: serverTarget(log), connections: 1 },
    });
    (sim.target as { connections: number }).connections = 0;
    await expect(openRunResources(sim, { db: file, params: {} })).rejects.toThrow('invalid connections: 0');
    expect(log).toEqual(['target started', 'target stopped']);
    expect(interceptionRemoved()).toBe(true);
    expect(await openedElsewhere(file)).toBe('opened');
  });

  it('tears down in reverse order after a run: the store, opened first, outlives the target', async () => {
    const file = path.join(tmp.dir, 'order.duckdb');
    const log: string[] = [];
    const start = serverTarget(log);
    const sim = defineSimulation({
      name: 'order', actions, population: [{ behavior: pinger, count: 1 }],
      target: {
        start: async () => {
          const started = await start();
          return { ...started, stop: async () => {
            await started.stop();
            log.push(`store while stopping: ${await openedElsewhere(file) === 'opened' ? 'closed' : 'open'}`);
          } };
        },
      },
    });
    const result = await runSimulation(sim, { db: file });
    expect(result.summary.actions).toBe(1);
    expect(log).toEqual(['target started', 'target stopped', 'store while stopping: open']);
    expect(await openedElsewhere(file)).toBe('opened');
  });
});

describe('ResourceStack', () => {
  it('runs every teardown, last first, throws the first failure, and closes once', async () => {
    const log: string[] = [];
    const stack = new ResourceStack();
    stack.defer(() => log.push('a'));
    stack.use('b', (value) => {
      log.push(value);
      throw new Error('b failed');
    });
    stack.defer(async () => log.push('c'));
    await expect(stack.close()).rejects.toThrow('b failed');
    expect(log).toEqual(['c', 'b', 'a']);
    await stack.close();
    expect(log).toEqual(['c', 'b', 'a']);
    expect(() => stack.defer(() => undefined)).toThrow('closed');
  });

  it('throws an AggregateError when several teardowns fail', async () => {
    const stack = new ResourceStack();
    stack.defer(() => { throw new Error('one'); });
    stack.defer(() => { throw new Error('two'); });
    const error = await stack.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(['two', 'one']);
  });
});
