/**
 * The browser connector: one headless Chromium per run (per fuzz campaign), launched on the first
 * browser action, through playwright-core. Playwright cannot download its own browsers here, so
 * this drives a Chromium already installed: Debian's by default.
 */
import { existsSync } from 'node:fs';
import { BeamulatorError, errorMessage } from '../util/errors.ts';

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
  newContext(options?: object): Promise<unknown>;
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
 * const context = await (await connector.browser()).newContext();
 * await connector.close();
 */
export class BrowserConnector {
  readonly executablePath: string;
  readonly options: BrowserOptions;
  #browser: Promise<LaunchedBrowser> | undefined;
  #closed = false;

  constructor(options: BrowserOptions = {}) {
    this.options = options;
    this.executablePath = options.executablePath ?? process.env.BEAMULATOR_CHROMIUM ?? defaultChromium;
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

  /** True once the browser was asked for (it may still be starting). */
  get launched(): boolean {
    return this.#browser !== undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const launching = this.#browser;
    if (!launching) return;
    const browser = await launching.catch(() => null);
    await browser?.close().catch(() => undefined);
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
