import { BrowserConnector } from '../connectors/browser-connector.ts';
import { resetTarget } from '../engine/reset-target.ts';
import { browserOptionsOf } from '../engine/run-resources.ts';
import type { Simulation, StartedTarget } from '../engine/simulation.ts';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import type { ParamValues } from '../util/params.ts';
import { atUserLine, callUser } from '../util/user-code.ts';

/**
 * The target of a campaign, started once and reset between runs. `url` is read after each
 * `reset()`: a target without a reset hook is restarted and may come back on another port.
 * The campaign's browser lives as long (one Chromium for all its runs, each run with fresh contexts).
 */
export interface LiveTarget extends AsyncDisposable {
  readonly url: string;
  /** The campaign's browser, launched by its first browser action, closed with the target. */
  readonly browser: BrowserConnector;
  /** The started target's own reset, else a restart; a target given by url gets its spec's `reset` (else is left as it is). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the target of `sim` once with the campaign's parameters (its `start` if it has one, else
 * its url). `doing` names the command in errors ("fuzz 'stale-read'").
 *
 * @example
 * await using live = await startLiveTarget(target, params, `fuzz '${target.name}'`);
 * await live.reset();
 * await runSimulationInternal(target, { target: live.url, db: false });
 */
export async function startLiveTarget(sim: Simulation, params: ParamValues, doing: string): Promise<LiveTarget> {
  const spec = sim.target;
  if (!spec?.start && !spec?.url) {
    throw new BeamulatorError('BEAM_USAGE', `cannot ${doing}: it has no target`, 'Give the fuzz target a target: { start() } (or the simulation a target)');
  }
  const browser = new BrowserConnector(browserOptionsOf(sim));
  // As a run does: a simulation that declares `browser` learns of a missing Chromium before anything starts.
  if (sim.browser) browser.checkExecutable();
  const start = async (): Promise<StartedTarget> => {
    try {
      return spec.start ? await spec.start({ params }) : { url: spec.url! };
    } catch (error) {
      throw new BeamulatorError('BEAM_TARGET', `cannot start the target of '${sim.name}': ${errorMessage(error)}${atUserLine(error)}`, 'Fix target.start', { cause: error });
    }
  };
  let current: StartedTarget | null = await start();
  const stop = async () => {
    const stopping = current;
    current = null;
    if (stopping?.stop) await callUser('target.stop()', () => stopping.stop!(), { doing: `stop the target of '${sim.name}'` });
  };
  return {
    browser,
    get url() {
      if (!current) throw new Error(`the target of '${sim.name}' is stopped`);
      return current.url;
    },
    async reset() {
      if (!current) throw new Error(`the target of '${sim.name}' is stopped`);
      if (current.reset) await callUser("the started target's reset()", () => current!.reset!(), { doing: `reset the target of '${sim.name}'` });
      else if (!spec.start) await resetTarget(spec, current.url, params);
      else {
        await stop();
        current = await start();
      }
    },
    stop,
    [Symbol.asyncDispose]: async () => {
      await browser.close();
      await stop();
    },
  };
}
