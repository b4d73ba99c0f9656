import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../support/cli.ts';

describe('beamulator init', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('scaffolds a project, keeps what exists, adds scripts and the store to .gitignore', async () => {
    const tmp = tempDir();
    try {
      writeFileSync(path.join(tmp.dir, 'package.json'), JSON.stringify({ name: '@acme/Shop API', type: 'module', scripts: { sim: 'my own' } }, null, 4));
      writeFileSync(path.join(tmp.dir, '.gitignore'), 'node_modules');
      const r = await runCli(['init', '--url', url], { cwd: tmp.dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const file of ['beamulator.config.ts', 'simulations/shop-api.sim.ts', 'simulations/shop-api.test.ts', 'fuzz/shop-api.fuzz.ts']) {
        expect(r.stdout).toContain(`created  ${file}`);
        expect(existsSync(path.join(tmp.dir, file))).toBe(true);
      }
      expect(readFileSync(path.join(tmp.dir, 'simulations/shop-api.sim.ts'), 'utf8')).toContain(`target: { url: "${url}" }`);
      expect(r.stdout).toContain(`target   ${url} answered GET / with HTTP 200`);
      expect(r.stdout).toContain('npm install -D beamulator vitest');
      expect(readFileSync(path.join(tmp.dir, '.gitignore'), 'utf8')).toBe('node_modules\n.beamulator/\n');
      const pkg = readFileSync(path.join(tmp.dir, 'package.json'), 'utf8');
      expect(JSON.parse(pkg).scripts).toEqual({ sim: 'my own', 'sim:fuzz': 'beamulator fuzz' });
      expect(pkg).toMatch(/^ {4}"name"/m); // the file's own indentation is kept

      const again = await runCli(['init', '--url', url, '--json'], { cwd: tmp.dir });
      expect(again.code).toBe(0);
      const report = JSON.parse(again.stdout) as { created: string[]; skipped: string[]; updated: string[] };
      expect(report.created).toEqual([]);
      expect(report.skipped).toHaveLength(4);
      expect(report.updated).toEqual([]);
    } finally {
      tmp.cleanup();
    }
  });

  it('bad input: one line, exit 2, nothing written', async () => {
    const tmp = tempDir();
    try {
      const notUrl = await runCli(['init', '--url', 'localhost:3000'], { cwd: tmp.dir });
      expect(notUrl.code).toBe(2);
      expect(notUrl.stderr).toBe("beamulator: cannot scaffold for 'localhost:3000': it is not an http(s) url. Give the url of your running service, e.g. --url http://localhost:3000\n");
      writeFileSync(path.join(tmp.dir, 'package.json'), '{ "name": ');
      const broken = await runCli(['init', '--url', url], { cwd: tmp.dir });
      expect(broken.code).toBe(2);
      expect(broken.stderr).toMatch(/^beamulator: cannot add scripts to .*package\.json: it is not valid JSON \(.*\)\. Fix package\.json, then run init again \(existing files are kept\)\n$/);
      expect(existsSync(path.join(tmp.dir, 'simulations'))).toBe(false);
      expect(existsSync(path.join(tmp.dir, 'beamulator.config.ts'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });

  it('says when the url does not answer, and still scaffolds', async () => {
    const tmp = tempDir();
    try {
      const r = await runCli(['init', '--url', 'http://127.0.0.1:9', '--name', 'svc'], { cwd: tmp.dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('target   http://127.0.0.1:9 did not answer GET / (ECONNREFUSED): start it before `npx beamulator run`');
      expect(r.stdout).toContain('no package.json here');
      expect(existsSync(path.join(tmp.dir, 'simulations/svc.sim.ts'))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });
});
