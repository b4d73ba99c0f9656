// A catalog service answering every read with a page of items (about 4 KB of JSON), so a run of
// 10,000 actions makes a replay file of about 90 MB: the export memory test (test/e2e/export-memory.test.ts).
import { createServer } from 'node:http';
import { defineActions, defineBehavior, defineSimulation } from 'beamulator';

interface Item { id: number; name: string; description: string; price: number; tags: string[] }

/** The page every read gets: the same 20 items (what is big is the answer, not its variety). */
const page: Item[] = Array.from({ length: 20 }, (_, i) => ({
  id: i, name: `item ${i}`, description: `a long description of item ${i} `.repeat(4), price: i * 3.5, tags: ['a', 'b', 'c'],
}));

const actions = defineActions({
  listItems: async (args: { page: number }, { http }) => (await http.get('/items', { query: { page: args.page } })).json<Item[]>(),
});

const browser = defineBehavior({
  name: 'Browser',
  initialState: undefined,
  async act(ctx) {
    await ctx.execute(actions.listItems, { page: ctx.rng.int(1, 50) });
    return '1m';
  },
});

export default defineSimulation({
  name: 'bulk',
  actions,
  behaviors: [browser],
  population: [{ behavior: browser, count: 10 }],
  duration: '24h',
  target: {
    start: async () => {
      const body = JSON.stringify(page);
      const server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      return { url, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    },
  },
});
