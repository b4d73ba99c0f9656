import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { ActionScope } from './action-scope.ts';
import { ActorPage } from './actor-page.ts';
import type { PageView } from './page-view.ts';
import type { BrowserConnector } from './browser-connector.ts';
import type { RecordedPages } from './recorded-pages.ts';

/** A screenshot taken in a run, as its `screenshot` event records it. */
export interface Screenshot {
  /** The PNG's path relative to the run store's folder (`screenshots/<run id>/action-12.png`). */
  file: string;
  actionSeq: number;
  /** The complaint it shows (null: the action failed). */
  complaintSeq: number | null;
}

/** What one run's browser session needs (see the engine). */
export interface BrowserSessionOptions {
  connector: BrowserConnector;
  /** The target's url: `page.goto('/')` goes there. */
  baseUrl: string | undefined;
  /** Sim time 0 as epoch ms: the pages' clocks start at `simEpoch + sim time`. */
  simEpoch: number;
  /** The seed of an actor's page Math.random, asked for when its context is made (its first browser action). */
  seedFor(actorId: number): number;
  /** Where the run's screenshots go: `dir` (made when the first is taken), named in the store relative to `root`. Null: none are taken. */
  screenshots: { root: string; dir: string } | null;
  /** Told of each screenshot when it is asked for (the file is written meanwhile). */
  onScreenshot(actorId: number, shot: Screenshot): void;
  /** Playwright traces, one per actor context, written into `dir` when it closes (null: none); named like screenshots. */
  traces?: { root: string; dir: string } | null;
  /** Told of each trace when its context opens (`file` relative to the root; written when it closes). */
  onTrace?(actorId: number, file: string): void;
  /** Offline replay: pages are served the recording instead of reaching a target. */
  recorded?: RecordedPages | null;
}

/**
 * The browser side of one run: one context and page per actor, made on its first browser action
 * and closed when it stops; the browser itself belongs to the connector (one per run, or per fuzz
 * campaign). The engine calls begin/guard/end around each browser action.
 *
 * @example
 * const page = await session.begin(actorId, simTime, seq, call);
 * try { await session.guard(actorId, action.run(args, { page })); } finally { await session.end(actorId, seq, failed); }
 */
export class BrowserSession {
  readonly #pages = new Map<number, Promise<ActorPage>>();
  readonly #closing: Promise<void>[] = [];
  #madeDir = false;
  readonly #traced = new Map<number, number>();

  constructor(readonly options: BrowserSessionOptions) {}

  /** The actor's page, ready for an action at `simTime`: its timers due by then have fired, its requests go to `scope`. */
  async begin(actorId: number, simTime: number, actionSeq: number, scope: ActionScope): Promise<Page> {
    const time = this.options.simEpoch + simTime;
    let opening = this.#pages.get(actorId);
    if (opening) {
      const open = await opening.catch(() => null);
      if (!open || open.crashed) {
        // A crashed page (or one that never opened) is replaced by a fresh context.
        this.closeActor(actorId);
        opening = undefined;
      }
    }
    if (!opening) {
      const { connector } = this.options;
      const options = {
        baseUrl: this.options.baseUrl, timeoutMs: connector.options.timeoutMs ?? 5000,
        viewport: connector.options.viewport ?? { width: 1280, height: 720 }, time, seed: this.options.seedFor(actorId),
        recorded: this.options.recorded ?? null,
        trace: this.#traceFile(actorId),
      };
      opening = connector.browser().then((browser) => ActorPage.open((o) => browser.newContext(o) as Promise<BrowserContext>, options));
      this.#pages.set(actorId, opening);
    }
    const actor = await opening;
    await actor.begin(time, actionSeq, scope, this.options.connector.options.timeoutMs ?? 5000);
    return actor.page;
  }

  /** The action's code, failing as soon as the actor's page crashes. */
  async guard<R>(actorId: number, running: Promise<R>): Promise<R> {
    const actor = await this.#pages.get(actorId);
    return actor ? actor.guard(running) : running;
  }

  /** Ends the actor's action: its requests are recorded; a failed action gets a screenshot. */
  async end(actorId: number, actionSeq: number, failed: boolean): Promise<void> {
    const actor = await this.#pages.get(actorId)?.catch(() => null);
    if (!actor) return;
    await actor.end(this.options.connector.options.timeoutMs ?? 5000);
    if (failed) await this.#screenshot(actorId, actor, actionSeq, null);
  }

  /** A complaint was raised: when it is about the actor's last browser action, the page is photographed as it is now. */
  complaint(actorId: number, actionSeq: number | null, complaintSeq: number): void {
    const opening = this.#pages.get(actorId);
    if (!opening || actionSeq === null) return;
    // The page is idle between actions (its clock is paused): the shot shows what the actor saw.
    void opening.then((actor) => {
      if (actor.lastActionSeq === actionSeq) return this.#screenshot(actorId, actor, actionSeq, complaintSeq);
    }, () => undefined);
  }

  /**
   * What the actor's page shows after its action `actionSeq` (a replay's first divergence), with a
   * screenshot `divergence-<seq>.png` when screenshots are taken (`screenshot` relative to their
   * root). `then` gets the view before the run ends; nothing when the actor has no open page.
   */
  inspect(actorId: number, actionSeq: number, then: (view: PageView) => void): void {
    const opening = this.#pages.get(actorId);
    if (!opening) return;
    const { screenshots } = this.options;
    const looking = opening.then((actor) => {
      if (actor.crashed) return;
      const file = screenshots ? path.join(this.#screenshotDir(screenshots), `divergence-${actionSeq}.png`) : null;
      return actor.inspect(file, (view) => then({ ...view, screenshot: view.screenshot && screenshots ? path.relative(screenshots.root, view.screenshot) : null }));
    }, () => undefined);
    this.#closing.push(looking);
  }

  /** The actor stopped: its context closes (the run does not wait). */
  closeActor(actorId: number): void {
    const opening = this.#pages.get(actorId);
    if (!opening) return;
    this.#pages.delete(actorId);
    this.#closing.push(opening.then((actor) => actor.close(), () => undefined));
  }

  /** Closes every context (the browser stays open: it is the connector's). */
  async close(): Promise<void> {
    for (const actorId of [...this.#pages.keys()]) this.closeActor(actorId);
    await Promise.all(this.#closing.splice(0));
  }

  #screenshot(actorId: number, actor: ActorPage, actionSeq: number, complaintSeq: number | null): Promise<void> {
    const { screenshots } = this.options;
    // A crashed page has nothing to show.
    if (!screenshots || actor.crashed) return Promise.resolve();
    const name = complaintSeq === null ? `action-${actionSeq}.png` : `complaint-${complaintSeq}.png`;
    const file = path.join(this.#screenshotDir(screenshots), name);
    this.options.onScreenshot(actorId, { file: path.relative(screenshots.root, file), actionSeq, complaintSeq });
    return actor.screenshot(file);
  }

  /** The actor's trace file (`actor-3.zip`, `actor-3-2.zip` for its second context after a crash), told to onTrace. */
  #traceFile(actorId: number): string | null {
    const { traces } = this.options;
    if (!traces) return null;
    const n = (this.#traced.get(actorId) ?? 0) + 1;
    this.#traced.set(actorId, n);
    mkdirSync(traces.dir, { recursive: true });
    const file = path.join(traces.dir, `actor-${actorId}${n > 1 ? `-${n}` : ''}.zip`);
    this.options.onTrace?.(actorId, path.relative(traces.root, file));
    return file;
  }

  #screenshotDir(screenshots: { dir: string }): string {
    if (!this.#madeDir) {
      mkdirSync(screenshots.dir, { recursive: true });
      this.#madeDir = true;
    }
    return screenshots.dir;
  }
}
