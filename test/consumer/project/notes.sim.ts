import { defineActions, defineBehavior, defineSimulation, fail } from 'beamulator';
import { startServer } from './server.mjs';

interface Note { id: number; text: string }

export const actions = defineActions({
  createNote: async (args: { text: string }, { http }) => {
    const res = await http.post('/notes', { json: args });
    if (res.status !== 201) fail(`create note: HTTP ${res.status}`);
    return res.json<Note>();
  },
  listNotes: async (_args: Record<string, never>, { http }) => {
    const res = await http.get('/notes');
    if (res.status !== 200) fail(`list notes: HTTP ${res.status}`);
    return res.json<Note[]>();
  },
});

export const writer = defineBehavior({
  name: 'Writer',
  initialState: { mine: [] as number[] },
  async act(ctx) {
    const created = await ctx.execute(actions.createNote, { text: ctx.rng.faker.lorem.words(2) });
    if (created.ok) ctx.state.mine.push(created.value!.id);
    const list = await ctx.execute(actions.listNotes, {});
    const missing = ctx.state.mine.filter((id) => !(list.value ?? []).some((n) => n.id === id));
    if (list.ok && missing.length > 0) ctx.complain('a note I created is missing from the list', { severity: 'urgent', detail: { missing } });
    return ctx.rng.int(1, 30) * 60_000;
  },
});

export default defineSimulation({
  name: 'notes',
  actions,
  behaviors: [writer],
  population: [{ behavior: writer, count: 2 }],
  params: { lostCreate: { default: false, description: 'plant the bug: every third note is lost' } },
  target: { start: ({ params }) => startServer({ lostCreate: params.lostCreate }) },
  duration: '2h',
});
