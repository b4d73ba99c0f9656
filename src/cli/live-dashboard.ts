/**
 * `beamulator run --dashboard`: the live dashboard beside a running run. The feed follows the
 * run's hooks; the controls are whatever the run offers (see ControlHandlers); the server goes
 * away with the run, and `beamulator dashboard <run-id>` shows the stored run afterwards.
 */
import { randomBytes } from 'node:crypto';
import type { EngineHooks } from '../engine/engine-hooks.ts';
import type { Behavior } from '../engine/behavior.ts';
import type { PaceStatus } from '../engine/pace-control.ts';
import type { Simulation } from '../engine/simulation.ts';
import type { Redactor } from '../store/redact.ts';
import { BeamulatorError } from '../util/errors.ts';
import type { ControlHandlers, Dashboard } from '../dashboard/dashboard-server.ts';
import type { LiveFeed } from '../dashboard/live-feed.ts';

export interface LiveDashboardOptions {
  host: string;
  port: string;
}

export interface LiveDashboard {
  feed: LiveFeed;
  dashboard: Dashboard;
  /** The run's controls, once it has started (the handlers look them up when called). */
  controls: ControlHandlers;
}

/** Parses `--dashboard-port` (0: any free port). */
export function dashboardPort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BeamulatorError('BEAM_USAGE', `cannot serve the dashboard on port '${text}'`, 'Use a whole number from 0 (any free port) to 65535');
  }
  return port;
}

/** Loopback needs no token; any other interface gets a random one (printed in the url). */
export function tokenFor(host: string): { token?: string } {
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  return loopback ? {} : { token: randomBytes(16).toString('hex') };
}

/** Starts the live dashboard of a run of `simulation` (before the run: its url can be opened while the run starts). */
export async function startRunDashboard(
  simulation: Simulation, redactor: Redactor, opts: LiveDashboardOptions, controls: ControlHandlers = {}, pace?: () => PaceStatus | null,
): Promise<LiveDashboard> {
  const port = dashboardPort(opts.port);
  const [{ LiveFeed }, { startLiveDashboard }] = await Promise.all([import('../dashboard/live-feed.ts'), import('../dashboard/dashboard-server.ts')]);
  const behaviors = [...new Set([...(simulation.behaviors ?? []), ...simulation.population.map((p) => p.behavior)]
    .map((b: Behavior | string) => (typeof b === 'string' ? b : b.name)))];
  const feed = new LiveFeed({
    title: simulation.name, redactor, behaviors, actions: Object.keys(simulation.actions ?? {}),
    ...(pace ? { pace } : {}),
  });
  const dashboard = await startLiveDashboard(feed, controls, { host: opts.host, port, ...tokenFor(opts.host) });
  return { feed, dashboard, controls };
}

/** Calls every listener of `a`, then of `b`, for each hook either has. */
export function bothHooks(a: EngineHooks, b: EngineHooks): EngineHooks {
  const joined: Record<string, (value: never) => void> = {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof EngineHooks>) {
    const first = a[name] as ((value: never) => void) | undefined;
    const second = b[name] as ((value: never) => void) | undefined;
    if (first && second) {
      joined[name] = (value) => {
        first(value);
        second(value);
      };
    } else {
      const only = first ?? second;
      if (only) joined[name] = only;
    }
  }
  return joined as EngineHooks;
}
