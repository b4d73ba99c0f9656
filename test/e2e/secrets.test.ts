/**
 * No output shows a secret. The shop (test/e2e/secrets/shop.ts) plants a password in action args, a
 * token in answers, complaint details and request headers, a card number that only the project
 * config's `redact` hides, and a secret-named parameter read from the environment. Every way a run
 * reaches a user must show them redacted: each CLI command's text and --json, exported replay files,
 * the API's result objects and vitest's failure messages.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, readRunBundle, replayRun, runSimulation } from 'beamulator';
import { checkReplayFile, runFuzzTest, runSimulation as runInTest } from 'beamulator/vitest';
import { root, runCli, tempDir } from '../support/cli.ts';
import more from './secrets/shop-more.sim.ts';
import shop from './secrets/shop.sim.ts';
import { redact, secrets } from './secrets/shop.ts';

const dir = path.join(root, 'test/e2e/secrets');
const sim = path.join(dir, 'shop.sim.ts');
const moreSim = path.join(dir, 'shop-more.sim.ts');
const target = path.join(dir, 'shop.fuzz.ts');
const tmp = tempDir();
afterAll(() => tmp.cleanup());
// The project: its config adds the card pattern; runs and replay files stay in the temp folder.
writeFileSync(path.join(tmp.dir, 'beamulator.config.ts'), 'export default { redact: [/^card/i], db: \'runs.duckdb\', replays: \'replays\' };\n');
const cli = (args: string[]) => runCli(args, { cwd: tmp.dir, env: { SHOP_API_TOKEN: secrets.apiToken } });

/** Fails with the leaking text in view. */
function expectNoSecret(what: string, text: string): void {
  const at = text.search(/PLAINTEXT/);
  expect(at === -1 ? null : `${what} shows a secret: …${text.slice(Math.max(0, at - 100), at + 20)}…`).toBeNull();
}

describe('secrets stay redacted in every output', () => {
  let runId = '';

  it('run, show and runs: text and --json', async () => {
    const json = await cli(['run', sim, '--seed', '1', '--json']);
    expect(json.code).toBe(0);
    runId = (JSON.parse(json.stdout) as { runId: string }).runId;
    expectNoSecret('run --json', json.stdout);
    expect(json.stdout).toContain('"apiToken": "[redacted]"');

    const text = await cli(['run', sim, '--seed', '1']);
    expect(text.stdout).toContain('apiToken=[redacted]');
    expectNoSecret('run', text.stdout + text.stderr);

    const show = await cli(['show', runId, '--all']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('"password":"[redacted]"');
    expect(show.stdout).toContain('"balance":-1');
    expectNoSecret('show', show.stdout);
    const showJson = await cli(['show', runId, '--json']);
    expect(showJson.stdout).toContain('"cardNumber": "[redacted]"');
    expectNoSecret('show --json', showJson.stdout);
    expectNoSecret('runs --json', (await cli(['runs', '--json'])).stdout);
  });

  it('fuzz and shrink: text and --json, and the replay files they write', async () => {
    const fuzz = await cli(['fuzz', target, '--seed', '1', '--runs', '20', '--reproduce', '1']);
    expect(fuzz.stdout).toContain('FAILED  annoying: my balance is negative');
    // Any service's answer is summarized: the field that makes the bug shows.
    expect(fuzz.stdout).toContain('"balance":-1');
    expect(fuzz.stdout).toContain('"password":"[redacted]"');
    expectNoSecret('fuzz', fuzz.stdout);
    const fuzzJson = await cli(['fuzz', target, '--seed', '1', '--runs', '20', '--reproduce', '1', '--json']);
    expect(fuzzJson.code).toBe(1);
    expect(fuzzJson.stdout).toContain('"token": "[redacted]"');
    expectNoSecret('fuzz --json', fuzzJson.stdout);

    const shrink = await cli(['shrink', runId, '--target', target]);
    expect(shrink.stdout).toContain('shrunk to 1 actor');
    expectNoSecret('shrink', shrink.stdout);
    const shrinkJson = await cli(['shrink', runId, '--target', target, '--json']);
    expect(shrinkJson.stdout).toContain('"cardNumber": "[redacted]"');
    expectNoSecret('shrink --json', shrinkJson.stdout);
  });

  it('replay: the report, its divergences (an action the original did not make) and --json', async () => {
    const replay = await cli(['replay', runId, '--sim', moreSim]);
    expect(replay.code).toBe(7);
    expect(replay.stdout).toContain('first divergence: the replay made an action the original did not');
    expect(replay.stdout).toContain('getAccount({"token":"[redacted]"})');
    expectNoSecret('replay', replay.stdout);
    const json = await cli(['replay', runId, '--sim', moreSim, '--json']);
    const report = JSON.parse(json.stdout) as { divergences: Array<{ kind: string }>; complaints: unknown[] };
    expect(report.divergences[0]!.kind).toBe('extra');
    expect(report.complaints.length).toBeGreaterThan(0);
    expectNoSecret('replay --json', json.stdout);
  });

  it('exported replay files', async () => {
    const exported = await cli(['export', runId]);
    expect(exported.code).toBe(0);
    const files = readdirSync(path.join(tmp.dir, 'replays'));
    expect(files.length).toBeGreaterThanOrEqual(3); // fuzz, shrink, export
    for (const file of files) expectNoSecret(`replay file ${file}`, readFileSync(path.join(tmp.dir, 'replays', file), 'utf8'));
  });

  it("the API's results and reports", async () => {
    const result = await runSimulation(shop, { seed: 1, db: ':memory:', redact, env: { SHOP_API_TOKEN: secrets.apiToken } });
    expect(result.params).toEqual({ apiToken: '[redacted]' });
    expectNoSecret('runSimulation result', JSON.stringify(result));

    const store = await openStore(':memory:', { redact: { extra: redact } });
    try {
      const { runId: id } = await runSimulation(shop, { seed: 1, db: store });
      const bundle = await readRunBundle(store, id);
      expectNoSecret('readRunBundle', JSON.stringify(bundle));
      const report = await replayRun(bundle, { simulation: more, db: false, redact });
      expect(report.divergences[0]!.kind).toBe('extra');
      expectNoSecret('replayRun report', JSON.stringify(report));
    } finally {
      await store.close();
    }
  });

  it('vitest: runSimulation, fuzzTest and replay-file failure messages', async () => {
    const run = await runInTest(sim, { seed: 1, redact, params: { apiToken: secrets.apiToken } });
    expect(run.actions.length).toBeGreaterThan(0);
    expectNoSecret('vitest runSimulation', JSON.stringify(run));

    const replays = path.join(tmp.dir, 'vitest-replays');
    const fuzzed = await runFuzzTest(target, { seed: 1, runs: 20, redact, replaysDir: replays });
    expect(fuzzed.failed).toBe(true);
    expect(fuzzed.message).toContain('"balance":-1');
    expectNoSecret('fuzzTest message', fuzzed.message);
    expectNoSecret('fuzzTest result', JSON.stringify(fuzzed.result));
    expectNoSecret('fuzzTest replay file', readFileSync(fuzzed.result.replayFile!, 'utf8'));

    // The run exported above, replayed by a simulation that makes one more action.
    const outcome = await checkReplayFile(path.join(tmp.dir, 'replays', `shop-${runId}.json`), { simulation: more, redact });
    expect(outcome.pass).toBe(false);
    expect(outcome.message).toContain('the replay made an action the original did not');
    expectNoSecret('replayTests message', outcome.message);
  });
});
