/**
 * Live dashboard benchmark. Run: `npm run bench:dashboard` (ACTORS, default 10,000; SPEED, default
 * 60; WALL, seconds of each phase, default 15).
 *
 * A paced run of ACTORS in-process actors (each acting every 30-90 s of sim time: ~ACTORS/60 actions
 * per sim second) feeds the live dashboard; real Chromium (Debian's) shows it. Prints:
 *  1. the feed: batches sent, their size (mean, max kB) and the actors changed per batch;
 *  2. the page: frame times while the run feeds it (p50, p95, max, frames over 50 ms), against a
 *     baseline measured in the same browser: the same page after the run ended (no batches).
 *     Ratio = p95 frame time fed / p95 idle (1.0 = the feed costs the page nothing visible).
 */
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { runSimulation } from '../../src/engine/run-simulation.ts';
import { Redactor } from '../../src/store/redact.ts';
import { startLiveDashboard } from '../../src/dashboard/dashboard-server.ts';
import { visitorsSim } from '../paced/visitors.ts';
import { LiveFeed, type LiveBatch } from '../../src/dashboard/live-feed.ts';

const ACTORS = Number(process.env.ACTORS ?? 10_000);
const SPEED = Number(process.env.SPEED ?? 60);
const WALL_S = Number(process.env.WALL ?? 15);

const sim = visitorsSim('dashboard-bench', ACTORS);

/** Frame times (ms) of the page over `seconds`, from requestAnimationFrame. */
const frameTimes = (seconds: number) => `new Promise((resolve) => {
  const times = []; let last = performance.now(); const end = last + ${seconds * 1000};
  const tick = (now) => { times.push(now - last); last = now; if (now < end) requestAnimationFrame(tick); else resolve(times); };
  requestAnimationFrame(tick);
})`;

function summary(times: number[]): { p50: number; p95: number; max: number; over50: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0, over50: times.filter((t) => t > 50).length };
}

const feed = new LiveFeed({ title: 'dashboard bench', redactor: new Redactor({}), behaviors: ['Visitor'], actions: ['browse'] });
const dashboard = await startLiveDashboard(feed, {});
const sizes: number[] = [];
const changed: number[] = [];
const socket = new WebSocket(dashboard.url.replace('http:', 'ws:') + 'api/live');
socket.on('message', (data: Buffer) => {
  const message = JSON.parse(data.toString('utf8')) as LiveBatch;
  if (message.type !== 'batch') return;
  sizes.push(data.length);
  changed.push(message.changed.length + message.spawned.length);
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(dashboard.url);
  await page.waitForSelector('body[data-ready=true]');
  const abort = new AbortController();
  const running = runSimulation(sim, { db: false, seed: 1, speed: SPEED, duration: `${(WALL_S + 5) * SPEED}s`, hooks: feed.hooks, signal: abort.signal });
  // Let the actors spawn and the grid fill before measuring.
  await page.waitForFunction(`document.querySelectorAll('#grid .actor').length >= ${ACTORS}`, undefined, { timeout: 60_000 });
  const fed = summary(await page.evaluate(frameTimes(WALL_S)) as number[]);
  abort.abort();
  await running;
  feed.end();
  const idle = summary(await page.evaluate(frameTimes(Math.min(WALL_S, 5))) as number[]);
  const kb = (n: number) => (n / 1024).toFixed(1);
  const mean = sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length);
  console.log(`live dashboard, ${ACTORS} actors at ${SPEED}x, ${WALL_S} s`);
  console.log(`  feed   ${sizes.length} batches, ${kb(mean)} kB mean, ${kb(Math.max(0, ...sizes))} kB max; actors changed per batch: mean ${(changed.reduce((a, b) => a + b, 0) / Math.max(1, changed.length)).toFixed(0)}, max ${Math.max(0, ...changed)}`);
  const line = (label: string, s: ReturnType<typeof summary>) => `  ${label} frame p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(0)} ms, ${s.over50} frames over 50 ms`;
  console.log(line('fed   ', fed));
  console.log(line('idle  ', idle));
  console.log(`  ratio  p95 fed / idle = ${(fed.p95 / Math.max(0.1, idle.p95)).toFixed(2)}x`);
} finally {
  socket.close();
  await browser.close();
  await dashboard.close();
}
