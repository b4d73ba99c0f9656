export { defineFuzzTarget, isFuzzTarget, type FuzzInvariant, type FuzzRunView, type FuzzSettings, type FuzzTarget, type FuzzTargetSpec } from './fuzz-target.ts';
export { campaignSettings, fuzz, type FuzzFailure, type FuzzOptions, type FuzzProgress, type FuzzResult } from './fuzz.ts';
export { specArbitrary } from './spec-arbitrary.ts';
export { defaultFuzzSpecOptions, specRunOptions, type FuzzActorSpec, type FuzzSpec, type FuzzSpecOptions } from '../engine/fuzz-spec.ts';
