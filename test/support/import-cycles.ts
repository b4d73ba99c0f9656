import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The import cycles among the .ts files under `root`: each is a strongly connected set of files
 * (sorted paths relative to `root`, `/`-separated), in a stable order. Every relative import
 * counts, type-only and dynamic ones too: a cycle of types still ties the files' designs together.
 */
export function importCycles(root: string): string[][] {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(root, f));
  const imports = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    imports.set(file, importedFiles.map((i) => i.fileName).filter((name) => name.startsWith('.')).map((name) => path.resolve(path.dirname(file), name)));
  }
  const cycles = stronglyConnected(imports)
    .filter((set) => set.length > 1 || imports.get(set[0]!)!.includes(set[0]!))
    .map((set) => set.map((f) => path.relative(root, f).split(path.sep).join('/')).sort());
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** Tarjan's algorithm over the files' import edges (edges to files outside the map are ignored). */
function stronglyConnected(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sets: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const set: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        set.push(w);
      } while (w !== v);
      sets.push(set);
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return sets;
}
