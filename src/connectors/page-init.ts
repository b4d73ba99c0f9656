/**
 * The script run in every document of an actor's browser context before the page's own (a
 * Playwright init script). Seeds Math.random from the actor's stream, and counts the page's fetch
 * and XMLHttpRequest calls, so an action can wait until the requests it caused (or the timers that
 * fired at its start) have answered and the page has used the answers: they are then its exchanges,
 * and what the screen shows no longer depends on how fast the target answered.
 *
 * Plain text, not a function: Playwright would send a function's source, and a loader's helpers
 * (tsx's `__name`) inside it do not exist in the page.
 *
 * @example
 * await context.addInitScript({ content: pageInit(1234) });
 */
export function pageInit(seed: number): string {
  return `(() => {
  let state = ${seed >>> 0};
  // mulberry32: small, and the same sequence for the same seed in every Chromium.
  Math.random = function random() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let inflight = 0;
  let waiters = [];
  // A request counts until its body has arrived and the page has had a task to use it: the page's
  // own continuations (res.json(), then rendering) are microtasks, so they run before this one.
  // MessageChannel, because the page's timers are Playwright's paused fake clock.
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    if (--inflight > 0) return;
    const wake = waiters;
    waiters = [];
    for (const resolve of wake) resolve();
  };
  function settled() {
    channel.port2.postMessage(0);
  }
  const pageFetch = globalThis.fetch;
  globalThis.fetch = function fetch(...args) {
    inflight++;
    try {
      const response = pageFetch.apply(this, args);
      response.then((res) => res.clone().arrayBuffer().then(settled, settled), settled);
      return response;
    } catch (error) {
      settled();
      throw error;
    }
  };
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    inflight++;
    this.addEventListener('loadend', settled, { once: true });
    return send.apply(this, args);
  };
  Object.defineProperty(globalThis, '__beamulatorIdle', {
    value: () => inflight === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
  });
})();`;
}
