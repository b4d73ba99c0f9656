/**
 * beamulator/browser: the types of browser actions. Importing it (types only) makes `io.page`
 * Playwright's `Page`; it is apart from the main entry point because Playwright's types need
 * Node's (`@types/node` in the project's `types`).
 *
 * @example
 * import type { Page } from 'beamulator/browser';
 * import { defineActions } from 'beamulator';
 *
 * const title = (page: Page) => page.title();
 * export const ui = defineActions({ readTitle: async (_args: {}, { page }) => title(page) });
 *
 * @packageDocumentation
 */
import type { Page } from 'playwright-core';

declare global {
  // Merges with the empty declaration in actions/action.ts: `io.page` becomes Playwright's Page.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the merge is the point
  interface BeamulatorPage extends Page {}
}

export type { Page };
