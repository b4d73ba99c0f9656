/**
 * beamulator: simulate a population of users against your service, record every action in
 * DuckDB, and replay any run exactly.
 *
 * @example
 * import { defineActions, defineBehavior, defineSimulation, runSimulation } from 'beamulator';
 *
 * @packageDocumentation
 */
// The public API: what a user writes a simulation with, the functions that run, replay, fuzz and
// read runs, the errors, and the types of what these take and return. Helpers they are built on
// stay inside; test/consumer/public-api.test.ts pins this list.

// Writing a simulation.
export { defineActions, defineAction } from './actions/action.ts';
export type { Action, ActionFn, ActionIO } from './actions/action.ts';
export { fail, ActionFailure } from './actions/action-failure.ts';
export { defineBehavior } from './engine/behavior.ts';
export type { Behavior, InitInput, TurnResult } from './engine/behavior.ts';
export { STOP } from './engine/stop.ts';
export type { Stop } from './engine/stop.ts';
export type { ActorContext, ActionResult, ExecuteOptions } from './engine/actor-context.ts';
export { defineComplaint } from './engine/complaint.ts';
export type { Complaint, ComplaintInput } from './engine/complaint.ts';
export { defineSimulation } from './engine/simulation.ts';
export type { SeedContext, SeededActor } from './engine/seed-from-target.ts';
export type { Arrivals, ArrivalStage, RateText } from './engine/arrivals.ts';
export type { PaceControl, PaceStatus, LagSummary } from './engine/pace-control.ts';
export type {
  Simulation, SimulationSpec, PopulationEntry, TargetSpec, TargetStartInput, StartedTarget, ReplayRules, ReplayNormalizers,
} from './engine/simulation.ts';
export { defineParams } from './util/params.ts';
export type { ParamDef, ParamDefs, ParamValue, ParamValues, ParamSettings, ParamType } from './util/params.ts';
export type { Rng, RngState, Weighted } from './rng/rng.ts';
export { hostile, type HostileStringOptions } from './rng/hostile.ts';
export type { HttpClient, HttpResponse, HttpRequestOptions } from './connectors/http-client.ts';
export { parseDuration, formatDuration } from './util/duration.ts';
export type { Duration } from './util/duration.ts';

// Checkers and invariants.
export { readYourWrites, monotonicReads, lostUpdate, defineChecker } from './checkers/index.ts';
export type {
  Checker, StartedChecker, Violation, Violations, Invariant, InvariantVerdict, RunView, ActorView, EntityModel, Fields, CheckerOptions, ReadYourWritesOptions, MonotonicReadsOptions, LostUpdateOptions,
} from './checkers/index.ts';

// Running.
export { runSimulation } from './engine/run-simulation.ts';
export type { RunOptions, RunResult } from './engine/run-simulation.ts';
export type { Shard } from './engine/shard.ts';
export type {
  RunControl, ActorQuery, ActorInfo, ActorMessage, ActorRef, ControlSource, SpawnOptions, ControlActionResult,
} from './engine/run-control.ts';
export type { Crash, EngineHooks, RunProgress, RunStart } from './engine/engine-hooks.ts';

// Reading recorded runs.
export { openStore } from './store/duckdb-store.ts';
export type { OpenStoreOptions } from './store/duckdb-store.ts';
export type { Recovering } from './store/row-journal.ts';
export type { RunStore } from './store/run-store.ts';
export type { RedactPattern } from './store/redact.ts';
export type {
  ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, Json, Outcome, RunRecord, RunSummary, Severity,
} from './store/records.ts';

// Replaying.
export { replayRun } from './replay/replay-run.ts';
export type { ReplayOptions, ReplayReport, ReplaySource, ReplayMode } from './replay/replay-run.ts';
export type { Divergence, DivergenceKind } from './replay/compare.ts';
export { readRunBundle, readReplayFile } from './replay/replay-file.ts';
export type { ReplayBundle, ReadReplayOptions } from './replay/replay-file.ts';

// Fuzzing.
export { defineFuzzTarget } from './fuzz/fuzz-target.ts';
export type { FuzzTarget, FuzzTargetSpec, FuzzSettings, FuzzInvariant, FuzzInvariantFunction, FuzzRunView, FuzzConfigs } from './fuzz/fuzz-target.ts';
export { fuzz } from './fuzz/fuzz.ts';
export type { FuzzOptions, FuzzResult, FuzzFailure, FuzzProgress, FuzzCoverage } from './fuzz/fuzz.ts';
export type { FuzzSpec, FuzzActorSpec } from './replay/fuzz-spec.ts';

// Errors.
export { BeamulatorError, ExitCode, isBeamulatorError } from './util/errors.ts';
export type { ErrorCode, ExitCodeValue } from './util/errors.ts';
export { ConnectorError } from './connectors/connector-error.ts';
