/**
 * File globs for the config's `simulations` and `fuzz` keys. Node 20 has no fs.glob, and these
 * globs are simple: `*` and `?` within a name, `**` for any depth of folders, `{a,b}` for
 * alternatives. Folders named node_modules or starting with a dot are never searched.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The files matching any of the globs, resolved against `dir`, as sorted absolute paths.
 *
 * @example
 * await globFiles(['simulations/**' + '/*.sim.ts'], '/home/me/shop'); // ['/home/me/shop/simulations/cart.sim.ts']
 */
export async function globFiles(globs: readonly string[], dir: string): Promise<string[]> {
  const found = new Set<string>();
  for (const glob of globs) {
    const abs = path.resolve(dir, glob).split(path.sep).join('/');
    const segments = abs.split('/');
    const firstMagic = segments.findIndex(isMagic);
    if (firstMagic === -1) {
      // No wildcard: the glob names one file.
      if (await isFile(abs)) found.add(abs);
      continue;
    }
    const base = segments.slice(0, firstMagic).join('/') || '/';
    const pattern = globRegExp(segments.slice(firstMagic));
    const deep = segments.slice(firstMagic).includes('**');
    for (const file of await walk(base, deep ? Infinity : segments.length - firstMagic)) {
      if (pattern.test(path.posix.relative(base, file))) found.add(file);
    }
  }
  return [...found].sort();
}

function isMagic(segment: string): boolean {
  return /[*?{]/.test(segment);
}

/** A regex over paths relative to the glob's fixed base folder. */
function globRegExp(segments: readonly string[]): RegExp {
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    source += segmentSource(segment) + (last ? '' : '/');
  });
  return new RegExp(`^${source}$`);
}

function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const end = segment.indexOf('}', i);
      if (end === -1) {
        out += '\\{';
        continue;
      }
      out += `(?:${segment.slice(i + 1, end).split(',').map(segmentSource).join('|')})`;
      i = end;
    } else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}

/** Files under `dir` down to `depth` levels (1: its own files), skipping node_modules and dot folders. */
async function walk(dir: string, depth: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const e of entries) {
    const full = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
    if (e.isFile()) files.push(full);
    else if (e.isDirectory() && depth > 1 && e.name !== 'node_modules' && !e.name.startsWith('.')) files.push(...(await walk(full, depth - 1)));
  }
  return files;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => null))?.isFile() ?? false;
}
