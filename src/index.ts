/**
 * beamulator: simulate a population of users against your service, record every action in
 * DuckDB, and replay any run exactly.
 *
 * @example
 * import { defineActions, defineBehavior, defineSimulation, runSimulation } from 'beamulator';
 *
 * @packageDocumentation
 */
export { defineActions, defineAction } from './actions/action.ts';
export type { Action, ActionFn, ActionIO } from './actions/action.ts';
export { fail, ActionFailure } from './actions/action-failure.ts';
export { defineBehavior, STOP } from './engine/behavior.ts';
export type { Behavior, InitInput, Stop, TurnResult } from './engine/behavior.ts';
export type { ActorContext, ActionResult, ExecuteOptions } from './engine/actor-context.ts';
export { defineComplaint, atLeast } from './engine/complaint.ts';
export type { Complaint, ComplaintInput } from './engine/complaint.ts';
export { defineSimulation, isSimulation } from './engine/simulation.ts';
export type { Simulation, SimulationSpec, PopulationEntry, TargetSpec, TargetStartInput, StartedTarget } from './engine/simulation.ts';
export { defineParams } from './util/params.ts';
export type { ParamDef, ParamDefs, ParamValue, ParamValues, ParamSettings, ParamType } from './util/params.ts';
export { runSimulation } from './engine/run-simulation.ts';
export type { RunOptions, RunResult } from './engine/run-simulation.ts';
export type { EngineHooks, Progress } from './engine/engine-hooks.ts';
export type { Rng, RngState, Weighted } from './rng/rng.ts';
export { SeededRng } from './rng/seeded-rng.ts';
export type { HttpClient, HttpResponse, HttpRequestOptions } from './connectors/http-client.ts';
export { ConnectorError } from './connectors/connector-error.ts';
export { openStore, defaultStorePath } from './store/duckdb-store.ts';
export type { RunStore, RunWriter } from './store/run-store.ts';
export type { RedactPattern } from './store/redact.ts';
export type {
  ActionRecord, ActorRecord, ComplaintRecord, EventRecord, ExchangeRecord, Json, Outcome, RunRecord, RunSummary, Severity,
} from './store/records.ts';
export { replayRun, exchangeIndex } from './replay/replay-run.ts';
export type { ReplayOptions, ReplayReport, ReplaySource, ReplayMode } from './replay/replay-run.ts';
export type { Divergence, DivergenceKind } from './replay/compare.ts';
export { readRunBundle, readReplayFile, writeReplayFile, importBundle, exportParquet } from './replay/replay-file.ts';
export type { ReplayBundle } from './replay/replay-file.ts';
export type { ReplayRules } from './engine/simulation.ts';
export { defineFuzzTarget, fuzz } from './fuzz/index.ts';
export type { FuzzTarget, FuzzTargetSpec, FuzzOptions, FuzzResult, FuzzSpec, FuzzInvariant } from './fuzz/index.ts';
export { parseDuration, formatDuration } from './util/duration.ts';
export type { Duration } from './util/duration.ts';
export { BeamulatorError, ExitCode, isBeamulatorError } from './util/errors.ts';
export { readYourWrites, monotonicReads, lostUpdate, defineChecker } from './checkers/index.ts';
export type {
  Checker, CheckerRun, Violation, Violations, Invariant, RunView, ActorView, EntityModel, Fields, CheckerOptions, MonotonicReadsOptions, LostUpdateOptions,
} from './checkers/index.ts';
