import { BrowserConnector, type BrowserOptions } from '../connectors/browser-connector.ts';
import type { ExchangeSource } from '../connectors/exchange-source.ts';
import type { ForeignHttp } from '../connectors/foreign-http.ts';
import type { HttpClientFactory } from '../connectors/http-client.ts';
import { HttpConnector, targetUrl } from '../connectors/http-connector.ts';
import type { RequestMismatch } from '../connectors/request-mismatch.ts';
import { defaultStorePath, openRunStore } from '../store/duckdb-store.ts';
import type { RedactPattern } from '../store/redact.ts';
import type { RunStore } from '../store/run-store.ts';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import type { ParamValues } from '../util/params.ts';
import { parseDuration } from '../util/duration.ts';
import { ResourceStack } from '../util/resource-stack.ts';
import { resetTarget, type TargetState } from './reset-target.ts';
import { redactionOf, type Simulation, type StartedTarget } from './simulation.ts';
import { atUserLine, callUser } from '../util/user-code.ts';

/** What a run (or a log-mode replay) needs open around it; see openRunResources. */
export interface RunResourceOptions {
  /**
   * Where the run is recorded: a DuckDB file path (default '.beamulator/beamulator.duckdb') or
   * ':memory:', opened here and closed with the resources; an open store, used and left open;
   * `false` for none.
   */
  db?: string | RunStore | false;
  /** Names to redact on top of the built-in rules (and the simulation's own `redact`) in a store opened here. */
  redact?: readonly RedactPattern[];
  /** Url of a running target; else the simulation's url, else the target it starts (stopped with the resources). */
  target?: string;
  /** Run the target's `reset` on a running target (default true; a fuzz campaign resets it itself). */
  resetTarget?: boolean;
  /** The run's resolved parameters: `target.start` gets them. */
  params: ParamValues;
  /** Per-request timeout of the HTTP connector (default: the simulation's actionTimeout, else 30 s). */
  actionTimeoutMs?: number;
  /**
   * Offline replay: requests are answered from the recording by `http` (closed with the
   * resources), and no target is started; `targetUrl` is the original run's, for actions that build urls.
   */
  offline?: { http: HttpClientFactory; targetUrl: string };
  /** Offline replay of a simulation with `foreignHttp`: the recorded exchanges foreign clients get. */
  exchanges?: ExchangeSource;
  /** Where foreign requests that differ from the recording go (with `exchanges`). */
  onRequestMismatch?: (mismatch: RequestMismatch) => void;
  /** A browser the caller owns and closes (a fuzz campaign's, shared by its runs); else one is made for the run. */
  browser?: BrowserConnector;
}

/** A run's open resources; leaving `await using` (or `close()`) tears them down in reverse order. */
export interface RunResources extends AsyncDisposable {
  /** Where to record (null: not recorded). */
  readonly store: RunStore | null;
  /** The target the actions call (null: the simulation has none); offline, the recorded url. */
  readonly target: StartedTarget | null;
  /** The actions' HTTP client factory (null without a target). */
  readonly http: HttpClientFactory | null;
  /** How the target was prepared: started for the run, reset, used as found (null: offline or none). */
  readonly targetState: TargetState;
  /** The browser for actions that ask for a page: launched on the first one, closed with the resources. */
  readonly browser: BrowserConnector;
  close(): Promise<void>;
}

/**
 * Opens what a run needs around it: the store, foreign-HTTP interception (when the simulation
 * has `foreignHttp`), the target, and the HTTP connector to it. Each is registered for teardown
 * as soon as it is open, so a failure halfway (a target that does not start) closes what was
 * already open and releases the store's lock before the error is thrown. A new resource (a
 * browser, a dashboard) is one more step here.
 *
 * @example
 * await using resources = await openRunResources(sim, { db: ':memory:', params });
 * const writer = await resources.store!.beginRun(...);
 */
export async function openRunResources(sim: Simulation, options: RunResourceOptions): Promise<RunResources> {
  const stack = new ResourceStack();
  try {
    const offline = options.offline ? stack.use(options.offline.http, (h) => h.close()) : null;
    // Launched on the first browser action. A simulation that declares `browser` learns of a missing
    // Chromium before it starts; otherwise its first browser action fails saying so.
    const browser = options.browser ?? stack.use(new BrowserConnector(browserOptionsOf(sim)), (b) => b.close());
    if (sim.browser) browser.checkExecutable();
    const store = options.db === false ? null
      : typeof options.db === 'object' ? options.db
      : stack.use(await openRunStore(options.db ?? defaultStorePath, { redact: { extra: redactionOf(sim, options.redact) } }), (s) => s.close());
    if (sim.foreignHttp) {
      // Before the target starts, as it always was: a target.start that calls out passes through it unrecorded.
      const foreign = await foreignHttpFor(options);
      foreign.apply();
      stack.defer(() => foreign.dispose());
    }
    let target: StartedTarget | null = null;
    let http: HttpClientFactory | null = offline;
    let targetState: TargetState = null;
    if (options.offline) {
      target = { url: options.offline.targetUrl };
    } else {
      const resolved = await resolveTarget(sim, options.target, options.params);
      target = resolved.target;
      if (resolved.started) {
        const started = resolved.target!;
        stack.defer(() => callUser('target.stop()', () => started.stop?.(), { doing: `stop the target of '${sim.name}'` }));
      }
      if (target) targetState = resolved.started ? 'started' : sim.target?.reset && options.resetTarget !== false ? 'reset' : 'as-found';
      if (targetState === 'reset') await resetTarget(sim.target!, target!.url, options.params);
      if (target) {
        const timeoutMs = options.actionTimeoutMs ?? parseDuration(sim.actionTimeout ?? '30s', 'action timeout');
        http = stack.use(new HttpConnector({ baseUrl: target.url, connections: sim.target?.connections ?? 64, defaultHeaders: sim.target?.headers ?? {}, timeoutMs }), (h) => h.close());
      }
    }
    return { store, target, http, targetState, browser, close: () => stack.close(), [Symbol.asyncDispose]: () => stack.close() };
  } catch (error) {
    // The setup error is the one to report; what was open is closed all the same.
    await stack.close().catch(() => undefined);
    throw error;
  }
}

/** The run's target: an explicit url, the simulation's url, or one the simulation starts with the run's parameters (then `started`). */
async function resolveTarget(sim: Simulation, url: string | undefined, params: ParamValues): Promise<{ target: StartedTarget | null; started: boolean }> {
  const explicit = url ?? sim.target?.url;
  if (explicit) {
    targetUrl(explicit);
    return { target: { url: explicit }, started: false };
  }
  if (!sim.target?.start) return { target: null, started: false };
  try {
    const target = await sim.target.start({ params });
    return { target, started: true };
  } catch (error) {
    throw new BeamulatorError('BEAM_TARGET', `cannot start the target of '${sim.name}': ${errorMessage(error)}${atUserLine(error)}`, 'Fix target.start, or point at a running target with --target <url>', { cause: error });
  }
}

/** Interceptors for foreign HTTP clients: recording, or serving the recording in an offline replay. */
async function foreignHttpFor(options: Pick<RunResourceOptions, 'exchanges' | 'onRequestMismatch'>): Promise<ForeignHttp> {
  // Loaded only when asked for: msw's interceptors patch globals and cost start-up time.
  const { ForeignHttp } = await import('../connectors/foreign-http.ts');
  if (!options.exchanges) return ForeignHttp.record();
  return ForeignHttp.serve(options.exchanges, options.onRequestMismatch ? { onMismatch: options.onRequestMismatch } : {});
}

/** The simulation's `browser` settings as the connector takes them. */
export function browserOptionsOf(sim: Simulation): BrowserOptions {
  const spec = sim.browser ?? {};
  return {
    ...(spec.executablePath !== undefined ? { executablePath: spec.executablePath } : {}),
    ...(spec.timeout !== undefined ? { timeoutMs: parseDuration(spec.timeout, 'browser timeout') } : {}),
    ...(spec.viewport ? { viewport: spec.viewport } : {}),
    ...(spec.args ? { args: spec.args } : {}),
  };
}
