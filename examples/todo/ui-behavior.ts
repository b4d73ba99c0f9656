/**
 * The UI Organizer: a browser actor. It signs up on the web page, then adds todos (now and then
 * with an impatient double-click), completes, renames (now and then leaving for the Summary at
 * once) and deletes them, and complains when the screen is wrong: a todo it added once shows twice
 * (the page's planted `double-submit` bug), the "N left" counter disagrees with the list
 * (`stale-counter`), or a todo it renamed shows its old title (`lost-edit`).
 */
import { defineBehavior, type Complaint } from 'beamulator';
import type { Credentials } from './actions.ts';
import type { TeamConfig } from './behaviors.ts';
import { uiActions, type ShownTodo } from './ui-actions.ts';

interface UiState {
  user: Credentials & { team: string };
  registered: boolean;
  /** How many titles it made up (titles are numbered, so each is unique). */
  added: number;
  /** Its last rename, until the list is read again. */
  renamed: { from: string; to: string } | null;
}

type Screen = { todos: ShownTodo[]; left: string };

const shownTwice: Complaint<Record<string, never>, Screen, UiState> = {
  when: ({ result }) => {
    const titles = (result?.todos ?? []).map((todo) => todo.title);
    return new Set(titles).size !== titles.length;
  },
  message: 'a todo I added once shows twice (double submit)',
  severity: 'annoying',
};

const counterWrong: Complaint<unknown, Screen, UiState> = {
  when: ({ result }) => result !== null && result !== undefined && result.left !== `${result.todos.filter((todo) => !todo.done).length} left`,
  message: 'the counter disagrees with the list',
  severity: 'annoying',
};

const renameLost: Complaint<Record<string, never>, Screen, UiState> = {
  when: ({ result, state }) => state.renamed !== null && (result?.todos ?? []).some((todo) => todo.title === state.renamed!.from),
  message: 'my rename was lost: the list shows the old title',
  severity: 'annoying',
};

export const uiOrganizer = defineBehavior<UiState, TeamConfig>({
  name: 'UI Organizer',
  initialState: ({ actorId, config, rng }) => ({
    user: { username: `${rng.faker.internet.username()}-ui${actorId}`, password: rng.faker.internet.password(), team: config.team },
    registered: false,
    added: 0,
    renamed: null,
  }),
  async act(ctx) {
    const { state } = ctx;
    if (!state.registered) {
      state.registered = (await ctx.execute(uiActions.signUpInUi, state.user)).ok;
      return state.registered ? '2m' : '10m';
    }
    const shown = await ctx.execute(uiActions.readListInUi, {}, { complaints: [shownTwice, counterWrong, renameLost] });
    state.renamed = null;
    if (!shown.ok) return '10m';
    const { todos } = shown.value!;
    const open = todos.filter((todo) => !todo.done);
    const title = () => `${ctx.rng.faker.word.verb()} ${ctx.rng.faker.word.noun()} #${ctx.actorId}.${++state.added}`;
    const roll = ctx.rng.int(0, 9);
    if (open.length === 0 || roll < 5) {
      await ctx.execute(uiActions.addTodoInUi, { title: title(), double: ctx.rng.chance(0.3) });
    } else if (roll < 7) {
      await ctx.execute(uiActions.completeTodoInUi, { title: ctx.rng.pick(open).title });
    } else if (roll < 8) {
      const renamed = { from: ctx.rng.pick(open).title, to: title() };
      const done = await ctx.execute(uiActions.renameTodoInUi, { title: renamed.from, to: renamed.to, leave: ctx.rng.chance(0.5) });
      if (done.ok) state.renamed = renamed;
    } else {
      await ctx.execute(uiActions.deleteTodoInUi, { title: ctx.rng.pick(todos).title }, { complaints: [counterWrong] });
    }
    return ctx.rng.int(1, 10) * 60_000;
  },
});
