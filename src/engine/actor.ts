import type { Rng, RngState } from '../rng/rng.ts';
import type { ActorContext } from './actor-context.ts';
import type { Behavior } from './behavior.ts';
import type { ActorMessage } from './run-control.ts';

/** An actor's last snapshot, kept in memory: what it restarts from after a crash. */
export interface ActorSnapshot {
  /** The state as JSON text (a copy no later mutation reaches). */
  stateJson: string;
  rng: RngState;
  simTime: number;
  /** Taken after the actor stopped for good: later snapshots skip it. */
  stopped: boolean;
}

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
  /**
   * Order of its latest dispatch in the run; while its turn's per-turn invariants wait for the end
   * of an overlapping step, >= 0 (see Engine), else -1.
   */
  dispatchOrder = -1;
  checkPending = false;
  tagSet: Set<string> | null = null;
  /** The actor's ctx, made on its first turn. */
  ctx: ActorContext | undefined = undefined;
  /** Its last snapshot (null until the first, or with snapshots off): what it restarts from after a crash. */
  snapshot: ActorSnapshot | null = null;
  /** Sim times of its restarts within the restart policy's window (made on the first crash). */
  restarts: number[] | null = null;
  /** Removed by RunControl.remove (or the seeder, no member of the population): its queued events are skipped, no query sees it. */
  removed = false;
  /** Messages delivered and not yet read (made on the first one; see PopulationControl). */
  inbox: ActorMessage[] | null = null;
  /**
   * While it waits in ctx.nextMessage: the sim time of the one wake-up event that counts (its
   * timeout, or the delivery of a message; Infinity: no timeout). -1 when not waiting. A wake-up
   * event at another time is a stale one (the timeout after a message came) and is skipped.
   */
  messageWaitAt = -1;

  constructor(
    readonly id: number,
    /** Changed by RunControl.replace. */
    public behavior: Behavior,
    readonly name: string,
    readonly config: unknown,
    public state: unknown,
    public rng: Rng,
    readonly baseTags: readonly string[],
  ) {}

  get tags(): Set<string> {
    return (this.tagSet ??= new Set(this.baseTags));
  }
}
