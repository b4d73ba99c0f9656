/** Typed fuzz inputs: `rng.draw(arbitrary)` seeded, tape-driven, recorded, replayed and shrunk. */
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBehavior, defineSimulation } from 'beamulator';
import { runSimulationInternal } from '../../src/engine/run-simulation.ts';
import { defineFuzzTarget, fuzz } from 'beamulator';
import { RecordingRng } from '../../src/rng/recording-rng.ts';
import { SeededRng } from '../../src/rng/seeded-rng.ts';
import { TapeRng } from '../../src/rng/tape-rng.ts';
import { StreamGenerator } from '../../src/rng/fc-random.ts';
import type { ActionRecord, ComplaintRecord } from '../../src/store/records.ts';
import { actions, type Credentials } from '../../examples/todo/actions.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { noTimeCap } from '../support/no-time-cap.ts';
import titles, { titleArbitrary, titlesSimulation } from '../../fuzz/titles.fuzz.ts';
import { teams } from '../../fuzz/todo-fuzz.ts';

describe('rng.draw', () => {
  it('draws fast-check\'s "smallest" values from a tape of zeros', () => {
    const zeros = () => new TapeRng([[]]);
    expect(zeros().draw(fc.integer())).toBe(0);
    expect(zeros().draw(fc.integer({ min: 5, max: 9 }))).toBe(5);
    expect(zeros().draw(fc.integer({ min: -9, max: -5 }))).toBe(-5);
    expect(zeros().draw(fc.maxSafeInteger())).toBe(0);
    expect(zeros().draw(fc.bigInt())).toBe(0n);
    expect(zeros().draw(fc.double())).toBe(0);
    expect(zeros().draw(fc.boolean())).toBe(false);
    expect(zeros().draw(fc.string({ unit: 'grapheme' }))).toBe('');
    expect(zeros().draw(fc.array(fc.nat()))).toEqual([]);
    expect(zeros().draw(fc.constantFrom('a', 'b'))).toBe('a');
    expect(zeros().draw(fc.record({ a: fc.string(), b: fc.option(fc.nat()) }))).toEqual({ a: '', b: null });
    expect(zeros().draw(titleArbitrary)).toBe('');
  });

  it('maps tape value k to the k-th integer in shrink order (0, 1, -1, 2, -2, ...), one-sided ranges in order', () => {
    expect([0, 1, 2, 3, 4].map((k) => new TapeRng([[k]]).draw(fc.integer()))).toEqual([0, 1, -1, 2, -2]);
    expect([0, 1, 2, 3, 4, 5].map((k) => new TapeRng([[k]]).draw(fc.integer({ min: -1, max: 3 })))).toEqual([0, 1, -1, 2, 3, 0]);
    expect([0, 1, 2].map((k) => new TapeRng([[k]]).draw(fc.integer({ min: 10, max: 20 })))).toEqual([10, 11, 12]);
  });

  it('StreamGenerator is a pure-rand generator over the stream: a genuine fc.Random maps its 0 draws to the minimum of a range', () => {
    const tape = new TapeRng([[0, 3, 0xffffffff]]);
    const random = new fc.Random(new StreamGenerator(tape));
    expect([random.nextInt(-5, 5), random.nextInt(-5, 5), random.nextInt()]).toEqual([-5, -2, 2147483647]);
    expect(tape.getState()).toEqual({ kind: 'tape', state: [0, 3] }); // the clone fc.Random made reads the same stream
    expect(new StreamGenerator(SeededRng.forActor('1', 0)).getState()).toHaveLength(4);
  });

  it('is seeded (same stream, same values) and RecordingRng records a tape that replays the same values', () => {
    const arbs = [fc.integer(), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.double(), fc.bigInt(), fc.array(fc.nat({ max: 9 }), { maxLength: 4 }), titleArbitrary] as const;
    const drawAll = (rng: SeededRng | RecordingRng | TapeRng) => {
      const out: unknown[] = [];
      for (let turn = 0; turn < 30; turn++) {
        if (turn > 0) rng.beginTurn();
        for (const arb of arbs) out.push(rng.draw(arb as fc.Arbitrary<unknown>));
        out.push(rng.int(0, 9));
      }
      return out;
    };
    const seeded = drawAll(SeededRng.forActor('7', 1));
    expect(drawAll(SeededRng.forActor('7', 1))).toEqual(seeded);
    expect(drawAll(SeededRng.forActor('7', 2))).not.toEqual(seeded);
    const rec = new RecordingRng(SeededRng.forActor('7', 1));
    expect(drawAll(rec)).toEqual(seeded);
    expect(rec.tape).toHaveLength(30);
    expect(drawAll(new TapeRng(rec.tape))).toEqual(seeded);
    // A re-recording of the tape is the same tape (the recorded values are already canonical).
    const again = new RecordingRng(new TapeRng(rec.tape));
    drawAll(again);
    expect(again.tape).toEqual(rec.tape);
  });
});

describe('typed fuzz inputs in a run (fuzz/titles.fuzz.ts)', () => {
  let app: TodoApp;
  beforeAll(async () => {
    app = await startTodoApp({ bugs: [] });
  });
  afterAll(async () => {
    await app.stop();
  });

  async function run(rngFor: (id: number) => SeededRng | RecordingRng | TapeRng) {
    app.reset();
    const log: ActionRecord[] = [];
    const complaints: ComplaintRecord[] = [];
    await runSimulationInternal(titlesSimulation, { db: false, target: app.url, duration: '2h', rngFor, hooks: { onAction: (a) => log.push(a), onComplaint: (c) => complaints.push(c) } });
    const strip = (rows: object[]) => rows.map((row) => {
      const { runId: _r, wallStartUs: _s, wallEndUs: _e, latencyMs: _l, ...kept } = row as Record<string, unknown>;
      return kept;
    });
    return { actions: strip(log), complaints: strip(complaints), titles: log.filter((a) => a.action === 'createTodo').map((a) => (a.args as { title: string }).title) };
  }

  it('a seeded run re-run on its recorded tapes gives an identical log', async () => {
    const seeded = await run((id) => SeededRng.forActor('42', id));
    const recorders: RecordingRng[] = [];
    const recorded = await run((id) => (recorders[id] = new RecordingRng(SeededRng.forActor('42', id))));
    expect(recorded).toEqual(seeded);
    expect(await run((id) => new TapeRng(recorders[id]!.tape))).toEqual(seeded);
    // The drawn titles are varied: blank ones (refused) and non-ASCII ones (read back identical: no complaints).
    expect(seeded.titles.length).toBeGreaterThan(20);
    expect(seeded.titles.some((t) => t.trim() === '')).toBe(true);
    expect(seeded.titles.some((t) => /[^\x20-\x7e]/.test(t))).toBe(true);
    expect(seeded.complaints).toEqual([]);
  });

  it('the titles target passes a bounded campaign (the app has no bug there)', async () => {
    const result = await fuzz(titles, { seed: 1, runs: 100, ...noTimeCap, db: false, replaysDir: false });
    expect(result).toMatchObject({ found: false, runs: 100 });
  });

  it('its checks are not vacuous: a proxy that NFC-normalizes created titles is found and shrunk to one create of one code point', async () => {
    const normalizing = defineFuzzTarget({
      name: 'titles-nfc', simulation: titlesSimulation, behaviors: ['Titler'], configs: teams, maxActors: 2, maxTurns: 12,
      target: { start: () => normalizingProxy() },
    });
    const result = await fuzz(normalizing, { seed: 1, runs: 300, shrinkRuns: 400, ...noTimeCap, db: false, replaysDir: false });
    expect(result.complaint?.message).toBe('the created todo has another title');
    expect(result.actions.slice(0, result.failure!.actionsAtFailure).map((a) => a.action)).toEqual(['signup', 'createTodo']);
    const { title } = result.complaint!.detail as { title: string; got: string };
    expect([...title]).toHaveLength(1);
    expect(title.normalize('NFC')).not.toBe(title);
  });
});

/** The todo app behind a proxy that NFC-normalizes the title of every POST /todos (a planted bug of the test). */
async function normalizingProxy() {
  const app = await startTodoApp({ bugs: [] });
  const upstream = new URL(app.url);
  const proxy = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/todos') {
        const json = JSON.parse(body) as { title?: unknown };
        if (typeof json.title === 'string') json.title = json.title.normalize('NFC');
        body = JSON.stringify(json);
      }
      const headers = { ...req.headers, 'content-length': String(Buffer.byteLength(body)) };
      const up = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const { port } = proxy.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    reset: () => app.reset(),
    stop: async () => {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await app.stop();
    },
  };
}

describe('typed fuzz inputs shrink', () => {
  const numberer = defineBehavior<{ user: Credentials & { team: string }; registered: boolean }, { team: string }>({
    name: 'Numberer',
    initialState: ({ actorId }) => ({ user: { username: `n-${actorId}`, password: 'pw', team: 'red' }, registered: false }),
    async act(ctx) {
      if (!ctx.state.registered) {
        ctx.state.registered = (await ctx.execute(actions.signup, ctx.state.user)).ok;
        return '1m';
      }
      await ctx.execute(actions.createTodo, { user: ctx.state.user, title: `#${ctx.rng.draw(fc.integer())}` });
      return '1m';
    },
  });
  const sim = defineSimulation({ name: 'numbers', actions, behaviors: [numberer], population: [{ behavior: numberer, count: 1 }], duration: '1h' });
  const target = (invariant: (n: number[]) => string | null) => defineFuzzTarget({
    name: 'numbers', simulation: sim, maxActors: 2, maxTurns: 6,
    invariants: [{ name: 'numbers', check: (run) => invariant(run.actions.filter((a) => a.action === 'createTodo').map((a) => Number((a.args as { title: string }).title.slice(1)))) }],
    target: {
      start: async () => {
        const app = await startTodoApp({ bugs: [] });
        return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
      },
    },
  });

  it('ctx.rng.draw(fc.integer()) shrinks to 0 when any value fails', async () => {
    const result = await fuzz(target((ns) => (ns.length > 0 ? 'a number was drawn' : null)), { seed: 1, runs: 200, shrinkRuns: 300, ...noTimeCap, db: false, replaysDir: false });
    expect(result.found).toBe(true);
    expect(result.actions.map((a) => a.action)).toEqual(['signup', 'createTodo']);
    expect((result.actions[1]!.args as { title: string }).title).toBe('#0');
  });

  it('ctx.rng.draw(fc.integer()) shrinks to the boundary of the failing values (|n| >= 1000 -> 1000)', async () => {
    const result = await fuzz(target((ns) => (ns.some((n) => Math.abs(n) >= 1000) ? 'a big number was drawn' : null)), { seed: 1, runs: 200, shrinkRuns: 600, ...noTimeCap, db: false, replaysDir: false });
    expect(result.found).toBe(true);
    const created = result.actions.filter((a) => a.action === 'createTodo').map((a) => (a.args as { title: string }).title);
    expect(created[created.length - 1]).toBe('#1000');
    expect(created.length).toBe(1);
  });
});
