// The bench's target: a 20-byte JSON answer to every request, keep-alive. Prints its url.
import { createServer } from 'node:http';

const body = Buffer.from('{"ok":true,"n":1234}');
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/x`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
