import type { Rng } from '../rng/rng.ts';
import type { ActorContext } from './actor-context.ts';
import type { Behavior } from './behavior.ts';

/**
 * One simulated user at run time. Kept small: a million idle actors must fit in memory,
 * so optional things (tags set, ctx) are created only when used.
 */
export class Actor {
  /** Sim time of the event being handled (an actor's own "now"). */
  now = 0;
  turns = 0;
  crashesInARow = 0;
  stopped = false;
  lastActionSeq: number | null = null;
  /**
   * Set while the actor runs (between two of its own awaits), null while it waits in the queue:
   * called when it stops running (pauses in ctx.sleep, ends its turn, crashes), it lets the
   * engine, which awaits the actor, go on.
   */
  resumeEngine: (() => void) | null = null;
  /** Resumes the actor's turn, paused in ctx.sleep. */
  wake: (() => void) | null = null;
  tagSet: Set<string> | null = null;
  /** The actor's ctx, made on its first turn. */
  ctx: ActorContext | undefined = undefined;

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
