/**
 * Browser actions: a user of the todo app's web page. Each asks for `{ page }` (the actor's own
 * Chromium page, its clock on the actor's sim time) and returns what the screen shows.
 */
import { defineActions } from 'beamulator';
// Types `{ page }` as Playwright's Page (beamulator's main entry point leaves Playwright's types out).
import type { Page } from 'beamulator/browser';
import type { Credentials } from './actions.ts';

/** A todo as the page lists it. */
export interface ShownTodo {
  title: string;
  done: boolean;
}

/** The list and the counter, as the screen shows them. */
async function screen(page: Page): Promise<{ todos: ShownTodo[]; left: string }> {
  const todos = await page.locator('#todos li').evaluateAll((items) => items.map((li) => ({ title: li.querySelector('span')?.textContent ?? '', done: li.classList.contains('done') })));
  return { todos, left: (await page.locator('#left').textContent()) ?? '' };
}

export const uiActions = defineActions({
  signUpInUi: async (args: Credentials & { team: string }, { page }) => {
    await page.goto('/');
    await page.getByPlaceholder('Username').fill(args.username);
    await page.getByPlaceholder('Password').fill(args.password);
    await page.getByPlaceholder('Team').fill(args.team);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText(`Signed in as ${args.username}`).waitFor();
    return screen(page);
  },

  /** Types a title and clicks Add (`double`: an impatient double-click). */
  addTodoInUi: async (args: { title: string; double: boolean }, { page }) => {
    await page.getByPlaceholder('What needs doing?').fill(args.title);
    const add = page.getByRole('button', { name: 'Add' });
    await (args.double ? add.dblclick() : add.click());
    await page.locator('#todos li', { hasText: args.title }).first().waitFor();
    return null;
  },

  completeTodoInUi: async (args: { title: string }, { page }) => {
    await page.getByRole('checkbox', { name: `Complete ${args.title}`, exact: true }).first().check();
    return null;
  },

  /** Clicks × on the todo and returns the screen once its row is gone. */
  deleteTodoInUi: async (args: { title: string }, { page }) => {
    const row = page.locator('#todos li').filter({ has: page.getByRole('button', { name: `Delete ${args.title}`, exact: true }) }).first();
    const id = await row.getAttribute('data-id');
    await row.getByRole('button', { name: `Delete ${args.title}`, exact: true }).click();
    await page.locator(`#todos li[data-id="${id}"]`).waitFor({ state: 'detached' });
    return screen(page);
  },

  /**
   * Clicks ✎ on the todo and types its new title (the page saves it a second after the last
   * keystroke). `leave`: the user then opens the Summary at once and comes back to the list.
   */
  renameTodoInUi: async (args: { title: string; to: string; leave: boolean }, { page }) => {
    await page.getByRole('button', { name: `Rename ${args.title}`, exact: true }).first().click();
    await page.getByRole('textbox', { name: `New title for ${args.title}`, exact: true }).fill(args.to);
    if (args.leave) {
      await page.getByRole('button', { name: 'Summary' }).click();
      await page.getByRole('button', { name: 'List' }).click();
    }
    return null;
  },

  /** What the screen shows now (the list refreshes itself every minute). */
  readListInUi: async (_args: Record<string, never>, { page }) => screen(page),
});
