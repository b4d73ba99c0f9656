/**
 * No output shows a secret. The shop (test/e2e/secrets/shop.ts) plants a password in action args and
 * a form body, a token in answers, complaint details, headers and a query string, an API key, a
 * cookie and a Set-Cookie session, a card number that only the project config's `redact` hides, a
 * PIN that only the simulation's own `redact` hides, and a secret-named parameter read from the
 * environment. Every way a run reaches a user must show them redacted: each CLI command's stdout
 * and stderr, text and --json, exported replay and Parquet files, every column of every table of
 * the run store (read straight from the DuckDB file), the API's result objects and vitest's failure
 * messages. Values that are not secret (VISIBLE) must show in the same places: the greps work.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, readRunBundle, replayRun, runSimulation } from 'beamulator';
import { checkReplayFile, runFuzzTest, runSimulation as runInTest } from 'beamulator/vitest';
import { root, runCli, tempDir } from '../support/cli.ts';
import more from './secrets/shop-more.sim.ts';
import shop from './secrets/shop.sim.ts';
import { redact, secrets, visible } from './secrets/shop.ts';

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

/** A command's stdout and stderr, checked for secrets. */
function expectQuiet(what: string, result: { stdout: string; stderr: string }): void {
  expectNoSecret(`${what} (stdout)`, result.stdout);
  expectNoSecret(`${what} (stderr)`, result.stderr);
}

/**
 * Rows of every table of a DuckDB database (or of a query per file, for Parquet) whose text holds
 * a secret, and how many hold the visible marker. Reads the file itself, not through beamulator.
 */
async function scanDatabase(file: string, sources?: string[]): Promise<{ leaks: string[]; visibleRows: number }> {
  const instance = await DuckDBInstance.create(sources ? ':memory:' : file, sources ? {} : { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const from = sources ?? (await conn.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"))
      .getRows().map((r) => `"${String(r[0])}"`);
    const leaks: string[] = [];
    let visibleRows = 0;
    for (const source of from) {
      // A whole row cast to text: every column, JSON and lists included.
      const rows = (await conn.runAndReadAll(`SELECT CAST(t AS VARCHAR) AS text FROM ${source} t`)).getRows().map((r) => String(r[0]));
      for (const text of rows) {
        if (text.includes('PLAINTEXT')) leaks.push(`${source}: ${text.slice(0, 400)}`);
        if (text.includes('VISIBLE')) visibleRows++;
      }
    }
    return { leaks, visibleRows };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe('secrets stay redacted in every output', () => {
  let runId = '';

  it('run, show and runs: text and --json', async () => {
    const json = await cli(['run', sim, '--seed', '1', '--json']);
    expect(json.code).toBe(0);
    runId = (JSON.parse(json.stdout) as { runId: string }).runId;
    expectQuiet('run --json', json);
    expect(json.stdout).toContain('"apiToken": "[redacted]"');

    const text = await cli(['run', sim, '--seed', '1']);
    expect(text.stdout).toContain('apiToken=[redacted]');
    expectQuiet('run', text);

    const show = await cli(['show', runId, '--all']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('"password":"[redacted]"');
    expect(show.stdout).toContain('"balance":-1');
    expectQuiet('show', show);
    const showJson = await cli(['show', runId, '--json']);
    expect(showJson.stdout).toContain('"cardNumber": "[redacted]"');
    expect(showJson.stdout).toContain('"pin": "[redacted]"');
    expect(showJson.stdout).toContain(visible);
    expectQuiet('show --json', showJson);
    expectQuiet('runs --json', await cli(['runs', '--json']));
  });

  it('fuzz and shrink: text and --json, and the replay files they write', async () => {
    const fuzz = await cli(['fuzz', target, '--seed', '1', '--runs', '20', '--reproduce', '1']);
    expect(fuzz.stdout).toContain('FAILED  annoying: my balance is negative');
    // Any service's answer is summarized: the field that makes the bug shows.
    expect(fuzz.stdout).toContain('"balance":-1');
    expect(fuzz.stdout).toContain('"password":"[redacted]"');
    expectQuiet('fuzz', fuzz);
    const fuzzJson = await cli(['fuzz', target, '--seed', '1', '--runs', '20', '--reproduce', '1', '--json']);
    expect(fuzzJson.code).toBe(1);
    expect(fuzzJson.stdout).toContain('"token": "[redacted]"');
    expectQuiet('fuzz --json', fuzzJson);

    const shrink = await cli(['shrink', runId, '--target', target, '--reproduce', '1']);
    expect(shrink.stdout).toContain('shrunk to 1 actor');
    expectQuiet('shrink', shrink);
    const shrinkJson = await cli(['shrink', runId, '--target', target, '--reproduce', '1', '--json']);
    expect(shrinkJson.stdout).toContain('"cardNumber": "[redacted]"');
    expectQuiet('shrink --json', shrinkJson);
  });

  it('replay: the report, its divergences (an action the original did not make) and --json', async () => {
    const replay = await cli(['replay', runId, '--sim', moreSim]);
    expect(replay.code).toBe(7);
    expect(replay.stdout).toContain('first divergence: the replay made an action the original did not');
    expect(replay.stdout).toContain('getAccount({"token":"[redacted]"})');
    expectQuiet('replay', replay);
    const json = await cli(['replay', runId, '--sim', moreSim, '--json']);
    const report = JSON.parse(json.stdout) as { divergences: Array<{ kind: string }>; complaints: unknown[] };
    expect(report.divergences[0]!.kind).toBe('extra');
    expect(report.complaints.length).toBeGreaterThan(0);
    expectQuiet('replay --json', json);
    // Offline, from the recording: the redacted query string and body match what the actions send again.
    const offline = await cli(['replay', runId, '--offline']);
    expect(offline.stdout).toContain('identical');
    expectQuiet('replay --offline', offline);
  });

  it('exported replay files', async () => {
    const exported = await cli(['export', runId]);
    expect(exported.code).toBe(0);
    expectQuiet('export', exported);
    const files = readdirSync(path.join(tmp.dir, 'replays'));
    expect(files.length).toBeGreaterThanOrEqual(3); // fuzz, shrink, export
    for (const file of files) expectNoSecret(`replay file ${file}`, readFileSync(path.join(tmp.dir, 'replays', file), 'utf8'));
    const text = readFileSync(path.join(tmp.dir, 'replays', `shop-${runId}.json`), 'utf8');
    expect(text).toContain(`access_token=[redacted]&view=${visible}`);
    expect(text).toContain('"x-api-key":"[redacted]"');
    expect(text).toContain('"set-cookie":"[redacted]"');

    const parquet = await cli(['export', runId, '--parquet', 'parquet']);
    expect(parquet.code).toBe(0);
    const parquetFiles = readdirSync(path.join(tmp.dir, 'parquet')).map((f) => `read_parquet('${path.join(tmp.dir, 'parquet', f)}')`);
    expect(parquetFiles.length).toBe(6);
    const scanned = await scanDatabase('', parquetFiles);
    expect(scanned.leaks).toEqual([]);
    expect(scanned.visibleRows).toBeGreaterThan(0);
  });

  it('every column of every table of the run store, after run, fuzz, shrink, replays and export', async () => {
    const { leaks, visibleRows } = await scanDatabase(path.join(tmp.dir, 'runs.duckdb'));
    expect(leaks).toEqual([]);
    // The same scan finds what is not secret: args, the query string, a header, the body, the answer.
    expect(visibleRows).toBeGreaterThan(10);
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
    const fuzzed = await runFuzzTest(target, { seed: 1, runs: 20, redact, replaysDir: replays, reproduceRuns: 1 });
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
