import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineActions, defineBehavior, defineSimulation, readYourWrites, runSimulation, type ComplaintRecord, type EntityModel } from 'beamulator';

/**
 * A notes board, shaped unlike the todo fixture (boards, `noteId`, `text`), with a planted bug:
 * while `dropEvery` is set, every n-th create is acknowledged (201, with its id) but never stored.
 */
interface Note {
  noteId: number;
  board: string;
  text: string;
}

let server: Server;
let url: string;
let dropEvery = 0;
let notes: Note[] = [];
let creates = 0;
const dropped: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const board = decodeURIComponent(req.url!.split('/')[2]!);
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST') {
        const note: Note = { noteId: ++creates, board, text: (JSON.parse(body) as { text: string }).text };
        if (dropEvery > 0 && creates % dropEvery === 0) dropped.push(note.noteId);
        else notes.push(note);
        res.statusCode = 201;
        res.end(JSON.stringify(note));
      } else {
        res.end(JSON.stringify(notes.filter((n) => n.board === board)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const actions = defineActions({
  postNote: async (args: { board: string; text: string }, { http }) => (await http.post(`/boards/${args.board}/notes`, { json: { text: args.text } })).json<Note>(),
  listNotes: async (args: { board: string }, { http }) => (await http.get(`/boards/${args.board}/notes`)).json<Note[]>(),
});

const writer = defineBehavior({
  name: 'Writer',
  initialState: {},
  async act(ctx) {
    const board = (ctx.config as { board: string }).board;
    if (ctx.turn > 12) return ctx.stop();
    if (ctx.turn % 2 === 1) await ctx.execute(actions.postNote, { board, text: `note ${ctx.turn}` });
    else await ctx.execute(actions.listNotes, { board });
    return '1m';
  },
});

const model: EntityModel = {
  writes: { postNote: (_args, note: Note | null) => note && { key: String(note.noteId), fields: { text: note.text } } },
  reads: { listNotes: (_args, list: Note[]) => list.map((n) => [String(n.noteId), { ...n }] as const) },
  listings: { listNotes: true },
};

async function run(drop: number, allowDrops = false): Promise<ComplaintRecord[]> {
  dropEvery = drop;
  notes = [];
  creates = 0;
  dropped.length = 0;
  const complaints: ComplaintRecord[] = [];
  const sim = defineSimulation({
    name: 'notes',
    actions,
    behaviors: [writer],
    population: [{ behavior: writer, count: 2, config: (i: number) => ({ board: `b${i}` }) }],
    checkers: [readYourWrites({ ...model, allowDrops })],
    duration: '1h',
  });
  await runSimulation(sim, { db: false, target: url, seed: 'lost-create', hooks: { onComplaint: (c) => complaints.push(c) } });
  return complaints;
}

describe('readYourWrites on a service that loses creates', () => {
  it('flags each acknowledged create that the creator’s next listing does not show', async () => {
    const complaints = await run(3);
    expect(dropped.length).toBeGreaterThan(1);
    expect(complaints.map((c) => c.trigger)).toEqual(dropped.map(() => 'checker:read-your-writes'));
    expect(complaints.map((c) => (c.detail as { key: string }).key).sort()).toEqual(dropped.map(String).sort());
    expect(complaints[0]!.message).toMatch(/^read-your-writes: my listing does not show '\d+', which I wrote and nobody deleted$/);
  });

  it('is silent when no create is lost, and with allowDrops', async () => {
    expect(await run(0)).toEqual([]);
    expect(await run(3, true)).toEqual([]);
    expect(dropped.length).toBeGreaterThan(1);
  });
});
