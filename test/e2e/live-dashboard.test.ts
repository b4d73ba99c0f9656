// The live dashboard as a user sees it: a paced run of the bundled todo example against its
// fixture, started by the real CLI with --dashboard; real Chromium (playwright-core, Debian's
// chromium) opens the url it prints, sees the grid and the charts move, spawns an actor with the
// page's own form, pauses and resumes, sees a bad call refused; the calls are events in the store.
// A screenshot is kept in test-artifacts/ (gitignored).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { root, startCli, tempDir } from '../support/cli.ts';

const { dir, cleanup } = tempDir();
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  cleanup();
});

describe('beamulator run --dashboard', () => {
  it('shows a paced run live in Chromium; the page spawns an actor, pauses and resumes; every call is in the store', async () => {
    const db = path.join(dir, 'live.duckdb');
    const cli = startCli(['run', path.join(root, 'examples/todo/todo.sim.ts'), '--seed', '5', '--speed', '120', '--duration', '2h', '--dashboard', '--db', db, '--no-progress']);
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      cli.child.stderr!.on('data', (d) => {
        err += d;
        const found = /dashboard\s+(http:\/\/\S+)/.exec(err);
        if (found) resolve(found[1]!);
      });
      void cli.done.then((r) => reject(new Error(`run ended (exit ${r.code}) before printing the dashboard url: ${r.stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(url);
    await page.waitForSelector('body[data-ready=true]');
    // The grid fills and the charts get points as batches come in.
    await expect.poll(() => page.locator('#grid .actor').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const before = Number(await page.getAttribute('body', 'data-points'));
    await expect.poll(async () => Number(await page.getAttribute('body', 'data-points')), { timeout: 20_000 }).toBeGreaterThan(before + 2);
    await expect.poll(async () => Number(await page.getAttribute('body', 'data-actions')), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.locator('#rate-chart canvas').count()).toBe(1);

    const actors = await page.locator('#grid .actor').count();
    await page.selectOption('#spawn-behavior', 'Procrastinator');
    await page.fill('#spawn-count', '2');
    await page.click('#spawn-form button[type=submit]');
    await expect.poll(() => page.locator('#grid .actor').count(), { timeout: 20_000 }).toBe(actors + 2);
    await expect.poll(() => page.textContent('#control-log')).toMatch(/spawn 2 Procrastinator \(#\d+, #\d+\) · dashboard [0-9a-f]{8}/);

    // A bad call from the page: refused with the run's message, nothing changes.
    await page.fill('#spawn-count', '0');
    await page.click('#spawn-form button[type=submit]');
    await expect.poll(() => page.textContent('#control-result')).toMatch(/cannot spawn: count must be a whole number/);

    await page.click('#pause');
    await expect.poll(() => page.textContent('#summary')).toMatch(/\(paused\)/);
    await page.click('#resume');
    await expect.poll(() => page.textContent('#summary')).not.toMatch(/\(paused\)/);
    mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-artifacts/live-dashboard.png') });
    // The refused spawn above is a 400, which Chromium logs as a failed resource: that one is expected.
    expect(errors.filter((e) => !/Failed to load resource: the server responded with a status of 400/.test(e))).toEqual([]);

    cli.child.kill('SIGINT');
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(130);
    const store = await openStore(db, { readOnly: true });
    try {
      const [run] = await store.listRuns({ limit: 1 });
      const events = await store.events(run!.runId);
      const spawn = events.filter((e) => e.kind === 'control').map((e) => e.detail as { op: string; source: string; ids?: number[] });
      expect(spawn).toMatchObject([{ op: 'spawn', source: 'dashboard' }]);
      expect(spawn[0]!.ids).toHaveLength(2);
      const paceCalls = events.filter((e) => e.kind === 'pace').map((e) => e.detail as { what: string; source: string; clientId?: string });
      const pauses = paceCalls.filter((p) => p.what === 'pause' || p.what === 'resume');
      expect(pauses).toMatchObject([{ what: 'pause', source: 'dashboard' }, { what: 'resume', source: 'dashboard' }]);
      expect(pauses[0]!.clientId).toMatch(/^[0-9a-f]{8}$/);
      const spawned = (await store.actors(run!.runId)).filter((a) => spawn[0]!.ids!.includes(a.actorId));
      expect(spawned.map((a) => a.behavior)).toEqual(['Procrastinator', 'Procrastinator']);
    } finally {
      await store.close();
    }
  }, 90_000);
});
