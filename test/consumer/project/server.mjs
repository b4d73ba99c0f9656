// The consumer project's "own service": a notes API with one planted bug, off unless asked for:
// with `lostCreate`, every third note is acknowledged (201) but never stored.
import { createServer } from 'node:http';

export async function startServer({ lostCreate = false } = {}) {
  let notes = [];
  let created = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const send = (status, value) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method === 'GET' && req.url === '/') return send(200, { ok: true });
      if (req.method === 'POST' && req.url === '/notes') {
        const note = { id: ++created, text: JSON.parse(body).text };
        if (!lostCreate || created % 3 !== 0) notes.push(note);
        return send(201, note);
      }
      if (req.method === 'GET' && req.url === '/notes') return send(200, notes);
      send(404, { error: 'not found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    reset: () => { notes = []; created = 0; },
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
