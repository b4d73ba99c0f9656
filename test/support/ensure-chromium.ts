/**
 * vitest globalSetup: the browser tests drive Debian's Chromium (Playwright cannot download its own
 * browsers here), so CI, which starts from nothing as root, installs it when /usr/bin/chromium is
 * missing. Installing needs root and apt; without them this prints one line and the browser tests
 * fail with the connector's own "cannot launch Chromium" message, the other tests still run.
 * Also runnable by hand: `node --import tsx test/support/ensure-chromium.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = '/usr/bin/chromium';

/** Installs Debian's chromium with apt-get when it is missing; returns a one-line problem, or undefined. */
export function ensureChromium(): string | undefined {
  if (process.env.BEAMULATOR_CHROMIUM || existsSync(chromium)) return undefined;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    return `cannot install Chromium for the browser tests: ${chromium} is missing and installing needs root and apt-get. Run \`apt-get install chromium\` or set BEAMULATOR_CHROMIUM to a Chromium executable.`;
  }
  process.stderr.write(`${chromium} is missing: installing Debian's chromium for the browser tests (apt-get, ~30 s)\n`);
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'pipe'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-liberation'], { stdio: ['ignore', 'ignore', 'pipe'], env });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim().split('\n').at(-1);
    return `cannot install Chromium for the browser tests: apt-get failed (${stderr || (error as Error).message}). Run \`apt-get install chromium\` by hand.`;
  }
  return existsSync(chromium) ? undefined : `cannot install Chromium for the browser tests: apt-get finished but ${chromium} is still missing.`;
}

export default function setup(): void {
  const problem = ensureChromium();
  if (problem) process.stderr.write(`${problem}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problem = ensureChromium();
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exitCode = 1;
  }
}
