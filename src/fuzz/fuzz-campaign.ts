import fc from 'fast-check';
import { monotonicMs } from '../clock/wall-clock.ts';
import { runSimulationInternal } from '../engine/run-simulation.ts';
import { specRunOptions, tapeRngOf, type FuzzSpec, type FuzzSpecOptions } from '../replay/fuzz-spec.ts';
import type { Rng } from '../rng/rng.ts';
import type { TapeRng } from '../rng/tape-rng.ts';
import type { ComplaintRecord } from '../store/records.ts';
import { CoverageTally } from './fuzz-coverage.ts';
import type { ParamValues } from '../util/params.ts';
import { canonicalize } from './canonicalize.ts';
import { deletePass } from './delete-pass.ts';
import { FailureWatch } from './failure-watch.ts';
import { failsRun, type FuzzOptions, type FuzzProgress } from './fuzz-options.ts';
import type { FuzzSettings, FuzzTarget } from './fuzz-target.ts';
import type { LiveTarget } from './live-target.ts';
import { failingRun, sameFailure, type FailingRun, type RunOutcome } from './run-outcome.ts';
import { specArbitrary } from './spec-arbitrary.ts';

/** fast-check's share of the shrink caps (time and runs); the deletion pass gets the rest. */
const fastCheckShrinkShare = 0.75;

/**
 * One fuzz campaign's state: its counters, the failures found so far, and the fast-check
 * property that runs specs against the live target. `search()` then `shrink()`; `fuzz()` records
 * what they leave in `best`.
 *
 * @example
 * const campaign = new FuzzCampaign(target, settings, options, params, live, monotonicMs());
 * await campaign.search();
 * await campaign.shrink();
 * if (campaign.best) console.log(campaign.best.outcome.failure.actionsAtFailure);
 */
export class FuzzCampaign {
  readonly seed: number;
  readonly specOptions: FuzzSpecOptions;
  phase: FuzzProgress['phase'] = 'search';
  /** Property runs of the search. */
  runs = 0;
  /** Property runs while shrinking. */
  shrinkRuns = 0;
  failures = 0;
  /** Successful shrink steps. */
  shrinks = 0;
  /** Shrink candidates that failed once but not again in a row (see FuzzOptions.confirmRuns). */
  unconfirmed = 0;
  firstFailureMs: number | null = null;
  searchMs = 0;
  shrinkMs = 0;
  /** The failure to shrink from and, after the shrink, the one to record. */
  best: FailingRun | null = null;
  /** The failing run with the fewest actions seen: fast-check's "smaller" is structural. */
  #fewest: FailingRun | null = null;
  /** An error that stopped the campaign: the run itself could not be made (target down, bad simulation). */
  #fatal: { error: unknown } | null = null;
  /** Set when a shrink pass starts: its first run is its starting example, not a shrink step. */
  #passStart = false;
  #inFlight: Promise<unknown> = Promise.resolve();
  readonly #aborted: Promise<void>;
  readonly #confirmRuns: number;
  readonly #maxShrinkRuns: number;
  readonly #fastCheckShrinkRuns: number;
  readonly #property: fc.IAsyncProperty<[FuzzSpec]>;

  constructor(
    readonly target: FuzzTarget,
    readonly settings: FuzzSettings,
    readonly options: FuzzOptions,
    readonly params: ParamValues,
    readonly live: LiveTarget,
    readonly started: number,
  ) {
    this.seed = options.seed ?? 42;
    this.allowCrashes = options.allowCrashes ?? settings.allowCrashes;
    const fails = failsRun(settings, options.failOn);
    // Crashes allowed: so is the complaint of an actor that gave up after them (the restart policy's).
    this.fails = this.allowCrashes ? (c) => c.trigger !== 'restart-policy' && fails(c) : fails;
    this.tally = new CoverageTally(this.fails);
    this.specOptions = { maxSpan: settings.maxSpan, maxLatencyMs: settings.maxLatencyMs, retire: true, arrivalJitterMs: settings.arrivalJitterMs, ordered: true };
    this.#confirmRuns = options.confirmRuns ?? (settings.overlap ? 2 : 1);
    // fast-check's shrink passes get 3/4 of the shrink caps: the deletion pass after them needs a few
    // seconds (about 2 s on lost-update), and a slow target must not leave it none.
    this.#maxShrinkRuns = options.shrinkRuns ?? Infinity;
    this.#fastCheckShrinkRuns = Math.floor(this.#maxShrinkRuns * fastCheckShrinkShare);
    const signal = options.signal;
    this.#aborted = new Promise<void>((resolve) => {
      if (signal?.aborted) resolve();
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    this.#property = fc.asyncProperty(specArbitrary(settings), (spec) => this.#check(spec));
  }

  get interrupted(): boolean {
    return Boolean(this.options.signal?.aborted);
  }

  /** Whether a complaint fails the run: at or above failOn, and picked by failWhen. */
  readonly fails: (complaint: ComplaintRecord) => boolean;
  /** Whether simulation code may crash without failing the run (the option, else the target's). */
  readonly allowCrashes: boolean;
  /** What the search explored. */
  readonly tally: CoverageTally;

  /** Runs a spec once against the reset target; stops at the first crash or failing complaint, then checks the invariants. */
  readonly runSpec = async (spec: FuzzSpec, rngFor?: (actorId: number) => Rng): Promise<RunOutcome> => {
    await this.live.reset();
    const stop = new AbortController();
    const watch = new FailureWatch({ fails: this.fails, allowCrashes: this.allowCrashes }, () => stop.abort());
    const options = specRunOptions(spec, this.specOptions);
    // The tapes' rngs kept: when each turn began, for the deletion pass (a turn deleted with its time kept).
    const tapes: TapeRng[] = [];
    await runSimulationInternal(this.target, {
      db: false, target: this.live.url, resetTarget: false, duration: this.settings.durationMs, maxActions: this.settings.maxActions, signal: stop.signal, params: this.params,
      browser: this.live.browser,
      ...options,
      rngFor: rngFor ?? ((id) => (tapes[id] = tapeRngOf(spec.actors[id], this.specOptions.retire))),
      hooks: watch.hooks,
    });
    const outcome = watch.outcome(this.settings, spec);
    return rngFor ? outcome : { ...outcome, turnStarts: spec.actors.map((_, i) => [...(tapes[i]?.turnStarts ?? [])]) };
  };

  /** While shrinking, a failure counts only when it fails the same way confirmRuns times in a row. */
  async #confirmedRun(spec: FuzzSpec): Promise<RunOutcome> {
    const once = await this.runSpec(spec);
    if (!once.failure) return once;
    for (let i = 1; i < this.#confirmRuns; i++) {
      if (!sameFailure((await this.runSpec(spec)).failure, once.failure)) {
        this.unconfirmed++;
        return { ...once, failure: null };
      }
    }
    return once;
  }

  /** The property fast-check checks: true when the spec's run passes (or the campaign is stopping). */
  async #check(spec: FuzzSpec): Promise<boolean> {
    if (this.interrupted || this.#fatal) return true;
    const shrinking = this.phase === 'shrink';
    if (shrinking && this.shrinkRuns >= this.#fastCheckShrinkRuns) return true;
    if (shrinking) this.shrinkRuns++;
    const first = this.#passStart;
    this.#passStart = false;
    const run = shrinking ? this.#confirmedRun(spec) : this.runSpec(spec);
    this.#inFlight = run.catch(() => undefined);
    let outcome: RunOutcome;
    try {
      outcome = await run;
    } catch (error) {
      // Not a finding: stop and report it.
      this.#fatal = { error };
      return true;
    }
    if (!shrinking) {
      this.runs++;
      this.tally.add(spec, outcome);
    }
    const failing = failingRun(spec, outcome);
    if (failing) {
      this.failures++;
      // In the shrink phase every failing run but a pass's first (its starting example) is a shrink step.
      if (shrinking && !first) this.shrinks++;
      this.best = failing;
      if (!this.#fewest || failing.outcome.failure.actionsAtFailure < this.#fewest.outcome.failure.actionsAtFailure) this.#fewest = failing;
      this.firstFailureMs ??= monotonicMs() - this.started;
    }
    this.progress();
    return failing === null;
  }

  progress(): void {
    this.options.onProgress?.({
      phase: this.phase, runs: this.runs, failures: this.failures, shrinks: this.shrinks, elapsedMs: monotonicMs() - this.started,
      bestActions: this.#fewest ? this.#fewest.outcome.failure.actionsAtFailure : null,
    });
  }

  /** 1. Search (no shrinking): stops at the first failure, the signal, or the run or time cap. */
  async search(): Promise<void> {
    const examples = (this.options.examples ?? []).map((spec) => [spec] as [FuzzSpec]);
    await this.#untilAbort(fc.check(this.#property, {
      seed: this.seed, numRuns: (this.options.runs ?? 1000) + examples.length, examples, endOnFailure: true,
      interruptAfterTimeLimit: this.options.timeLimitMs ?? 60_000,
    }));
    this.searchMs = monotonicMs() - this.started;
    this.#throwFatal();
  }

  /** 2. Shrinks `best`, fed back to fast-check as an example, then deletes what fast-check does not try; under the shrink caps. */
  async shrink(): Promise<void> {
    if (!this.best || this.interrupted) return;
    this.phase = 'shrink';
    const shrinkStart = monotonicMs();
    const shrinkLimitMs = this.options.shrinkTimeLimitMs ?? 60_000;
    // Passes: canonicalize, shrink; again while a pass still made progress (re-recording can
    // open new shrinks) and the caps allow.
    for (let pass = 0; pass < 3 && !this.interrupted; pass++) {
      const before = this.best.spec;
      const start = (await canonicalize(before, this.runSpec, this.specOptions.retire))?.spec ?? before;
      const shrinksBefore = this.shrinks;
      const fastCheckTimeLeftMs = shrinkLimitMs * fastCheckShrinkShare - (monotonicMs() - shrinkStart);
      if (fastCheckTimeLeftMs <= 0 || this.shrinkRuns >= this.#fastCheckShrinkRuns) break;
      this.#passStart = true;
      await this.#untilAbort(fc.check(this.#property, { seed: this.seed, numRuns: 1, examples: [[start]], interruptAfterTimeLimit: fastCheckTimeLeftMs }));
      // The next pass (and the result) starts from the failing run with the fewest actions.
      const least = this.#fewest;
      if (least && least.outcome.failure.actionsAtFailure < this.best.outcome.failure.actionsAtFailure) this.best = least;
      if (this.shrinks === shrinksBefore) break;
    }
    // Deletions fast-check does not try (a useless actor mid-population, one filler turn), under the same caps.
    if (!this.interrupted && !this.#fatal) {
      const start = this.best;
      const outcomes = new Map<FuzzSpec, RunOutcome>([[start.spec, start.outcome]]);
      const startTrial = { failed: true, actionsAtFailure: start.outcome.failure.actionsAtFailure, turnStarts: start.outcome.turnStarts };
      const deleted = await deletePass(start.spec, startTrial, async (spec) => {
        this.shrinkRuns++;
        try {
          const outcome = await this.#confirmedRun(spec);
          outcomes.set(spec, outcome);
          if (outcome.failure) this.failures++;
          return { failed: outcome.failure !== null, actionsAtFailure: outcome.failure?.actionsAtFailure ?? 0, turnStarts: outcome.turnStarts };
        } catch (error) {
          this.#fatal = { error };
          return { failed: false, actionsAtFailure: 0 };
        } finally {
          this.progress();
        }
      }, () => !this.interrupted && !this.#fatal && monotonicMs() - shrinkStart < shrinkLimitMs && this.shrinkRuns < this.#maxShrinkRuns);
      const kept = deleted.deletions > 0 ? failingRun(deleted.spec, outcomes.get(deleted.spec)!) : null;
      if (kept) {
        this.best = kept;
        this.shrinks += deleted.deletions;
      }
    }
    this.shrinkMs = monotonicMs() - shrinkStart;
    this.#throwFatal();
  }

  /** Waits for a fast-check check, or for the signal; either way for the run in flight to end. */
  async #untilAbort(check: Promise<unknown>): Promise<void> {
    await Promise.race([check, this.#aborted]);
    await this.#inFlight;
  }

  #throwFatal(): void {
    if (this.#fatal) throw this.#fatal.error;
  }
}
