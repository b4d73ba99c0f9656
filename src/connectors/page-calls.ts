import type { Page } from 'playwright-core';

/** Page methods whose first argument is a selector (the Locator API's page-level twins, and the `$` family). */
const selectorMethods = new Set([
  '$', '$$', '$eval', '$$eval', 'waitForSelector', 'click', 'dblclick', 'tap', 'fill', 'focus', 'hover', 'press', 'type',
  'check', 'uncheck', 'setChecked', 'selectOption', 'setInputFiles', 'dispatchEvent', 'dragAndDrop', 'textContent',
  'innerText', 'innerHTML', 'getAttribute', 'inputValue', 'isChecked', 'isDisabled', 'isEditable', 'isEnabled',
  'isHidden', 'isVisible',
]);

/** Locator methods that say something about the locator itself, not the page. */
const quiet = new Set(['toString', 'page', 'describe', 'description']);

/** How many of an action's selectors are kept: the last ones are what a divergence report shows. */
const kept = 5;

/**
 * Which selectors a browser action's code acted on, through a page that notes them: every call
 * on a locator that does something with the page (`click`, `fill`, `textContent`, `waitFor`, ...;
 * not the calls that only build a locator, such as `getByRole` or `filter`) notes the locator's
 * own description (`getByRole('button', { name: 'Add' })`), and the page's selector methods note
 * their selector. A replay whose browser action returns another result without any error names
 * the last of them: the error's selector is not there to say where the page differed.
 *
 * The page handed to actions is a Proxy of the real one, so everything Playwright offers works
 * unchanged (the calls run on the real objects).
 *
 * @example
 * const calls = new PageCalls(page);
 * calls.begin(7);
 * await calls.page.getByText('1 left').click();
 * calls.selectors; // ["getByText('1 left')"]
 */
export class PageCalls {
  /** The page the actions act on, noting their selectors. */
  readonly page: Page;
  /** The action the selectors belong to (set by begin). */
  actionSeq: number | null = null;
  /** The selectors the action acted on, oldest first, the last `kept` distinct ones. */
  selectors: string[] = [];

  readonly #locatorClass: unknown;
  readonly #frameLocatorClass: unknown;

  constructor(readonly raw: Page) {
    // Playwright does not export its Locator classes; building a locator asks nothing of the page.
    this.#locatorClass = raw.locator(':root').constructor;
    this.#frameLocatorClass = raw.frameLocator(':root').constructor;
    this.page = this.#wrap(raw, (name, args) => {
      if (selectorMethods.has(name) && typeof args[0] === 'string') this.#note(args[0]);
    });
  }

  /** A new action starts: its selectors replace the last one's. */
  begin(actionSeq: number): void {
    this.actionSeq = actionSeq;
    this.selectors = [];
  }

  #note(selector: string): void {
    const at = this.selectors.indexOf(selector);
    if (at >= 0) this.selectors.splice(at, 1);
    this.selectors.push(selector);
    if (this.selectors.length > kept) this.selectors.shift();
  }

  /** `target` with its methods wrapped: `called` sees each call; locators it returns are wrapped too. */
  #wrap<T extends object>(target: T, called: (name: string, args: unknown[]) => void): T {
    const methods = new Map<PropertyKey, unknown>();
    return new Proxy(target, {
      get: (obj, key) => {
        const value: unknown = Reflect.get(obj, key, obj);
        if (typeof value !== 'function' || typeof key !== 'string' || key === 'constructor' || key.startsWith('_')) return value;
        let wrapped = methods.get(key);
        if (!wrapped) {
          const method = value as (...args: unknown[]) => unknown;
          wrapped = (...args: unknown[]) => {
            const result = method.apply(obj, args);
            if (this.#isLocator(result) || this.#isFrameLocator(result)) return this.#locator(result);
            if (!quiet.has(key)) called(key, args);
            return result instanceof Promise ? result.then((r: unknown) => (Array.isArray(r) && r.every((l) => this.#isLocator(l)) ? r.map((l: object) => this.#locator(l)) : r)) : result;
          };
          methods.set(key, wrapped);
        }
        return wrapped;
      },
    });
  }

  #locator<T extends object>(locator: T): T {
    // A FrameLocator is only a step on the way to a locator: nothing is noted for it.
    return this.#wrap(locator, () => {
      if (this.#isLocator(locator)) this.#note(String(locator));
    });
  }

  #isLocator(value: unknown): value is object {
    return value instanceof (this.#locatorClass as new () => object);
  }

  #isFrameLocator(value: unknown): value is object {
    return value instanceof (this.#frameLocatorClass as new () => object);
  }
}
