/**
 * `beamulator dashboard <run | group>`: the stored run in a browser page (charts, actors, complaints)
 * until Ctrl-C. Bound to 127.0.0.1 unless --host says otherwise; then a token is required.
 */
import type { Command } from 'commander';
import { defaultStorePath } from '../store/default-store-path.ts';
import { ExitCode } from '../util/errors.ts';
import { dashboardPort, tokenFor } from './live-dashboard.ts';
import { styler, type Output } from './output.ts';
import { recoveringNotice } from './recovering-notice.ts';
import { StopSignals } from './stop-signals.ts';
import type { ProjectOptions } from './project-config.ts';

export interface DashboardCommandOptions extends ProjectOptions {
  db: string;
  host: string;
  port: string;
}

/** Adds `dashboard` to the program. */
export function registerDashboardCommand(program: Command, output: Output, setCode: (code: number) => void): void {
  program.command('dashboard')
    .argument('<run>', "a run id (or prefix, or 'latest'), or the group id of a sharded run")
    .description('show a recorded run in the browser: actions and latency over sim time, actors, behaviors, complaints (until Ctrl-C)')
    .option('--db <path>', 'run store file', defaultStorePath)
    .option('--host <host>', 'interface to serve on; any but loopback requires the token printed in the url', '127.0.0.1')
    .option('--port <n>', 'port (0: any free one)', '0')
    .action(async (ref: string, opts: DashboardCommandOptions) => {
      setCode(await dashboardCommand(ref, opts, output));
    });
}

export async function dashboardCommand(ref: string, opts: DashboardCommandOptions, output: Output): Promise<number> {
  const port = dashboardPort(opts.port);
  const [{ openStore }, { runsOfRef }, { readDashboardData }, { startDashboard }, { outputRedactor }] = await Promise.all([
    import('../store/duckdb-store.ts'), import('./show-group.ts'), import('../dashboard/dashboard-data.ts'),
    import('../dashboard/dashboard-server.ts'), import('./project-config.ts'),
  ]);
  // Read once, then let go of the store: a recorded run does not change, and a held store would keep `run` from writing.
  const store = await openStore(opts.db, { readOnly: true, onRecovering: recoveringNotice(output, opts.db) });
  let data;
  try {
    data = await readDashboardData(store, await runsOfRef(store, ref), outputRedactor(opts.projectConfig));
  } finally {
    await store.close();
  }
  const dashboard = await startDashboard(data, { host: opts.host, port, ...tokenFor(opts.host) });
  const s = styler(output.color);
  output.out(`dashboard of ${data.title}\n  open      ${s.bold(dashboard.url)}\n${s.dim('  Ctrl-C to stop')}\n`);
  // No simulation code runs here, so no watch for a blocked thread; a second signal ends it at once.
  // (Not `using`: tsc's downlevel `using` breaks the rewrite of this file's dynamic .ts imports.)
  const stop = new StopSignals(() => {}, { watchBlocked: false });
  try {
    await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    await dashboard.close();
  } finally {
    stop[Symbol.dispose]();
  }
  // Ctrl-C is how a dashboard ends: not an interrupted command.
  return ExitCode.ok;
}
