import { expect } from 'vitest';
import type { TestRepo } from './git-repo.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * Makes the snapshots of the main chain look older: rewrites each one's metadata time to
 * `ageDays[i]` days ago (oldest first; null leaves it), re-linking the chain as guard would, and
 * re-pointing every snapshot id the metadata names (`previous`, `heldIgnored`'s holders) at the
 * rewritten one. Returns the new ids, oldest first. Test setup only.
 */
export function ageChain(repo: TestRepo, ageDays: Array<number | null>): string[] {
  const oids = repo.git(['log', '--first-parent', '--format=%H', 'refs/guard/main/head']).trim().split('\n').reverse();
  const root = oids.shift()!; // the fixed chain root
  expect(oids).toHaveLength(ageDays.length);
  let previous: string | null = null;
  const renamed = new Map<string, string>();
  const result: string[] = [];
  oids.forEach((oid, i) => {
    const raw = repo.git(['cat-file', 'commit', oid]);
    const [headers, message] = [raw.slice(0, raw.indexOf('\n\n')), raw.slice(raw.indexOf('\n\n') + 2)];
    const parents = headers.split('\n').filter((l) => l.startsWith('parent ')).map((l) => l.slice(7));
    const tree = headers.split('\n').find((l) => l.startsWith('tree '))!.slice(5);
    const days = ageDays[i];
    let text = message.replace(/"previous":(null|"[0-9a-f]+")/, `"previous":${previous ? `"${previous}"` : 'null'}`);
    text = text.replace(/"in":"([0-9a-f]+)"/g, (whole, held: string) => (renamed.has(held) ? `"in":"${renamed.get(held)}"` : whole));
    if (days !== null && days !== undefined) text = text.replace(/"time":"[^"]+"/, `"time":"${new Date(Date.now() - days * DAY).toISOString()}"`);
    const newParents = [previous ?? root, ...parents.slice(1)];
    previous = repo.git(['commit-tree', tree, ...newParents.flatMap((p) => ['-p', p])], { input: text }).trim();
    renamed.set(oid, previous);
    result.push(previous);
  });
  // Past guard's own refusal of writes under refs/guard/ (its git hooks, where installed).
  repo.git(['-c', 'core.hooksPath=/dev/null', 'update-ref', 'refs/guard/main/head', previous!]);
  return result;
}
