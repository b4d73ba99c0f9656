/**
 * The package's public surface, pinned: the runtime exports of 'beamulator', 'beamulator/vitest'
 * and 'beamulator/config', every name (values and types) their published .d.ts files export, and the
 * fields of the options users pass. A new export, or an internal field that leaks into an options
 * type, fails here: change the lists on purpose, and note the change for the changelog.
 */
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { root } from '../support/cli.ts';

const rootValues = [
  'ActionFailure', 'BeamulatorError', 'ConnectorError', 'ExitCode', 'STOP', 'defineAction', 'defineActions', 'defineBehavior',
  'defineChecker', 'defineComplaint', 'defineFuzzTarget', 'defineParams', 'defineSimulation', 'fail', 'formatDuration',
  'fuzz', 'hostile', 'isBeamulatorError', 'lostUpdate', 'monotonicReads', 'openStore', 'parseDuration', 'readReplayFile', 'readRunBundle',
  'readYourWrites', 'replayRun', 'runSimulation',
];
const rootTypes = [
  'Action', 'ActionFn', 'ActionIO', 'ActionRecord', 'ActionResult', 'ActorContext', 'ActorInfo', 'ActorMessage', 'ActorQuery', 'ActorRecord', 'ActorRef', 'ActorView', 'ArrivalStage', 'Arrivals', 'Behavior',
  'Checker', 'CheckerOptions', 'Complaint', 'ComplaintInput', 'ComplaintRecord', 'ControlActionResult', 'ControlSource', 'Crash', 'Divergence', 'DivergenceKind', 'Duration',
  'EngineHooks', 'EntityModel', 'ErrorCode', 'EventRecord', 'ExchangeRecord', 'ExecuteOptions', 'ExitCodeValue', 'Fields',
  'FuzzActorSpec', 'FuzzConfigs', 'FuzzCoverage', 'FuzzFailure', 'FuzzInvariant', 'FuzzInvariantFunction', 'FuzzOptions', 'FuzzProgress', 'FuzzResult', 'FuzzRunView', 'FuzzSettings',
  'FuzzSpec', 'FuzzTarget', 'FuzzTargetSpec', 'HostileStringOptions', 'HttpClient', 'HttpRequestOptions', 'HttpResponse', 'InitInput', 'Invariant', 'InvariantVerdict',
  'Json', 'LagSummary', 'LostUpdateOptions', 'MonotonicReadsOptions', 'OpenStoreOptions', 'Outcome', 'ParamDef', 'ParamDefs', 'ParamSettings', 'ParamType',
  'PaceControl', 'PaceStatus', 'ParamValue', 'ParamValues', 'PopulationEntry', 'RateText', 'ReadReplayOptions', 'Recovering', 'RedactPattern', 'ReplayBundle', 'ReplayMode',
  'ReadYourWritesOptions', 'ReplayNormalizers', 'ReplayOptions', 'ReplayReport', 'ReplayRules', 'ReplaySource', 'Rng', 'RngState', 'RunControl', 'RunOptions', 'RunProgress', 'RunRecord',
  'RunResult', 'RunStart', 'RunStore', 'RunSummary', 'RunView', 'SeedContext', 'SeededActor', 'Severity', 'Shard', 'Simulation', 'SimulationSpec', 'SpawnOptions', 'StartedChecker',
  'StartedTarget', 'Stop', 'TargetSpec', 'TargetStartInput', 'TurnResult', 'Violation', 'Violations', 'Weighted',
];
const vitestValues = ['checkReplayFile', 'fuzzTest', 'replayTests', 'runFuzzTest', 'runSimulation', 'setupMatchers'];
const vitestTypes = [
  'FuzzTestOptions', 'FuzzTestOutcome', 'RecordedRun', 'ReplayFileOutcome', 'ReplayIdenticallyOptions', 'ReplayTestsOptions',
  'SeedSource', 'SeverityOption', 'TestInvariant', 'TestRun', 'TestRunOptions',
];
const configValues = ['defineConfig'];
const configTypes = ['BeamulatorConfig', 'RedactPattern'];

/** The fields of the options a user passes, as the published .d.ts declares them. */
const optionFields = {
  RunOptions: [
    'actionTimeout', 'actors', 'concurrency', 'db', 'duration', 'env', 'file', 'hooks', 'maxActions', 'maxWallTime', 'onControl', 'onPaceControl', 'overlapWindow',
    'params', 'redact', 'resume', 'seed', 'shard', 'signal', 'speed', 'target', 'wallStartAt',
  ],
  ReplayOptions: ['checkTarget', 'db', 'file', 'hooks', 'mode', 'offline', 'pace', 'redact', 'signal', 'simulation', 'target'],
  FuzzOptions: [
    'allowCrashes', 'confirmRuns', 'db', 'examples', 'failOn', 'file', 'maxActors', 'maxTurns', 'onProgress', 'overlap', 'params', 'redact', 'replaysDir',
    'reproduceRuns', 'runs', 'seed', 'shrinkRuns', 'shrinkTimeLimitMs', 'signal', 'timeLimitMs', 'trace',
  ],
  TestRunOptions: [
    'actors', 'concurrency', 'duration', 'file', 'hooks', 'keep', 'maxActions', 'maxWallTime', 'overlapWindow', 'params', 'redact',
    'reproduceEnv', 'seed', 'signal', 'target',
  ],
  FuzzTestOptions: ['examples', 'failOn', 'file', 'keep', 'redact', 'replaysDir', 'reproduceRuns', 'runs', 'seed', 'shrinkTimeLimitMs', 'timeLimitMs', 'timeout'],
};

const sorted = (names: Iterable<string>) => [...names].sort();

describe('the runtime exports', () => {
  it("of 'beamulator'", async () => {
    expect(sorted(Object.keys(await import('beamulator')))).toEqual(sorted(rootValues));
  });

  it("of 'beamulator/vitest'", async () => {
    expect(sorted(Object.keys(await import('beamulator/vitest')))).toEqual(sorted(vitestValues));
  });

  it("of 'beamulator/config'", async () => {
    expect(sorted(Object.keys(await import('beamulator/config')))).toEqual(sorted(configValues));
  });
});

describe('the published declarations (dist/*.d.ts, as a user project type-checks against them)', () => {
  let exports: Map<string, ts.Symbol[]>;
  let checker: ts.TypeChecker;
  let program: ts.Program;
  // A user's test file, type-checked against the package by name (package.json "exports", types
  // condition: the .d.ts in dist/): it needs the matchers' types, which only a module of the
  // declarations adds to vitest's `Assertion`.
  const userTest = path.join(root, 'test/consumer/user-test.virtual.ts');
  const userTestText = `import { expect } from 'vitest';
import { runSimulation, type TestInvariant, type TestRun } from 'beamulator/vitest';
const noCrashes: TestInvariant<TestRun> = (run) => run.result.crashes === 0;
export async function check(): Promise<void> {
  const run = await runSimulation('simulations/x.sim.ts', { seed: 1 });
  expect(run).toHaveNoComplaints({ severity: 'urgent' });
  expect(run).toHaveOutcomes({ crash: 0 });
  expect(run).toSatisfyInvariant(noCrashes);
  await expect(run).toReplayIdentically({ offline: true });
}
`;

  beforeAll(() => {
    // dist/ is fresh: vitest's globalSetup rebuilds it when src/ is newer.
    const entries = { beamulator: 'dist/index.d.ts', 'beamulator/vitest': 'dist/vitest/index.d.ts', 'beamulator/config': 'dist/config/index.d.ts' };
    const files = Object.values(entries).map((file) => path.join(root, file));
    const options: ts.CompilerOptions = {
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, strict: true,
    };
    const host = ts.createCompilerHost(options);
    const { getSourceFile, fileExists, readFile } = host;
    host.getSourceFile = (file, ...rest) => (file === userTest ? ts.createSourceFile(file, userTestText, ts.ScriptTarget.ES2022, true) : getSourceFile.call(host, file, ...rest));
    host.fileExists = (file) => file === userTest || fileExists.call(host, file);
    host.readFile = (file) => (file === userTest ? userTestText : readFile.call(host, file));
    program = ts.createProgram([...files, userTest], options, host);
    checker = program.getTypeChecker();
    exports = new Map(Object.entries(entries).map(([name, file]) => {
      const module = checker.getSymbolAtLocation(program.getSourceFile(path.join(root, file))!)!;
      return [name, checker.getExportsOfModule(module)];
    }));
  });

  const namesOf = (entry: string) => sorted(exports.get(entry)!.map((s) => s.name));

  it("of 'beamulator': the runtime exports and the types of what they take and return", () => {
    expect(namesOf('beamulator')).toEqual(sorted([...rootValues, ...rootTypes]));
  });

  it("of 'beamulator/vitest'", () => {
    expect(namesOf('beamulator/vitest')).toEqual(sorted([...vitestValues, ...vitestTypes]));
  });

  it("of 'beamulator/config'", () => {
    expect(namesOf('beamulator/config')).toEqual(sorted([...configValues, ...configTypes]));
  });

  it("a user's test file type-checks against them: the matchers' types come with 'beamulator/vitest'", () => {
    const messages = program.getSemanticDiagnostics(program.getSourceFile(userTest)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages).toEqual([]);
  });

  it('options types hold only what a user passes (no fields of the CLI, replay or fuzzer)', () => {
    const fieldsOf = (name: string) => {
      const exported = [...exports.values()].flat().find((s) => s.name === name)!;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return sorted(checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).map((p) => p.name));
    };
    for (const [name, fields] of Object.entries(optionFields)) expect({ [name]: fieldsOf(name) }).toEqual({ [name]: sorted(fields) });
  });
});
