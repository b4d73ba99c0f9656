import { readFile, writeFile } from 'node:fs/promises';
import { makeDirs } from '../util/make-dirs.ts';
import path from 'node:path';
import { BeamulatorError, errorMessage, isBeamulatorError } from '../util/errors.ts';
import { configTemplate, fuzzTemplate, simulationTemplate, testTemplate, type ScaffoldNames } from './scaffold-templates.ts';

export interface InitOptions {
  /** The project folder (default: the working directory). */
  dir?: string;
  /** The url of the service to aim at; it should answer `GET /`. */
  url: string;
  /** The simulation's name and file stem (default: from package.json's name, else the folder's). */
  name?: string;
}

export interface InitReport {
  name: string;
  url: string;
  /** Paths relative to the project folder. */
  created: string[];
  /** Files that already existed and were left as they were. */
  skipped: string[];
  /** Existing files that gained something (`.gitignore`, `package.json` scripts), with what. */
  updated: string[];
  /** What the user still has to do (install a missing dependency, ...). */
  todo: string[];
}

/** npm scripts the scaffold adds when their names are free. */
const scripts: Record<string, string> = { sim: 'beamulator run', 'sim:fuzz': 'beamulator fuzz' };

/**
 * Scaffolds what a project needs to start testing its service with beamulator: a config file,
 * a simulation aimed at `url`, a fuzz target, a vitest test, `.gitignore` entries and npm
 * scripts. Never overwrites: existing files are reported as skipped.
 *
 * @example
 * const report = await initProject({ url: 'http://localhost:3000' });
 * report.created; // ['beamulator.config.ts', 'simulations/app.sim.ts', ...]
 */
export async function initProject(options: InitOptions): Promise<InitReport> {
  const dir = path.resolve(options.dir ?? '.');
  const url = checkedUrl(options.url);
  try {
    return await scaffold(dir, url, options);
  } catch (error) {
    // The file system's refusals (a --dir that is a file, a read-only folder) are the user's to fix, not bugs.
    const errno = (error as NodeJS.ErrnoException).code;
    if (isBeamulatorError(error) || typeof errno !== 'string') throw error;
    const why = errno === 'ENOTDIR' || errno === 'EEXIST' ? 'it, or a part of its path, is a file' : errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS' ? 'permission denied' : errorMessage(error);
    throw new BeamulatorError('BEAM_USAGE', `cannot scaffold into ${options.dir ?? '.'}: ${why}`, 'Give a folder you can write to with --dir <folder>', { cause: error });
  }
}

async function scaffold(dir: string, url: string, options: InitOptions): Promise<InitReport> {
  const pkg = await readPackageJson(dir);
  const name = sanitizeName(options.name ?? (typeof pkg?.json.name === 'string' ? pkg.json.name : path.basename(dir)));
  if (options.name !== undefined && name !== options.name) {
    throw new BeamulatorError('BEAM_USAGE', `cannot scaffold a simulation named '${options.name}': names are lowercase letters, digits and dashes`, `Try --name ${name}`);
  }
  const names: ScaffoldNames = { name, url };
  const report: InitReport = { name, url, created: [], skipped: [], updated: [], todo: [] };

  const files: Array<[string, string]> = [
    ['beamulator.config.ts', configTemplate()],
    [`simulations/${name}.sim.ts`, simulationTemplate(names)],
    [`simulations/${name}.test.ts`, testTemplate(names)],
    [`fuzz/${name}.fuzz.ts`, fuzzTemplate(names)],
  ];
  for (const [file, text] of files) {
    await makeDirs(path.dirname(path.join(dir, file)));
    const wrote = await writeFile(path.join(dir, file), text, { flag: 'wx' }).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return false;
      throw error;
    });
    (wrote ? report.created : report.skipped).push(file);
  }

  if (await ensureGitignored(dir, '.beamulator/')) report.updated.push('.gitignore: .beamulator/ (the run store)');

  if (pkg === null) {
    report.todo.push('no package.json here: `npm init -y && npm install -D beamulator vitest` to install beamulator into this project');
    return report;
  }
  const pkgScripts = (pkg.json.scripts ??= {}) as Record<string, string>;
  const added = Object.entries(scripts).filter(([key]) => pkgScripts[key] === undefined);
  for (const [key, command] of added) pkgScripts[key] = command;
  if (added.length > 0) {
    await writeFile(pkg.file, `${JSON.stringify(pkg.json, null, pkg.indent)}\n`);
    report.updated.push(`package.json: scripts ${added.map(([key]) => `"${key}"`).join(', ')}`);
  }
  const deps = { ...(pkg.json.dependencies as object | undefined), ...(pkg.json.devDependencies as object | undefined) };
  const missing = ['beamulator', 'vitest'].filter((dep) => !(dep in deps));
  if (missing.length > 0) report.todo.push(`\`npm install -D ${missing.join(' ')}\` (the scaffold imports ${missing.map((m) => `'${m}'`).join(' and ')})`);
  return report;
}

function checkedUrl(url: string): string {
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new BeamulatorError('BEAM_USAGE', `cannot scaffold for '${url}': it is not an http(s) url`, 'Give the url of your running service, e.g. --url http://localhost:3000');
  }
  return url;
}

/** A file stem and simulation name: lowercase letters, digits and dashes (`@acme/Shop API` → `shop-api`). */
function sanitizeName(raw: string): string {
  const stem = raw.replace(/^@[^/]+\//, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return stem === '' ? 'app' : stem;
}

interface PackageJson {
  file: string;
  json: Record<string, unknown>;
  indent: string | number;
}

async function readPackageJson(dir: string): Promise<PackageJson | null> {
  const file = path.join(dir, 'package.json');
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) return null;
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
    return { file, json: json as Record<string, unknown>, indent: /^[ \t]+/m.exec(text)?.[0] ?? 2 };
  } catch (error) {
    throw new BeamulatorError('BEAM_USAGE', `cannot add scripts to ${file}: it is not valid JSON (${(error as Error).message})`, 'Fix package.json, then run init again (existing files are kept)');
  }
}

/** Adds `entry` to the folder's .gitignore (creating it) unless a line already ignores it. */
async function ensureGitignored(dir: string, entry: string): Promise<boolean> {
  const file = path.join(dir, '.gitignore');
  const text = await readFile(file, 'utf8').catch(() => '');
  const bare = entry.replace(/\/$/, '');
  if (text.split(/\r?\n/).some((line) => [entry, bare, `/${entry}`, `/${bare}`].includes(line.trim()))) return false;
  await writeFile(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${entry}\n`);
  return true;
}
