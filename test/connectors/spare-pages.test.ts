/**
 * A spare context (made ahead by a fuzz campaign's browser, see BrowserConnector.keepSpares) is
 * given to an actor whose first document must be what a context made on the spot shows: same
 * Math.random, same clock, same timers, no history or storage. Real Chromium, the real todo app.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ActionScope } from '../../src/connectors/action-scope.ts';
import { ActorPage, contextOptions } from '../../src/connectors/actor-page.ts';
import { BrowserConnector } from '../../src/connectors/browser-connector.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';

let app: TodoApp;
beforeAll(async () => {
  app = await startTodoApp();
});
afterAll(async () => {
  await app?.stop();
});

const time = Date.UTC(2030, 0, 1);
const scope = (): ActionScope & { urls: string[] } => {
  let n = 0;
  const urls: string[] = [];
  return { actionSeq: 0, nextExchange: () => n++, record: (_n, exchange) => urls.push(`${exchange.method} ${exchange.url}`), urls };
};

/** What the actor's first document shows, and what its 5-minute timer does in sim time. */
async function firstDocument(actor: ActorPage): Promise<unknown> {
  const first = scope();
  await actor.begin(time, 0, first, 10_000);
  // The document before any goto (an action may start with setContent) is already the actor's.
  const blank = await actor.page.evaluate('[location.href, Math.random(), Date.now(), history.length]');
  await actor.page.goto('/');
  const shown = await actor.page.evaluate(`({
    random: [Math.random(), Math.random(), Math.random()], now: Date.now(), perf: performance.now(), origin: performance.timeOrigin,
    history: history.length, referrer: document.referrer, local: localStorage.length, session: sessionStorage.length,
    cookies: document.cookie, size: [innerWidth, innerHeight], timer: (setTimeout(() => { document.title = 'fired ' + Date.now() }, 300_000), 1),
  })`);
  await actor.end(10_000);
  await actor.begin(time + 300_000, 1, scope(), 10_000);
  const title = await actor.page.title();
  return { blank, shown, title, requests: [...first.urls].sort() };
}

it("gives an actor a spare context whose first document is a fresh context's", async () => {
  const connector = new BrowserConnector({}, { spareContexts: 2 });
  try {
    const options = contextOptions(app.url, { width: 1000, height: 700 });
    const actorOptions = { timeoutMs: 10_000, time, seed: 1234, recorded: null };
    const fresh = await ActorPage.open(() => connector.blankPage(options), actorOptions);
    const expected = await firstDocument(fresh);
    await fresh.close();

    connector.keepSpares(5, options);
    expect(connector.spares).toBe(2); // bounded by spareContexts
    // As in a campaign, the spare sits made (with its blank page) for a while before an actor takes it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const spare = await ActorPage.open(() => connector.blankPage(options), actorOptions);
    expect(connector.spares).toBe(1);
    const shown = await firstDocument(spare);
    await spare.close();

    expect((expected as { title: string }).title).toBe(`fired ${time + 300_000}`);
    expect(shown).toEqual(expected);

    // A spare made for other options (a target restarted on another port) is not given out.
    const other = contextOptions('http://127.0.0.1:9', { width: 1000, height: 700 });
    const elsewhere = await ActorPage.open(() => connector.blankPage(other), actorOptions);
    expect(connector.spares).toBe(0);
    await elsewhere.close();
  } finally {
    await connector.close();
  }
});
