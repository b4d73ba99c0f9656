/**
 * The second bundled example (examples/booking: Planners and Commuters against the booking app in
 * fixtures/booking-app) through the real CLI, one campaign per planted bug: each is found, shrunk
 * to its behavior-level minimum (examples/booking/README.md), and its exported replay file
 * reproduces the failure when `beamulator replay <file>` runs it in a fresh process; with every
 * bug off, the fuzzer finds nothing. The output names seats and bookings, never a todo.
 *
 * Cost: one `beamulator fuzz` process for the five targets, then 3 replay processes per bug run
 * side by side (about 16 s of CPU in all). `--seed 4` is fixed because it finds every bug fast
 * (measured: in 4, 4, 4 and 1 runs) and shrinks each to its minimum; `--runs 100` caps the search
 * with room to spare, the shrink runs to its end (`--time-limit 1h`: the machine's speed cannot
 * change what it reaches), and `--reproduce 0` leaves reproduction to the fresh processes below.
 * Seeds 1-4 measured (examples/booking/README.md): the serial bugs reach their minimum with each;
 * the race 5, 6, 4, 4 actions against its minimum of 4 (seed 1 needs 127 search runs).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, runCli, tempDir, type CliResult } from '../support/cli.ts';
import { noTimeLimit } from '../support/no-time-cap.ts';
import { formatFuzzResult } from '../../src/cli/fuzz-command.ts';
import type { FuzzResult } from 'beamulator';

interface Bug {
  target: string;
  message: string;
  /** The behavior-level minimum: actors and actions up to the complaint. */
  actors: number;
  actions: number;
  /** How far above the minimum the shrunk run may stay (races: 2 actions, issue 12). */
  slack: number;
}

const bugs: Bug[] = [
  { target: 'booking-cancel-keeps-seat', message: 'my cancelled booking still holds seats', actors: 1, actions: 3, slack: 0 },
  { target: 'booking-seat-collision', message: 'one seat is sold to two bookings', actors: 2, actions: 4, slack: 0 },
  { target: 'booking-oversell', message: 'the event is oversold: more seats booked than it has', actors: 2, actions: 4, slack: 2 },
  { target: 'booking-retry-double-book', message: 'my retried booking was booked a second time (double booking)', actors: 1, actions: 3, slack: 0 },
];
const ATTEMPTS = 3;

interface Result {
  target: string;
  found: boolean;
  runs: number;
  replayFile: string | null;
  complaint: { message: string; actionSeq: number } | null;
  actors: Array<{ behavior: string }>;
  actions: Array<{ seq: number; action: string; actorId: number; step: number; args: Record<string, unknown> }>;
}

const tmp = tempDir();
let campaign: CliResult;
let results: Map<string, Result>;
let replays: Map<string, CliResult[]>;

beforeAll(async () => {
  const files = [...bugs.map((b) => b.target), 'booking-bugs-off'].map((t) => path.join(root, `fuzz/${t}.fuzz.ts`));
  campaign = await runCli(['fuzz', ...files, '--seed', '4', '--runs', '100', '--time-limit', noTimeLimit, '--reproduce', '0', '--json',
    '--db', path.join(tmp.dir, 'fuzz.duckdb'), '--replays', path.join(tmp.dir, 'replays')]);
  if (!campaign.stdout.startsWith('[')) throw new Error(`beamulator fuzz printed no JSON (exit ${campaign.code}):\n${campaign.stderr}`);
  results = new Map((JSON.parse(campaign.stdout) as Result[]).map((r) => [r.target, r]));
  // Each attempt is a fresh process with its own store (cold connections, a freshly started app).
  replays = new Map(await Promise.all(bugs.map(async (b): Promise<[string, CliResult[]]> => {
    const file = results.get(b.target)?.replayFile;
    if (!file) return [b.target, []];
    const attempts = Array.from({ length: ATTEMPTS }, (_, i) => runCli(['replay', file, '--json', '--db', path.join(tmp.dir, `${b.target}-${i}.duckdb`)]));
    return [b.target, await Promise.all(attempts)];
  })));
}, 300_000);
afterAll(() => tmp.cleanup());

describe('the booking example: every planted bug found, shrunk and replayed (real CLI)', () => {
  it('the campaign fails (exit 1) on the four bug targets and passes with every bug off', () => {
    expect(campaign.stderr).toBe('');
    expect(campaign.code).toBe(1);
    const off = results.get('booking-bugs-off')!;
    expect(off).toMatchObject({ found: false, runs: 100 });
  });

  it.each(bugs)('$target: found and shrunk to its minimum ($actors actors, $actions actions, slack $slack)', (bug) => {
    const r = results.get(bug.target)!;
    expect(r.found).toBe(true);
    expect(r.complaint?.message).toBe(bug.message);
    expect(r.runs).toBeLessThanOrEqual(100);
    const upTo = r.actions.filter((a) => a.seq <= r.complaint!.actionSeq);
    expect(r.actors).toHaveLength(bug.actors);
    // Below the minimum would mean the minimum is documented wrong.
    expect(upTo.length).toBeGreaterThanOrEqual(bug.actions);
    expect(upTo.length).toBeLessThanOrEqual(bug.actions + bug.slack);
  });

  it('the race really overlapped: the two bookings of the oversold event ran in one engine step', () => {
    const r = results.get('booking-oversell')!;
    const books = r.actions.filter((a) => a.action === 'bookSeats');
    const last = books[books.length - 1]!;
    const partner = books.find((a) => a.step === last.step && a.actorId !== last.actorId);
    expect(partner).toBeDefined();
    expect(partner!.args.event).toBe(last.args.event);
  });

  it('the retry double-booked with one idempotency key: the same request twice', () => {
    const books = results.get('booking-retry-double-book')!.actions.filter((a) => a.action === 'bookSeats');
    expect(books).toHaveLength(2);
    expect(books[1]!.args).toEqual(books[0]!.args);
    expect(books[0]!.args.seats).toBeGreaterThanOrEqual(3); // the group path
  });

  it.each(bugs)(`$target: its replay file reproduces the failure in a fresh process (${ATTEMPTS}/${ATTEMPTS})`, (bug) => {
    const attempts = replays.get(bug.target)!;
    const reproduced = attempts.filter((a) => {
      if (a.code !== 0) return false;
      const report = JSON.parse(a.stdout) as { identical: boolean; complaints: Array<{ message: string }> };
      return report.identical && report.complaints.some((c) => c.message === bug.message);
    });
    expect(`${reproduced.length}/${attempts.length}`).toBe(`${ATTEMPTS}/${ATTEMPTS}`);
  });

  it('nothing the fuzzer printed knows of todos; the printed failure shows the evidence (its complaint detail)', () => {
    expect(campaign.stdout).not.toMatch(/todo/i);
    for (const attempts of replays.values()) for (const a of attempts) expect(a.stdout).not.toMatch(/todo/i);
    // The text `beamulator fuzz` prints for the same results (the campaign above printed JSON).
    for (const bug of bugs) expect(formatFuzzResult(results.get(bug.target) as unknown as FuzzResult, 'x.duckdb', false)).not.toMatch(/todo/i);
    const collision = formatFuzzResult(results.get('booking-seat-collision') as unknown as FuzzResult, 'x.duckdb', false);
    expect(collision).toMatch(/bookSeats\(\{"guest":"[^"]+","event":"e\d","seats":1,/);
    expect(collision).toMatch(/\n {5}detail \{"event":"e\d","seat":1,"bookings":\["b1","b2"\]\}\n/);
  });
});
