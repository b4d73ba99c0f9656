/**
 * A context with one page that has never loaded a document (about:blank): what every actor starts
 * from. Playwright's BrowserContext and Page, not named here (see LaunchedBrowser).
 */
export interface BlankPage {
  context: { close(): Promise<void> };
  page: unknown;
}

interface Spare {
  /** The newContext options it was made with, as JSON: a spare fits only an actor with the same. */
  key: string;
  /** Null when making it failed (the taker makes its own). */
  ready: Promise<BlankPage | null>;
}

/**
 * Blank contexts made ahead of time, for the next actors of a fuzz campaign. A page costs a
 * renderer process (~0.6 s of a 3-actor run's ~6 s, 3 spawned together on 2 cores); made while
 * the campaign does something else, the next run's actors do not wait for it. A spare has never
 * loaded a document and gets all of the actor's own setup (seed, clock, routes, tracing) when
 * taken, so the actor's first document is the one a context made on the spot would show: unlike
 * reusing an actor's context, nothing of a previous page (clock, timers, storage) can remain.
 *
 * @example
 * const spares = new SparePages(4);
 * const { context, page } = await spares.take(key, make); // a spare when one fits, else make()
 * spares.fill(3, key, make);                               // 3 ready for the next run
 * await spares.close();
 */
export class SparePages {
  #spares: Spare[] = [];

  /** `max`: the most spares kept (each is a renderer process and its memory). */
  constructor(readonly max: number) {}

  /** How many are kept (made or being made). */
  get size(): number {
    return this.#spares.length;
  }

  /** A spare made with `key` (waiting for it if it is still being made), else a new one from `make`. */
  async take(key: string, make: () => Promise<BlankPage>): Promise<BlankPage> {
    // Spares for other options (a target restarted on another port) are of no use any more.
    for (const stale of this.#spares.filter((spare) => spare.key !== key)) void closeSpare(stale);
    this.#spares = this.#spares.filter((spare) => spare.key === key);
    const spare = this.#spares.shift();
    return (await spare?.ready) ?? make();
  }

  /** Starts making spares (without waiting for them) until `count` (at most `max`) are kept for `key`. */
  fill(count: number, key: string, make: () => Promise<BlankPage>): void {
    while (this.#spares.length < Math.min(count, this.max)) {
      this.#spares.push({ key, ready: make().catch(() => null) });
    }
  }

  /** Closes every spare (those still being made, once made). */
  async close(): Promise<void> {
    await Promise.all(this.#spares.splice(0).map(closeSpare));
  }

  /** Forgets every spare: the browser is closing, and they with it. */
  drop(): void {
    this.#spares = [];
  }
}

async function closeSpare(spare: Spare): Promise<void> {
  const blank = await spare.ready;
  await blank?.context.close().catch(() => undefined);
}
