import http from 'node:http';
import https from 'node:https';
import { initProject, type InitReport } from '../init/init-project.ts';
import { ExitCode } from '../util/errors.ts';
import type { Output } from './output.ts';

export interface InitCommandOptions {
  url: string;
  name?: string;
  dir: string;
  json?: boolean;
}

/** `beamulator init`: scaffolds the project, then says whether the url answers and what to run next. */
export async function initCommand(opts: InitCommandOptions, output: Output): Promise<number> {
  const report = await initProject({ url: opts.url, dir: opts.dir, ...(opts.name !== undefined ? { name: opts.name } : {}) });
  const answer = await probe(report.url);
  if (opts.json) {
    output.out(`${JSON.stringify({ ...report, target: answer }, null, 2)}\n`);
    return ExitCode.ok;
  }
  output.out(formatReport(report, answer));
  return ExitCode.ok;
}

function formatReport(report: InitReport, answer: string): string {
  const lines = [`beamulator init: '${report.name}' aimed at ${report.url}`];
  for (const file of report.created) lines.push(`  created  ${file}`);
  for (const what of report.updated) lines.push(`  updated  ${what}`);
  for (const file of report.skipped) lines.push(`  skipped  ${file} (it exists; left as it is)`);
  lines.push(`  target   ${answer}`);
  if (report.todo.length > 0) lines.push('', 'to do first:', ...report.todo.map((t) => `  ${t}`));
  lines.push(
    '',
    'next:',
    '  npx beamulator run            run the simulation against your service and record it',
    '  npx beamulator show latest    what the actors did and what they complained about',
    '  npx beamulator fuzz           search for a failing population and shrink it',
    `  npx vitest run simulations    the simulation as a test`,
    '',
  );
  return lines.join('\n');
}

/** Whether the url answers GET / now: a hint only, never a failure (the service may start later). */
function probe(url: string): Promise<string> {
  const get = url.startsWith('https:') ? https.get : http.get;
  return new Promise((resolve) => {
    const req = get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(`${url} answered GET / with HTTP ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer within 2s'), { code: 'timeout' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      resolve(`${url} did not answer GET / (${error.code ?? error.message}): start it before \`npx beamulator run\``);
    });
  });
}
