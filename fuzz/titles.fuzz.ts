/**
 * Typed fuzz inputs: a Titler creates todos whose titles are drawn from a fast-check arbitrary
 * (`ctx.rng.draw(fc.string({ unit: 'grapheme' }))`: empty strings, whitespace, emoji, combining
 * marks, astral code points) and checks the app's contract: a title that is blank after `trim()`
 * is refused (400), any other is stored and reads back byte-identical (create answer, getTodo,
 * and the list). All planted bugs are off; the todo app has no known bug here, so this target is
 * expected to pass (measured: it does).
 */
import fc from 'fast-check';
import { actions, type Credentials } from '../examples/todo/actions.ts';
import { startTodoApp } from '../fixtures/todo-app/server.ts';
import { defineFuzzTarget } from 'beamulator';
import { defineBehavior, defineSimulation } from 'beamulator';
import { teams } from './todo-fuzz.ts';

/** Titles that stress the app's text handling; a tape of zeros draws ''. */
export const titleArbitrary = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(' ', '\u00a0', '\t\n', '\ufeff', 'a\u0000b', '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}', 'e\u0301'),
);

interface TitlerState {
  user: Credentials & { team: string };
  registered: boolean;
}

export const titler = defineBehavior<TitlerState, { team: string }>({
  name: 'Titler',
  initialState: ({ actorId, config }) => ({ user: { username: `titler-${actorId}`, password: 'pw', team: config.team }, registered: false }),
  async act(ctx) {
    const { state } = ctx;
    if (!state.registered) {
      state.registered = (await ctx.execute(actions.signup, state.user)).ok;
      return '1m';
    }
    const title = ctx.rng.draw(titleArbitrary);
    const created = await ctx.execute(actions.createTodo, { user: state.user, title });
    const blank = title.trim() === '';
    if (blank) {
      if (created.ok) ctx.complain('a blank title was accepted', { severity: 'annoying', detail: { title } });
      return '1m';
    }
    if (!created.ok) {
      ctx.complain('a non-blank title was refused', { severity: 'urgent', detail: { title } });
      return '1m';
    }
    const todo = created.value!;
    if (todo.title !== title) ctx.complain('the created todo has another title', { severity: 'urgent', detail: { title, got: todo.title } });
    const read = await ctx.execute(actions.getTodo, { user: state.user, id: todo.id });
    if (read.ok && read.value!.title !== title) ctx.complain('the title reads back changed', { severity: 'urgent', detail: { title, got: read.value!.title } });
    if (ctx.rng.chance(0.5)) {
      const list = await ctx.execute(actions.listTodos, { user: state.user });
      const listed = list.ok ? list.value!.find((t) => t.id === todo.id) : undefined;
      if (list.ok && listed?.title !== title) ctx.complain('the list shows the title changed', { severity: 'urgent', detail: { title, got: listed?.title ?? null } });
    }
    return ctx.rng.int(1, 10) * 60_000;
  },
});

/** The plain simulation (seeded runs, e.g. `beamulator run`-style tests of draw recording). */
export const titlesSimulation = defineSimulation({
  name: 'titles',
  actions,
  behaviors: [titler],
  population: [{ behavior: titler, count: 3, config: (i: number) => teams[i % teams.length]! }],
  target: {
    start: async () => {
      const app = await startTodoApp({ bugs: [] });
      return { url: app.url, stop: () => app.stop(), reset: () => app.reset() };
    },
  },
  duration: '2h',
});

export default defineFuzzTarget({
  name: 'titles',
  simulation: titlesSimulation,
  behaviors: ['Titler'],
  configs: teams,
  maxActors: 2,
  maxTurns: 12,
});
