import { monotonicMs } from '../clock/wall-clock.ts';

interface Watched {
  deadline: number;
  expire: () => void;
}

/**
 * Times out actions with one shared timer instead of one per action (a timer per action costs
 * more than an offline replay's whole action). Checks a few times per timeout, so an action
 * times out at most ~25% late. The timer is unref'd and lives until `stop()` (end of the run).
 */
export class ActionWatchdog {
  readonly #watched = new Set<Watched>();
  #timer: NodeJS.Timeout | undefined;
  readonly #tickMs: number;

  constructor(timeoutMs: number) {
    this.#tickMs = Math.max(5, Math.min(250, Math.floor(timeoutMs / 4)));
  }

  /** Calls `expire` once `timeoutMs` of wall time passed, unless released first. */
  watch(timeoutMs: number, expire: () => void): Watched {
    const entry = { deadline: monotonicMs() + timeoutMs, expire };
    this.#watched.add(entry);
    this.#timer ??= setInterval(() => this.#check(), this.#tickMs).unref();
    return entry;
  }

  release(entry: Watched): void {
    this.#watched.delete(entry);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#watched.clear();
  }

  #check(): void {
    const now = monotonicMs();
    for (const entry of this.#watched) {
      if (entry.deadline <= now) {
        this.#watched.delete(entry);
        entry.expire();
      }
    }
  }
}
