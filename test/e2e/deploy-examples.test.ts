// The deploy examples run as written: the Kubernetes manifests and the GitHub Actions workflow of
// docs/sharding.md are parsed, and their beamulator commands run for real (the variables
// Kubernetes or Actions would set filled in) against the bundled example and its fixture.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';
import { bin, exampleSim, root, runCli, tempDir, type CliResult } from '../support/cli.ts';
import { trackChild } from '../support/child-processes.ts';

const { dir, cleanup } = tempDir();
let app: TodoApp;
beforeAll(async () => {
  app = await startTodoApp();
});
afterAll(async () => {
  await app.stop();
  cleanup();
});

/** The example's paths as they would be in a user's project, mapped to this repository's. */
const localize = (text: string) => text.replaceAll('simulations/shop.sim.ts', exampleSim).replaceAll('/stores', dir);

/** A shell command line as CI or a container would run it, with `npx beamulator` as this checkout's CLI. */
function shell(line: string, cwd = dir): Promise<CliResult> {
  const command = localize(line).replace(/npx (--no-install )?beamulator/, `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)}`);
  const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, NO_COLOR: '1', TODO_BUGS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

interface Container { args?: string[]; command?: string[]; env?: Array<{ name: string; value: string }> }
type Manifest = { kind: string; spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } } };

describe('deploy/kubernetes', () => {
  it('the Indexed Job runs one shard per completion index, and the merge Job merges them into one complete group', async () => {
    const docs = parseAllDocuments(readFileSync(path.join(root, 'deploy/kubernetes/job.yaml'), 'utf8')).map((d) => d.toJS() as Manifest);
    const job = docs.find((d) => d.kind === 'Job')!;
    expect(job.spec.completionMode).toBe('Indexed');
    const completions = job.spec.completions!;
    expect(job.spec.parallelism).toBe(completions);
    const container = job.spec.template.spec.containers[0]!;
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(Number(env.BEAMULATOR_SHARDS)).toBe(completions);

    const runs = await Promise.all(Array.from({ length: completions }, (_, index) => {
      const vars: Record<string, string> = { ...env, TARGET_URL: app.url, JOB_COMPLETION_INDEX: String(index) };
      const args = container.args!.map((a) => localize(a.replace(/\$\((\w+)\)/g, (_, name: string) => vars[name] ?? `$(${name})`)));
      return runCli([...args, '--json'], { env: vars });
    }));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs.map((r) => JSON.parse(r.stdout).shard.index)).toEqual([1, 2, 3, 4].slice(0, completions));

    const merge = parse(readFileSync(path.join(root, 'deploy/kubernetes/merge-job.yaml'), 'utf8')) as Manifest;
    const mergeContainer = merge.spec.template.spec.containers[0]!;
    expect(mergeContainer.command).toEqual(['sh', '-c']);
    const merged = await shell(mergeContainer.args![0]!);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`${completions}/${completions} shards`);
  }, 60_000);
});

describe('the GitHub Actions workflow in docs/sharding.md', () => {
  it('runs a shard per matrix entry and merges; a missing shard fails the merge job (exit 11)', async () => {
    const page = readFileSync(path.join(root, 'docs/sharding.md'), 'utf8');
    const block = /```yaml\n([\s\S]*?)```/.exec(page)![1]!;
    const workflow = parse(block) as { jobs: Record<string, { needs?: string; strategy?: { matrix: { shard: number[] } }; steps: Array<{ run?: string }> }> };
    const shardJob = workflow.jobs.shard!;
    const shards = shardJob.strategy!.matrix.shard;
    expect(shards).toEqual([1, 2, 3, 4]);
    const runLine = shardJob.steps.map((s) => s.run).find((r) => r?.startsWith('npx beamulator run'))!;
    expect(workflow.jobs.merge!.needs).toBe('shard');
    const mergeLine = workflow.jobs.merge!.steps.map((s) => s.run).find((r) => r?.startsWith('npx beamulator merge'))!;

    // Two of the four matrix entries: the merge job must notice the missing two. A checkout of its own.
    const checkout = path.join(dir, 'actions');
    mkdirSync(checkout);
    for (const shard of shards.slice(0, 2)) {
      const r = await shell(`${runLine.replaceAll('${{ matrix.shard }}', String(shard))} --target ${app.url}`, checkout);
      expect(r.code, r.stderr).toBe(0);
    }
    const merged = await shell(mergeLine, checkout);
    expect(merged.code, merged.stderr).toBe(11);
    expect(merged.stderr).toMatch(/is incomplete: shards 3, 4 of 4 missing/);
  }, 60_000);
});
