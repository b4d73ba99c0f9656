import type { ResumePoint } from './resume-point.ts';
import { storedSeedOf } from './seed-population.ts';
import type { Simulation } from './simulation.ts';
import type { StoredSeed } from './stored-seed.ts';
import type { ParamSettings } from '../util/params.ts';
import type { RunRecord } from '../store/records.ts';
import type { RunStore } from '../store/run-store.ts';
import { formatDuration, parsePositiveDuration, toSeconds, type Duration } from '../util/duration.ts';
import { BeamulatorError } from '../util/errors.ts';
import { storedParams } from './stored-params.ts';

/** The run options a resumed run takes from the run it continues (a part of InternalRunOptions). */
export interface ResumedRunOptions {
  seed: string;
  params?: ParamSettings;
  env?: Readonly<Record<string, string | undefined>>;
  duration: number;
  resumeFrom: ResumePoint;
  resetTarget: false;
  storedSeed?: StoredSeed;
  concurrency?: number;
  overlapWindow?: number;
  actionTimeout?: number;
  actors?: Record<string, number>;
}

/** The run `run --resume` continues, read from the store and checked (see resumeRunOptions). */
export async function runToResume(store: RunStore, ref: string): Promise<RunRecord> {
  const run = await store.getRun(await store.resolveRunId(ref));
  if (!run) throw new BeamulatorError('BEAM_RUN_NOT_FOUND', `cannot resume run '${ref}': no such run in ${store.path}`, 'List runs with `beamulator runs`');
  const cannot = (why: string, hint: string) => new BeamulatorError('BEAM_STATE', `cannot resume run ${run.runId}: ${why}`, hint);
  if (run.kind === 'replay') throw cannot(`it is a replay (of ${run.parentRunId ?? 'another run'})`, 'Resume the run it replayed, or replay it again');
  if (run.status === 'running') throw cannot('it is still being recorded', 'Wait for it to finish, or stop it (Ctrl-C) and resume it then');
  if (run.stopReason === 'all-actors-stopped') throw cannot('every actor of it had stopped: nothing is left to run', 'Start a new run');
  // Snapshots hold the states of the population's actors, not the actors control calls added, removed or gave another behavior.
  const changed = (await store.events(run.runId)).find((e) => e.kind === 'control' && ['spawn', 'remove', 'replace'].includes((e.detail as { op?: string }).op ?? ''));
  if (changed) {
    throw cannot(`its population was changed while it ran (a control call '${(changed.detail as { op: string }).op}' at sim time ${formatDuration(toSeconds(changed.simTime))}), which snapshots do not restore`,
      'Replay it instead (`beamulator replay` applies its control calls again), or start a new run');
  }
  return run;
}

/**
 * What `run --resume` runs with: the stopped run's seed, parameters and settings, its last
 * snapshots, and a duration that must reach past where it stopped (`duration` extends it).
 */
export async function resumeRunOptions(store: RunStore, run: RunRecord, sim: Simulation, duration?: Duration): Promise<ResumedRunOptions> {
  const snapshots = await store.lastSnapshots(run.runId);
  const counters = snapshots.find((s) => s.actorId === null);
  if (!counters) {
    throw new BeamulatorError('BEAM_STATE', `cannot resume run ${run.runId}: it has no snapshots (snapshots were off, or it was killed before its first)`,
      'Run it again instead: `beamulator run` with its seed gives the same run');
  }
  const config = (run.config ?? {}) as { durationMs?: number; concurrency?: number; overlapWindowMs?: number; actionTimeoutMs?: number; actors?: Record<string, number> | null };
  const durationMs = duration !== undefined ? parsePositiveDuration(duration, 'duration') : config.durationMs ?? parsePositiveDuration(sim.duration ?? '1h', 'duration');
  if (durationMs <= counters.simTime) {
    throw new BeamulatorError('BEAM_USAGE', `cannot resume run ${run.runId} for ${formatDuration(toSeconds(durationMs))}: it already reached ${formatDuration(toSeconds(counters.simTime))} of sim time`,
      'Give a longer --duration to continue it past its end');
  }
  const { step, actionSeq } = counters.detail as { step: number; actionSeq: number };
  const point: ResumePoint = {
    runId: run.runId, simTime: counters.simTime, step, actionSeq,
    snapshots: new Map(snapshots.filter((s) => s.actorId !== null).map((s) => [s.actorId!, s])),
  };
  const storedSeed = storedSeedOf(await store.actors(run.runId), []);
  return {
    seed: run.seed, ...storedParams(sim, run), duration: durationMs, resumeFrom: point,
    // The target holds what the run left there: resetting it would undo that.
    resetTarget: false,
    ...(storedSeed ? { storedSeed } : {}),
    ...(config.concurrency ? { concurrency: config.concurrency } : {}),
    ...(config.overlapWindowMs ? { overlapWindow: config.overlapWindowMs } : {}),
    ...(config.actionTimeoutMs ? { actionTimeout: config.actionTimeoutMs } : {}),
    ...(config.actors ? { actors: config.actors } : {}),
  };
}
