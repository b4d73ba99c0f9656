import type { Rng } from '../rng/rng.ts';
import type { ActorContextImpl } from './actor-context-impl.ts';
import type { Behavior } from './behavior.ts';

/**
 * One simulated user at run time. Kept small: a million idle actors must fit in memory,
 * so optional things (tags set, coroutine hand-offs) are created only when used.
 */
export class Actor {
  /** Sim time of the event being handled (an actor's own "now"). */
  now = 0;
  turns = 0;
  crashesInARow = 0;
  stopped = false;
  lastActionSeq: number | null = null;
  /** Hands control back to the engine: set while the actor is running (between two of its awaits). */
  park: (() => void) | null = null;
  /** Resumes a coroutine parked in ctx.sleep. */
  wake: (() => void) | null = null;
  tagSet: Set<string> | null = null;
  /** The actor's ctx, made on its first turn. */
  ctx: ActorContextImpl | undefined = undefined;

  constructor(
    readonly id: number,
    readonly behavior: Behavior,
    readonly name: string,
    readonly config: unknown,
    public state: unknown,
    readonly rng: Rng,
    readonly baseTags: readonly string[],
  ) {}

  get tags(): Set<string> {
    return (this.tagSet ??= new Set(this.baseTags));
  }
}
