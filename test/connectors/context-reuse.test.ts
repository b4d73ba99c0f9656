/**
 * A stopped actor's browser context is reset and given to the next actor (a fresh one costs a
 * renderer process): real Chromium and the real todo app. The next actor must find nothing of the
 * last one: no cookies, storage or history, its own clock time and Math.random seed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserConnector } from '../../src/connectors/browser-connector.ts';
import { BrowserSession } from '../../src/connectors/browser-session.ts';
import type { ActionScope } from '../../src/connectors/action-scope.ts';
import type { HttpExchange } from '../../src/connectors/http-client.ts';
import { startTodoApp, type TodoApp } from '../../fixtures/todo-app/server.ts';

const epoch = Date.UTC(2026, 0, 5, 8);

function scope(actionSeq: number): ActionScope & { exchanges: HttpExchange[] } {
  let n = 0;
  const exchanges: HttpExchange[] = [];
  return { actionSeq, exchanges, nextExchange: () => n++, record: (i, exchange) => { exchanges[i] = exchange; } };
}

let app: TodoApp;
let connector: BrowserConnector;

beforeAll(async () => {
  app = await startTodoApp();
  connector = new BrowserConnector({});
});

afterAll(async () => {
  await connector?.close();
  await app?.stop();
});

describe('a reused browser context', () => {
  it('holds nothing of its last actor: storage, cookies, history, clock and seed are the new actor’s', async () => {
    const seen = async (session: BrowserSession, actorId: number, simTime: number, seq: number) => {
      const page = await session.begin(actorId, simTime, seq, scope(seq));
      return { page, read: () => page.evaluate(`({ local: localStorage.getItem('k'), session: sessionStorage.getItem('k'), cookie: document.cookie, history: history.length, now: Date.now(), random: Math.random() })`) };
    };
    // A fresh context's view, for comparison.
    const first = new BrowserSession({ connector, baseUrl: app.url, simEpoch: epoch, seedFor: (id) => id, screenshots: null, onScreenshot: () => undefined });
    const a = await seen(first, 1, 60_000, 0);
    await a.page.goto('/');
    const fresh = await a.read();
    await a.page.evaluate(`localStorage.setItem('k', 'a'); sessionStorage.setItem('k', 'a'); document.cookie = 'k=a; max-age=3600'`);
    await a.page.goto('/?again');
    expect(await a.read()).toMatchObject({ local: 'a', session: 'a', cookie: 'k=a', history: 3 });
    await first.end(1, 0, false);
    const page1 = a.page;
    // Later in the run the page's clock is well past the next actor's start.
    await first.begin(1, 3_600_000, 1, scope(1));
    // A document opened after the clock moved starts at the moved time.
    await a.page.goto('/?later');
    expect(await a.page.evaluate('Date.now()')).toBe(epoch + 3_600_000);
    await first.end(1, 1, false);
    await first.close();
    expect(connector.idleContexts).toHaveLength(1);

    const second = new BrowserSession({ connector, baseUrl: app.url, simEpoch: epoch, seedFor: (id) => id, screenshots: null, onScreenshot: () => undefined });
    const b = await seen(second, 1, 60_000, 0);
    expect(connector.idleContexts).toHaveLength(0);
    expect(b.page).toBe(page1);
    expect(b.page.url()).toBe('about:blank');
    await b.page.goto('/');
    expect(await b.read()).toEqual(fresh);
    await second.end(1, 0, false);
    await second.close();
  });
});
