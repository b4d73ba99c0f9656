/**
 * The browser connector: one headless Chromium per run (per fuzz campaign), launched on the first
 * browser action, through playwright-core. Playwright cannot download its own browsers here, so
 * this drives a Chromium already installed: Debian's by default.
 */
import { existsSync } from 'node:fs';
import { BeamulatorError, errorMessage } from '../util/errors.ts';
import { SparePages, type BlankPage } from './spare-pages.ts';

/** How the browser is launched and driven (SimulationSpec.browser). */
export interface BrowserOptions {
  /** The Chromium executable (default: $BEAMULATOR_CHROMIUM, else /usr/bin/chromium). */
  executablePath?: string;
  /** Timeout of page actions and navigations, in ms (default 5000): a missing selector fails the action after it. */
  timeoutMs?: number;
  /** The page's size (default 1280×720). */
  viewport?: { width: number; height: number };
  /** Extra Chromium flags, after beamulator's own. */
  args?: readonly string[];
}

export const defaultChromium = '/usr/bin/chromium';

/**
 * The launched browser: Playwright's `Browser`, not named here, so that the package's types (which
 * reach this file) never load Playwright's, which need Node's.
 */
export interface LaunchedBrowser {
  newContext(options?: object): Promise<{ newPage(): Promise<unknown>; close(): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * Flags for a headless Chromium in a container: no sandbox (root in CI), no GPU, and none of the
 * background traffic (updates, sync, QUIC probes) that would show up among a page's requests.
 */
export const chromiumFlags: readonly string[] = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Owns the browser process. `browser()` launches it once; `close()` ends it (idempotent).
 *
 * @example
 * const connector = new BrowserConnector({});
 * connector.checkExecutable(); // BEAM_BROWSER when Chromium is not installed
 * const { context, page } = await connector.blankPage({ viewport: { width: 800, height: 600 } });
 * await connector.close();
 */
export class BrowserConnector {
  readonly executablePath: string;
  readonly options: BrowserOptions;
  #browser: Promise<LaunchedBrowser> | undefined;
  #closed = false;
  readonly #spares: SparePages;

  /**
   * `spareContexts`: how many blank contexts may be made ahead for the next run's actors (see
   * keepSpares); 0 (the default) for a browser that serves one run.
   */
  constructor(options: BrowserOptions = {}, { spareContexts = 0 }: { spareContexts?: number } = {}) {
    this.options = options;
    this.executablePath = options.executablePath ?? process.env.BEAMULATOR_CHROMIUM ?? defaultChromium;
    this.#spares = new SparePages(spareContexts);
  }

  /** Throws BEAM_BROWSER naming how to install Chromium when the executable does not exist. */
  checkExecutable(): void {
    if (!existsSync(this.executablePath)) throw missingChromium(this.executablePath, 'it does not exist');
  }

  /** The run's browser, launched on first use. */
  browser(): Promise<LaunchedBrowser> {
    if (this.#closed) return Promise.reject(new Error('the browser connector is closed'));
    return (this.#browser ??= this.#launch());
  }

  /**
   * A context made with `contextOptions` and its page, which has loaded no document yet: a spare
   * when one was made ahead with the same options, else made now (launching the browser if need be).
   */
  blankPage(contextOptions: object): Promise<BlankPage> {
    return this.#spares.take(JSON.stringify(contextOptions), () => this.#makeBlankPage(contextOptions));
  }

  /**
   * A run has opened `count` contexts made with `contextOptions`: as many (up to spareContexts) are
   * kept made, in the background, for the next actors (a fuzz campaign's runs are alike).
   */
  keepSpares(count: number, contextOptions: object): void {
    if (this.#closed || this.#browser === undefined) return;
    this.#spares.fill(count, JSON.stringify(contextOptions), () => this.#makeBlankPage(contextOptions));
  }

  /** How many spare contexts are kept now (made, or being made). */
  get spares(): number {
    return this.#spares.size;
  }

  /** True once the browser was asked for (it may still be starting). */
  get launched(): boolean {
    return this.#browser !== undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The spares close with the browser (those still being made fail, and are not waited for).
    this.#spares.drop();
    const launching = this.#browser;
    if (!launching) return;
    const browser = await launching.catch(() => null);
    await browser?.close().catch(() => undefined);
  }

  async #makeBlankPage(contextOptions: object): Promise<BlankPage> {
    const context = await (await this.browser()).newContext(contextOptions);
    try {
      return { context, page: await context.newPage() };
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  async #launch(): Promise<LaunchedBrowser> {
    this.checkExecutable();
    // Loaded on the first browser action: simulations without one never pay for playwright-core.
    const { chromium } = await import('playwright-core');
    try {
      return await chromium.launch({ executablePath: this.executablePath, args: [...chromiumFlags, ...(this.options.args ?? [])] });
    } catch (error) {
      throw missingChromium(this.executablePath, errorMessage(error).split('\n')[0]!);
    }
  }
}

function missingChromium(path: string, why: string): BeamulatorError {
  return new BeamulatorError('BEAM_BROWSER', `cannot launch Chromium ${path}: ${why}`,
    'Install it with `apt-get install chromium`, or set browser.executablePath in the simulation (or BEAMULATOR_CHROMIUM) to a Chromium executable');
}
