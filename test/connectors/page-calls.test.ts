/**
 * PageCalls on a real Chromium page (no target: the page's content is set): which calls note a
 * selector, what they note, and that the noting page behaves as Playwright's own.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFlags, defaultChromium } from '../../src/connectors/browser-connector.ts';
import { PageCalls } from '../../src/connectors/page-calls.ts';

let browser: Browser;
let raw: Page;
let calls: PageCalls;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: defaultChromium, args: [...chromiumFlags] });
  raw = await browser.newPage();
  await raw.setContent(`<ul><li>milk</li><li>eggs</li></ul><input placeholder="Title"><button>Add</button><span id="left">2 left</span>
    <iframe srcdoc="<button>Inside</button>"></iframe>`);
  calls = new PageCalls(raw);
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

describe('PageCalls', () => {
  it('notes the locators an action acts on, by their description, the last one last', async () => {
    calls.begin(1);
    const page = calls.page;
    const add = page.getByRole('button', { name: 'Add' });
    expect(calls.selectors).toEqual([]); // building a locator reads nothing of the page
    await page.getByPlaceholder('Title').fill('bread');
    await add.click();
    expect(await page.locator('#left').textContent()).toBe('2 left');
    expect(calls.selectors).toEqual(["getByPlaceholder('Title')", "getByRole('button', { name: 'Add' })", "locator('#left')"]);
    expect(calls.actionSeq).toBe(1);
  });

  it("notes the page's own selector methods, locators from all() and inside frames; keeps the last 5 distinct", async () => {
    calls.begin(2);
    const page = calls.page;
    expect(await page.textContent('#left')).toBe('2 left');
    const items = await page.getByRole('listitem').all();
    expect(await items[1]!.textContent()).toBe('eggs');
    expect(await page.frameLocator('iframe').getByRole('button').textContent()).toBe('Inside');
    await page.getByRole('listitem').first().isVisible();
    expect(calls.selectors).toEqual([
      '#left', "getByRole('listitem')", "getByRole('listitem').nth(1)", "locator('iframe').contentFrame().getByRole('button')", "getByRole('listitem').first()",
    ]);
    await page.textContent('#left'); // seen again: moves to the end, the oldest goes
    expect(calls.selectors).toEqual(["getByRole('listitem')", "getByRole('listitem').nth(1)", "locator('iframe').contentFrame().getByRole('button')", "getByRole('listitem').first()", '#left']);
  });

  it('starts a new list for each action, and hands out a page that is still a Page', async () => {
    calls.begin(3);
    expect(calls.selectors).toEqual([]);
    expect(calls.page.url()).toBe('about:blank');
    expect(String(calls.page.getByText('x'))).toBe("getByText('x')");
    expect(calls.selectors).toEqual([]);
    expect(Object.getPrototypeOf(calls.page)).toBe(Object.getPrototypeOf(raw));
  });
});
