// Locking, corruption and crash safety, with real second processes and real files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/duckdb-store.ts';
import { BeamulatorError } from '../../src/util/errors.ts';
import { beginTestRun, runChild, startChild, tempDir } from './helpers.ts';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

async function openError(path: string, readOnly = false): Promise<BeamulatorError> {
  const error = await openStore(path, { readOnly }).then(
    async (store) => { await store.close(); throw new Error('expected the open to fail'); },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BeamulatorError);
  return error as BeamulatorError;
}

describe('a file held by another process', () => {
  it('is BEAM_STORE_LOCKED naming the PID, for read-write and read-only opens', async () => {
    const path = join(dir, 'runs.duckdb');
    const { child, ready, exited } = await startChild(['hold', path]);
    try {
      const pid = Number(ready.split(' ')[1]);
      expect(pid).toBe(child.pid);
      for (const readOnly of [false, true]) {
        const error = await openError(path, readOnly);
        expect(error.code).toBe('BEAM_STORE_LOCKED');
        // The holder writes: named by its command line (/proc), and a writer for a reader.
        expect(error.message).toContain(`cannot open run store ${path}: process ${pid} (node --import tsx `);
        expect(error.message).toContain(readOnly ? ') is writing to it' : ') has it open (reading or writing)');
        expect(error.hint).toBe('Wait for it to finish, stop it, or use --db <other file>');
        expect(error.exitCode).toBe(3);
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    // Once the holder is gone the OS drops its lock.
    const store = await openStore(path);
    expect(await store.listRuns()).toHaveLength(1);
    await store.close();
  });

  it('is reported to the other process when this one holds it, and released by close()', async () => {
    const path = join(dir, 'runs.duckdb');
    const store = await openStore(path);
    const second = await openStore(path); // same process: shares the instance
    const locked = await runChild(['open', path, 'ro']);
    const error = JSON.parse(locked.stdout) as { code: string; message: string };
    expect(error.code).toBe('BEAM_STORE_LOCKED');
    expect(error.message).toContain(`process ${process.pid} (`);
    await store.close();
    // Still held: the second store uses the instance.
    expect(JSON.parse((await runChild(['open', path, 'ro'])).stdout).code).toBe('BEAM_STORE_LOCKED');
    await second.close();
    expect((await runChild(['open', path, 'ro'])).stdout.trim()).toBe('opened');
    expect((await runChild(['open', path])).stdout.trim()).toBe('opened');
  });

  it('lets several read-only processes share a file', async () => {
    const path = join(dir, 'runs.duckdb');
    const store = await openStore(path);
    await beginTestRun(store);
    await store.close();
    const reader = await openStore(path, { readOnly: true });
    try {
      expect((await runChild(['open', path, 'ro'])).stdout.trim()).toBe('opened');
    } finally {
      await reader.close();
    }
  });
});

describe('a file that is not a run store', () => {
  it('is BEAM_STORE_CORRUPT when it is not a DuckDB database', async () => {
    const path = join(dir, 'garbage.duckdb');
    writeFileSync(path, 'this is not a database\n'.repeat(500));
    for (const readOnly of [false, true]) {
      const error = await openError(path, readOnly);
      expect(error.code).toBe('BEAM_STORE_CORRUPT');
      expect(error.message).toContain(`cannot open run store ${path}: it is not a DuckDB database or it is damaged`);
      expect(error.hint).toContain(`mv ${path} ${path}.bad`);
    }
  });

  it('is BEAM_STORE_CORRUPT for an empty file', async () => {
    const path = join(dir, 'empty.duckdb');
    writeFileSync(path, '');
    expect((await openError(path)).code).toBe('BEAM_STORE_CORRUPT');
  });

  it('is BEAM_STORE_CORRUPT when the header was overwritten', async () => {
    const path = join(dir, 'runs.duckdb');
    const store = await openStore(path);
    await beginTestRun(store);
    await store.close();
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, 0);
    closeSync(fd);
    expect((await openError(path)).code).toBe('BEAM_STORE_CORRUPT');
  });
});

describe('crash safety', () => {
  it('keeps every flushed row when the writer process is killed with SIGKILL', async () => {
    const path = join(dir, 'runs.duckdb');
    const n = 4321;
    const { child, ready, exited } = await startChild(['record', path, String(n)]);
    const runId = ready.split(' ')[1]!;
    child.kill('SIGKILL');
    expect(await exited).toBeNull();

    // A new process reads them all (the 7 actions added after the last flush were never written).
    const read = await runChild(['read', path, runId]);
    expect(read.stderr).toBe('');
    expect(JSON.parse(read.stdout)).toEqual({
      status: 'abandoned', actions: n, actors: 1, complaints: Math.ceil(n / 100), exchanges: n, events: n,
    });

    // This process sees the same rows, and a summary of the unfinished run.
    const store = await openStore(path, { readOnly: true });
    try {
      const run = (await store.getRun(runId))!;
      expect(run.summary.actions).toBe(n);
      expect(run.summary.byOutcome).toEqual({ ok: n - Math.ceil(n / 10), error: Math.ceil(n / 10), crash: 0 });
      const actions = await store.actions(runId);
      expect(actions.map((a) => a.seq)).toEqual(Array.from({ length: n }, (_, i) => i));
    } finally {
      await store.close();
    }
  });
});
