import type { BrowserContext, Page, Request, Route } from 'playwright-core';
import { monotonicUs } from '../clock/wall-clock.ts';
import type { ActionScope } from './action-scope.ts';
import { ConnectorError } from './connector-error.ts';
import type { HttpExchange } from './http-client.ts';
import { pageInit } from './page-init.ts';
import type { PageView } from './page-view.ts';
import type { RecordedPages } from './recorded-pages.ts';

/** How an actor's context is made (see BrowserSession). */
export interface ActorPageOptions {
  baseUrl: string | undefined;
  timeoutMs: number;
  viewport: { width: number; height: number };
  /** The page's clock at creation: the actor's sim time as epoch ms. */
  time: number;
  /** Seed of the page's Math.random. */
  seed: number;
  /** Offline replay: the page's requests are answered from the recording (no target). */
  recorded: RecordedPages | null;
  /** Where the context's Playwright trace is written when it closes (null: not traced). */
  trace?: string | null;
}

interface InFlight {
  n: number;
  scope: ActionScope;
  wallStartUs: number;
}

/**
 * One actor's browser context and page: its cookies and storage are the actor's own, its clock is
 * paused and moved only by `begin` (to the actor's sim time), and every request the page makes
 * during an action is recorded as one of that action's exchanges, numbered in the order it started.
 */
export class ActorPage {
  /** The page's clock, epoch ms. */
  #time: number;
  #scope: ActionScope | null = null;
  readonly #inFlight = new Map<Request, InFlight>();
  #idle: Array<() => void> = [];
  /** Screenshots still being written; the next action waits for them (the page must not change under them). */
  #shots: Promise<unknown>[] = [];
  /** Rejects the running action when the page crashes. */
  #crashed: ((error: Error) => void) | null = null;
  /** Set when the page crashed: the error every action on it ends with. */
  #crash: ConnectorError | null = null;
  /** The seq of the actor's last browser action (a complaint about it gets a screenshot). */
  lastActionSeq = -1;

  private constructor(readonly context: BrowserContext, readonly page: Page, time: number, readonly trace: string | null) {
    this.#time = time;
    context.on('request', (request) => this.#started(request));
    context.on('requestfinished', (request) => this.#finished(request, null));
    context.on('requestfailed', (request) => this.#finished(request, request.failure()?.errorText ?? 'failed'));
    page.on('crash', () => {
      this.#crash = new ConnectorError(`the page crashed at ${page.url()}`, 'protocol');
      this.#crashed?.(this.#crash);
    });
  }

  /** A fresh context (clock installed and paused, Math.random seeded) with one page. */
  static async open(newContext: (options: object) => Promise<BrowserContext>, options: ActorPageOptions): Promise<ActorPage> {
    const context = await newContext({
      ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
      viewport: options.viewport,
      // A service worker's requests would bypass the context's request events.
      serviceWorkers: 'block',
    });
    try {
      context.setDefaultTimeout(options.timeoutMs);
      context.setDefaultNavigationTimeout(options.timeoutMs);
      await context.addInitScript({ content: pageInit(options.seed) });
      await context.clock.install({ time: options.time });
      await context.clock.pauseAt(options.time);
      // Snapshots of the DOM at each Playwright call, and screenshots: what `npx playwright show-trace` shows.
      if (options.trace) await context.tracing.start({ screenshots: true, snapshots: true });
      const actor = new ActorPage(context, await context.newPage(), options.time, options.trace ?? null);
      const { recorded } = options;
      if (recorded) await context.route('**/*', (route) => actor.#serve(route, recorded));
      return actor;
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  /** Starts an action at `time` (epoch ms): records into `scope`, and runs the page's timers due until then (waiting up to `capMs` for their requests). */
  async begin(time: number, actionSeq: number, scope: ActionScope, capMs: number): Promise<void> {
    if (this.#shots.length > 0) await Promise.all(this.#shots.splice(0));
    this.#scope = scope;
    this.lastActionSeq = actionSeq;
    if (time > this.#time) {
      // Timers (debounces, polling) fire now, inside this action: their requests are its exchanges,
      // and the action's code sees the page once they have been answered.
      const ms = time - this.#time;
      this.#time = time;
      await this.#runFor(ms, capMs);
    }
  }

  /**
   * What `page.clock.runFor(ms)` does (a log entry that documents opened later replay, then the
   * move in every frame's clock), with the wait (up to `capMs`) for the requests of the timers that
   * fired in the same evaluation: one round trip to the page instead of three in a row. A frame
   * without Playwright's clock (an error page) is left as runFor would fail to move it.
   */
  async #runFor(ms: number, capMs: number): Promise<void> {
    if (this.crashed) return;
    const move = `(async () => {
      if (globalThis.__pwClock) await globalThis.__pwClock.controller.runFor(${ms});
      await globalThis.__beamulatorIdle?.();
    })()`;
    const main = this.page.mainFrame();
    await Promise.all([
      this.context.addInitScript({ content: `globalThis.__pwClock?.controller.log('runFor', 0, ${ms});` }),
      withCap(capMs, (async () => {
        // A timer that throws fails the action, as with runFor; a frame that went away does not.
        await Promise.all(this.page.frames().map((frame) => (frame === main ? frame.evaluate(move) : frame.evaluate(move).catch(() => undefined))));
        await this.#requestsRecorded();
      })()),
    ]);
  }

  get crashed(): boolean {
    return this.#crash !== null;
  }

  /**
   * Races the action's code against a page crash. Once the page crashed, the action ends with the
   * crash, whichever Playwright call noticed it first ('Target crashed'): the same error every time.
   */
  async guard<R>(running: Promise<R>): Promise<R> {
    const crash = new Promise<never>((_, reject) => {
      this.#crashed = reject;
    });
    crash.catch(() => undefined);
    try {
      return await Promise.race([running, crash]);
    } catch (error) {
      throw this.#crash ?? error;
    } finally {
      this.#crashed = null;
    }
  }

  /**
   * Ends the action: waits (up to `capMs`) until the requests the page started have answered and
   * are recorded, then stops recording. Requests the page starts between actions are not recorded.
   */
  async end(capMs: number): Promise<void> {
    try {
      await this.#settle(capMs);
    } finally {
      this.#scope = null;
    }
  }

  /** Waits (up to `capMs`) until the page's fetch/XHR have been answered and used, and every request seen is recorded. */
  async #settle(capMs: number): Promise<void> {
    if (this.crashed) return;
    await withCap(capMs, (async () => {
      // Idle means every body has arrived: the requests' events were sent before this answer.
      await this.page.evaluate('globalThis.__beamulatorIdle?.()').catch(() => undefined);
      await this.#requestsRecorded();
    })());
  }

  /**
   * What the page shows now (url, title, its visible text, whitespace collapsed, up to 300
   * characters) and, with `path`, a PNG of it there; `then` gets the view. The actor's next action
   * waits for both (the page must not change under them).
   */
  inspect(path: string | null, then: (view: PageView) => void): Promise<void> {
    const page = this.page;
    const looked = (async (): Promise<PageView> => {
      const text = await page.evaluate('document.body ? document.body.innerText : ""').then(String, () => '');
      const flat = text.replace(/\s+/g, ' ').trim();
      return {
        url: page.url(), title: await page.title().catch(() => ''),
        text: flat.length > 300 ? `${flat.slice(0, 299)}…` : flat,
        screenshot: path === null ? null : await page.screenshot({ path }).then(() => path, () => null),
      };
    })().then(then, () => undefined);
    this.#shots.push(looked);
    return looked;
  }

  /** Writes a PNG of the page to `path`; the actor's next action waits for it. */
  screenshot(path: string): Promise<void> {
    const shot = this.page.screenshot({ path }).then(() => undefined, () => undefined);
    this.#shots.push(shot);
    return shot;
  }

  async close(): Promise<void> {
    await Promise.all(this.#shots.splice(0));
    if (this.trace) await this.context.tracing.stop({ path: this.trace }).catch(() => undefined);
    await this.context.close().catch(() => undefined);
  }

  #serve(route: Route, recorded: RecordedPages): Promise<void> {
    const scope = this.#scope;
    // Between actions nothing was recorded, so nothing can be served.
    if (scope === null) return route.abort('blockedbyclient');
    return recorded.serve(route, scope.actionSeq, this.#inFlight.get(route.request())?.n ?? -1);
  }

  #started(request: Request): void {
    const scope = this.#scope;
    if (scope === null) return;
    this.#inFlight.set(request, { n: scope.nextExchange(), scope, wallStartUs: monotonicUs() });
  }

  #finished(request: Request, error: string | null): void {
    const entry = this.#inFlight.get(request);
    if (entry === undefined) return;
    exchangeOf(request, entry.wallStartUs, error).then((exchange) => entry.scope.record(entry.n, exchange), () => undefined).finally(() => {
      this.#inFlight.delete(request);
      if (this.#inFlight.size === 0) for (const resolve of this.#idle.splice(0)) resolve();
    });
  }

  #requestsRecorded(): Promise<void> {
    return this.#inFlight.size === 0 ? Promise.resolve() : new Promise((resolve) => this.#idle.push(resolve));
  }
}

/** A finished (or failed) page request as the HTTP connector reports one: lowercase headers, text bodies. */
async function exchangeOf(request: Request, wallStartUs: number, error: string | null): Promise<HttpExchange> {
  // Each is a round trip to the browser: asked together, not one after another.
  const [requestHeaders, response] = await Promise.all([
    request.allHeaders().catch(() => request.headers()),
    error === null ? request.response().catch(() => null) : null,
  ]);
  // The body is read only for textual types (the headers Playwright has at hand name the type).
  const textBody = response !== null && isTextual(response.headers()['content-type'] ?? '');
  const [headers, body] = response
    ? await Promise.all([response.headersArray().catch(() => []), textBody ? response.body().catch(() => null) : null])
    : [[], null];
  const responseHeaders = joinHeaders(headers);
  return {
    protocol: 'http', method: request.method(), url: request.url(), requestHeaders, requestBody: request.postData(),
    status: response?.status() ?? null, responseHeaders, responseBody: response ? bodyText(body, responseHeaders) : null,
    error: error ?? (response ? null : 'no response'),
    wallStartUs, durationMs: (monotonicUs() - wallStartUs) / 1000,
  };
}

const textual = /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)|[^;]*\+(json|xml)|image\/svg)/i;

function isTextual(type: string): boolean {
  return type === '' || textual.test(type);
}

/** The body as text for textual content types; null for binary ones (images, fonts) and bodiless answers. */
function bodyText(body: Buffer | null, headers: Record<string, string>): string | null {
  if (!isTextual(headers['content-type'] ?? '')) return null;
  // null: a redirect, or a body the browser did not keep (or not read: binary).
  return body === null ? null : body.toString('utf8');
}

function joinHeaders(headers: ReadonlyArray<{ name: string; value: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of headers) {
    const key = name.toLowerCase();
    out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
  }
  return out;
}

async function withCap(ms: number, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work, cap]);
  } finally {
    clearTimeout(timer);
  }
}
