import { ExitCode } from '../util/errors.ts';
import { watchBlockedThread, type BlockedThreadWatch } from './blocked-thread-watch.ts';
import { userFrame } from '../util/user-code.ts';

export type StopSignalName = 'SIGINT' | 'SIGTERM';

const names: readonly StopSignalName[] = ['SIGINT', 'SIGTERM'];

/** How long a stopped command's process may linger on timers of dropped user code before it exits. */
const lingerAfterStopMs = 1000;

/** The line a command prints when a signal stops it: `doing` says what it does now ("saving the run"). */
export function stoppingLine(signal: StopSignalName, doing: string): string {
  const again = signal === 'SIGINT' ? 'Ctrl-C again' : 'a second SIGTERM or Ctrl-C';
  return `stopping${signal === 'SIGTERM' ? ' on SIGTERM' : ''}: ${doing} (${again} quits at once)`;
}

/**
 * How a long command (run, fuzz, replay, shrink) is stopped. The first SIGINT (Ctrl-C) or SIGTERM
 * (a container or CI stopping it) aborts `signal`: the command stops gracefully, saves what it
 * recorded (the run reads `interrupted`) and exits 130 or 143 (`exitCode`). Its listeners are then
 * removed, so the second signal gets the kernel's default action: the process ends at once, whatever
 * it is doing, with the same status (128 + the signal's number).
 *
 * While simulation code blocks the main thread (a synchronous loop), no listener can run: after a
 * second of it, the listeners are dropped (blocked-thread-watch.ts), so the *first* signal ends the
 * process at once (nothing could save the run gracefully), keeping the rows written before; they
 * come back if the code returns.
 *
 * @example
 * using stop = new StopSignals((signal) => output.err(`stopping (${signal})\n`));
 * await runSomething({ signal: stop.signal });
 * return stop.exitCode ?? ExitCode.ok;
 */
export class StopSignals implements Disposable {
  readonly #controller = new AbortController();
  /** Aborted by the first signal; its `reason` is the signal's name. */
  readonly signal: AbortSignal = this.#controller.signal;
  #received: StopSignalName | null = null;
  #listening = false;
  readonly #watch: BlockedThreadWatch | null;
  readonly #onFirst: (signal: StopSignalName) => void;

  /**
   * `onFirst` says what happens now (one line on stderr); it runs once, on the first signal.
   * `watchBlocked: false` for a command that runs no simulation code (nothing can block its thread).
   */
  constructor(onFirst: (signal: StopSignalName) => void = () => {}, options: { watchBlocked?: boolean } = {}) {
    this.#onFirst = onFirst;
    this.#listen();
    this.#watch = options.watchBlocked === false ? null : watchBlockedThread({
      onBlocked: () => {
        this.#unlisten();
        // Called inside the blocking code: the stack names the user's line that loops.
        return userFrame(new Error('blocked'));
      },
      onUnblocked: () => {
        if (!this.#received) this.#listen();
      },
      notice: `beamulator: the simulation code has not returned for {s}s{at} (a synchronous loop in an action or behavior?): nothing can stop the run gracefully now; Ctrl-C or SIGTERM ends the process at once, keeping the rows saved before it blocked (the run will read abandoned)\n`,
    });
  }

  /** The signal that stopped the command, or null. */
  get received(): StopSignalName | null {
    return this.#received;
  }

  /** 130 after SIGINT, 143 after SIGTERM, null when no signal came. */
  get exitCode(): number | null {
    return this.#received === 'SIGINT' ? ExitCode.interrupted : this.#received === 'SIGTERM' ? ExitCode.terminated : null;
  }

  [Symbol.dispose](): void {
    this.#unlisten();
    this.#watch?.stop();
    if (this.#received) {
      // A stop drops the actions in flight, but not their own timers (a sleep in user code): those
      // would hold the process for as long as they run after the command is done. Unref'd: it only
      // fires when something else still holds the process, and exits with the command's code.
      setTimeout(() => process.exit(), lingerAfterStopMs).unref();
    }
  }

  readonly #onSignal = (signal: StopSignalName): void => {
    if (this.#received) return;
    this.#received = signal;
    // Before anything else: from here on a second signal must end the process at once.
    this.#unlisten();
    this.#onFirst(signal);
    this.#controller.abort(signal);
  };

  #listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    for (const name of names) process.on(name, this.#onSignal);
  }

  #unlisten(): void {
    if (!this.#listening) return;
    this.#listening = false;
    for (const name of names) process.off(name, this.#onSignal);
  }
}
