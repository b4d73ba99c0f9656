import path from 'node:path';
import type { RecordedRun } from './recorded-run.ts';
import { keepRunsEnvVar } from './keep-runs.ts';
import { shellQuote } from '../util/reproduce-command.ts';
import { seedEnvVar } from './resolve-seed.ts';

/** What a matcher knows about the test it runs in (a subset of vitest's MatcherState). */
export interface TestContext {
  testPath?: string | undefined;
  currentTestName?: string | undefined;
}

/**
 * The lines every beamulator failure message ends with: run id, seed (and how to pin it), the
 * command that repeats the run, where to inspect it, and how to rerun the test.
 */
export function runFooter(run: RecordedRun, test: TestContext = {}): string {
  const what = run.kind === 'run' ? `simulation ${run.simulation}` : `${run.kind} of simulation ${run.simulation}`;
  const lines = [`  run        ${run.runId} (${what})`, `  seed       ${run.seed}${seedNote(run)}`, `  reproduce  ${run.reproduce}`];
  if (run.db !== null) {
    lines.push(`  inspect    npx beamulator show ${run.runId} --db ${shellQuote(run.db)}`);
  } else {
    lines.push(`  inspect    the run was recorded in memory only; set ${keepRunsEnvVar}=1 (or keep: true) to keep it in a DuckDB file`);
  }
  if (test.testPath) {
    const env = Object.entries(run.env ?? {}).map(([name, value]) => `${name}=${shellQuote(value)} `).join('');
    const pin = run.seedSource === 'random' || run.seedSource === 'env' ? `${seedEnvVar}=${shellQuote(run.seed)} ` : '';
    const name = test.currentTestName ? `  (test "${test.currentTestName}")` : '';
    lines.push(`  rerun      ${env}${pin}npx vitest run ${shellQuote(relative(test.testPath))}${name}`);
  }
  for (const note of run.notes ?? []) lines.push(`  note       ${note}`);
  return lines.join('\n');
}

function seedNote(run: RecordedRun): string {
  switch (run.seedSource) {
    case 'random': return ` (random; pin it with ${seedEnvVar}=${shellQuote(run.seed)})`;
    case 'env': return ` (from ${seedEnvVar})`;
    case 'options': return ' (from options.seed)';
    case 'simulation': return " (the simulation's seed)";
    default: return '';
  }
}

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') ? rel : file;
}
