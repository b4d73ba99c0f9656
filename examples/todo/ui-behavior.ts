/**
 * The UI Organizer: a browser actor. It signs up on the web page, then adds todos (now and then
 * with an impatient double-click), completes and deletes them, and complains when the screen
 * shows a todo it added once twice (the page's planted `double-submit` bug).
 */
import { defineBehavior, type Complaint } from 'beamulator';
import type { Credentials } from './actions.ts';
import type { TeamConfig } from './behaviors.ts';
import { uiActions, type ShownTodo } from './ui-actions.ts';

interface UiState {
  user: Credentials & { team: string };
  registered: boolean;
  /** How many todos it added (titles are numbered, so each is unique). */
  added: number;
}

const shownTwice: Complaint<Record<string, never>, { todos: ShownTodo[] }, UiState> = {
  when: ({ result }) => {
    const titles = (result?.todos ?? []).map((todo) => todo.title);
    return new Set(titles).size !== titles.length;
  },
  message: 'a todo I added once shows twice (double submit)',
  severity: 'annoying',
};

export const uiOrganizer = defineBehavior<UiState, TeamConfig>({
  name: 'UI Organizer',
  initialState: ({ actorId, config, rng }) => ({
    user: { username: `${rng.faker.internet.username()}-ui${actorId}`, password: rng.faker.internet.password(), team: config.team },
    registered: false,
    added: 0,
  }),
  async act(ctx) {
    const { state } = ctx;
    if (!state.registered) {
      state.registered = (await ctx.execute(uiActions.signUpInUi, state.user)).ok;
      return state.registered ? '2m' : '10m';
    }
    const shown = await ctx.execute(uiActions.readListInUi, {}, { complaints: [shownTwice] });
    if (!shown.ok) return '10m';
    const open = shown.value!.todos.filter((todo) => !todo.done);
    const roll = ctx.rng.int(0, 9);
    if (open.length < 2 || roll < 5) {
      const title = `${ctx.rng.faker.word.verb()} ${ctx.rng.faker.word.noun()} #${ctx.actorId}.${++state.added}`;
      await ctx.execute(uiActions.addTodoInUi, { title, double: ctx.rng.chance(0.3) });
    } else if (roll < 8) {
      await ctx.execute(uiActions.completeTodoInUi, { title: ctx.rng.pick(open).title });
    } else {
      await ctx.execute(uiActions.deleteTodoInUi, { title: ctx.rng.pick(shown.value!.todos).title });
    }
    return ctx.rng.int(1, 10) * 60_000;
  },
});
