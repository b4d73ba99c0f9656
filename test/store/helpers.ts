import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunStore, RunWriter } from '../../src/store/run-store.ts';
import { trackChild } from '../support/child-processes.ts';
import type { ActionRecord, ComplaintRecord, EventRecord, ExchangeRecord, ActorRecord } from '../../src/store/records.ts';

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'beam-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const wallStart = Date.UTC(2026, 10, 26, 9, 38, 50);

export function beginTestRun(store: RunStore, extra: Partial<Parameters<RunStore['beginRun']>[0]> = {}): Promise<RunWriter> {
  return store.beginRun({
    kind: 'run', parentRunId: null, simulation: 'todo', file: 'examples/todo/todo.sim.ts', seed: '42',
    config: { durationMs: 3_600_000, concurrency: 1, targetUrl: null }, codeHash: 'abc123', beamulatorVersion: '0.1.0',
    wallStartedAt: wallStart, simEpoch: Date.UTC(2026, 0, 5, 8), ...extra,
  });
}

export function actor(runId: string, actorId: number, extra: Partial<ActorRecord> = {}): ActorRecord {
  return {
    runId, actorId, behavior: 'Writer', name: `writer-${actorId}`, config: { speed: 2 }, initialState: { mine: [] },
    tags: ['writers'], rngState: { s: [1, 2, 3, 4], i: 0 }, origin: 'config', spawnAt: actorId * 1000, ...extra,
  };
}

export function action(runId: string, seq: number, extra: Partial<ActionRecord> = {}): ActionRecord {
  return {
    runId, seq, actorId: seq % 3, action: 'createTodo', args: { title: `todo ${seq}` }, outcome: 'ok', result: { id: seq },
    error: null, simTime: seq * 100, step: seq + 1, wallStartUs: 1000 * seq, wallEndUs: 1000 * seq + 250, latencyMs: 0.25, ...extra,
  };
}

export function complaint(runId: string, seq: number, extra: Partial<ComplaintRecord> = {}): ComplaintRecord {
  return {
    runId, seq, actionSeq: seq, actorId: 0, severity: 'annoying', message: 'slow', trigger: 'r => r.latencyMs > 100',
    detail: { latencyMs: 120 }, simTime: seq * 100, ...extra,
  };
}

export function exchange(runId: string, actionSeq: number, n: number, extra: Partial<ExchangeRecord> = {}): ExchangeRecord {
  return {
    runId, actionSeq, n, protocol: 'http', method: 'POST', url: 'http://127.0.0.1:3000/todos',
    requestHeaders: { 'content-type': 'application/json' }, requestBody: '{"title":"a"}', status: 201,
    responseHeaders: { 'content-type': 'application/json' }, responseBody: '{"id":1}', error: null,
    wallStartUs: 5_000_000_000 + actionSeq, durationMs: 1.5, ...extra,
  };
}

export function event(runId: string, seq: number, extra: Partial<EventRecord> = {}): EventRecord {
  return { runId, seq, simTime: seq * 10, actorId: 0, kind: 'spawn', detail: { behavior: 'Writer' }, ...extra };
}

/**
 * Runs test/store/fixtures/store-child.ts in a real second process; resolves once it printed
 * `ready`. The child is killed when the test ends (a holder left behind would keep the lock).
 */
export function startChild(args: string[]): Promise<{ child: ChildProcess; ready: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'store-child.ts'), ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('ready'));
      if (line) resolve({ child, ready: line, exited });
    });
    child.stderr!.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('close', (code) => reject(new Error(`child exited (${code}) before ready: ${out}${err}`)));
  });
}

/** Runs the child to completion and returns its stdout. */
export function runChild(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'store-child.ts'), ...args], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}
