// The package's public types (the .d.ts files its three entry points reach) must not import
// Node's modules or Playwright's types: a user's `tsc` with skipLibCheck off and no @types/node
// fails on them (the consumer test sees that after a pack and an install; this names the import
// chain in milliseconds). dist/ is built by the suite's global setup.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../support/cli.ts';

/** Each reached file with the file that reached it first. */
function closure(entries: string[]): Map<string, string | null> {
  const seen = new Map<string, string | null>();
  const visit = (file: string, from: string | null) => {
    if (seen.has(file)) return;
    seen.set(file, from);
    // Only real import statements, not `import x from` inside a TSDoc example.
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const m of code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec.replace(/\.(ts|js)$/, '.d.ts'));
      if (existsSync(target)) visit(target, file);
    }
  };
  for (const entry of entries) visit(path.join(root, 'dist', entry), null);
  return seen;
}

describe('public types', () => {
  it('reach no node: module and no Playwright type from index, vitest or config', () => {
    const files = closure(['index.d.ts', 'vitest/index.d.ts', 'config/index.d.ts']);
    expect(files.size).toBeGreaterThan(20);
    const leaks: string[] = [];
    for (const file of files.keys()) {
      const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
      for (const m of code.matchAll(/from\s*['"]((?:node:[^'"]+)|(?:playwright[^'"]*))['"]|import\(\s*['"]((?:node:|playwright)[^'"]*)['"]\s*\)/g)) {
        const chain: string[] = [];
        for (let f: string | null = file; f; f = files.get(f) ?? null) chain.push(path.relative(path.join(root, 'dist'), f));
        leaks.push(`${m[1] ?? m[2]} via ${chain.join(' <- ')}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});
