/**
 * A fuzz target whose bug only hostile strings reach (test/fuzz/hostile.test.ts): a tag service
 * that, like the FastAPI todo app, stores a label holding a lone surrogate and then answers 500
 * to every listing. The
 * label arbitrary is a parameter of tagsTarget: the default export draws hostile.string().
 */
import http from 'node:http';
import type { Arbitrary } from 'fast-check';
import { defineActions, defineBehavior, defineFuzzTarget, defineSimulation, fail, hostile, type HttpResponse } from 'beamulator';

export const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A tag service with the bug the FastAPI todo app had: a label holding a lone surrogate is
 * stored, and from then on every listing answers 500 (it cannot be encoded as UTF-8).
 */
export async function tagService() {
  let labels: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST') {
        // JSON.parse keeps a `\ud800` escape as a lone surrogate, as Python's json module does.
        labels.push((JSON.parse(body) as { label: string }).label);
        res.statusCode = 201;
        res.end('{"ok":true}');
      } else if (labels.some((l) => loneSurrogate.test(l))) {
        res.statusCode = 500;
        res.end('{"error":"cannot encode"}');
      } else {
        res.end(JSON.stringify(labels));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    reset: () => void (labels = []),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function ok<T>(res: HttpResponse): T {
  if (res.status >= 300) fail(`HTTP ${res.status}`, { status: res.status });
  return res.json<T>();
}

const actions = defineActions({
  addTag: async (args: { label: string }, { http: client }) => ok<{ ok: boolean }>(await client.post('/tags', { json: args })),
  listTags: async (_args: Record<string, never>, { http: client }) => ok<string[]>(await client.get('/tags')),
});

/** A tagger adds a label drawn from `labels`, then lists the tags, and complains when listing fails. */
function tagger(labels: Arbitrary<string>) {
  return defineBehavior({
    name: 'Tagger',
    initialState: {},
    async act(ctx) {
      await ctx.execute(actions.addTag, { label: ctx.rng.draw(labels) });
      const list = await ctx.execute(actions.listTags, {});
      if (!list.ok) ctx.complain('listing my tags fails', { severity: 'urgent' });
      return '1m';
    },
  });
}

/** The tag campaign with labels drawn from `labels`. */
export function tagsTarget(labels: Arbitrary<string>) {
  const behavior = tagger(labels);
  const simulation = defineSimulation({ name: 'tags', actions, behaviors: [behavior], population: [{ behavior, count: 1 }], duration: '1h' });
  return defineFuzzTarget({ name: 'tags', simulation, maxActors: 2, maxTurns: 6, target: { start: tagService } });
}

export default tagsTarget(hostile.string());
