// The rule table is one contract with three readers: classifyCommand, the refusals agents read,
// and docs/command-guard.md. Every rule has a description and a hint, the doc lists each one
// verbatim, and every rule is reachable from the corpus.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, classifyCommand } from '../../../../src/policy/command/index.js';
import { PROJECT_ROOT } from '../../../helpers/git-repo.js';
import { AGENT_CONTEXT, AGENT_ROWS, HUMAN_CONTEXT, HUMAN_ROWS, NO_REPO_CONTEXT, NO_REPO_ROWS, NO_STASH_CONTEXT, NO_STASH_ROWS } from './corpus.js';

describe('command guard rules', () => {
  it('have kebab-case ids, a description, and an instead hint for every refusal', () => {
    for (const [id, info] of Object.entries(RULES)) {
      expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(info.description.length).toBeGreaterThan(10);
      if (id !== 'no-risk') expect(info.instead.length).toBeGreaterThan(10);
    }
  });

  it('are listed verbatim in docs/command-guard.md', () => {
    const doc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'command-guard.md'), 'utf8');
    const esc = (s: string): string => s.replace(/\|/g, '\\|');
    for (const [id, info] of Object.entries(RULES)) {
      expect(doc).toContain(`| \`${id}\` | ${esc(info.description)} | ${esc(info.instead) || '—'} |`);
    }
  });

  it('are each produced by at least one corpus row', () => {
    const seen = new Set<string>();
    const tables = [
      [AGENT_CONTEXT, AGENT_ROWS],
      [HUMAN_CONTEXT, HUMAN_ROWS],
      [NO_REPO_CONTEXT, NO_REPO_ROWS],
      [NO_STASH_CONTEXT, NO_STASH_ROWS],
    ] as const;
    for (const [context, rows] of tables) for (const [command] of rows) seen.add(classifyCommand(command, context).rule);
    // capture-too-large needs the repository's state (sizes of ignored files), and so does
    // git-worktree-remove-ignored (that worktree's ignored files) and git-submodule-remove-ignored (a
    // submodule's): test/integration/command-state covers them.
    // git-worktree-commits too (which commits only the removed or pruned worktree reaches), and
    // overwrite-ignored (whether the file written is ignored), and edit-listed (what a listing
    // such as `git ls-files` can print: test/integration/command-state/listed-edits.test.ts), and
    // script-unknown-write (a script file's text: script-unknown-writes.test.ts), and
    // tracked-database (which database files are tracked and changed: tracked-databases.test.ts),
    // and dvc-data-delete (a `.dvc` directory in the repository and its cache.dir: dvc.test.ts), and
    // guard-policy-put-back (whether HEAD tracks .guard.yaml and the target does not: landing-puts-back-policy.test.ts).
    const stateOnly = ['dvc-data-delete', 'capture-too-large', 'untracked-too-large', 'git-worktree-remove-ignored', 'git-submodule-remove-ignored', 'git-worktree-commits', 'overwrite-ignored', 'edit-listed', 'script-unknown-write', 'tracked-database', 'guard-policy-put-back'];
    expect([...Object.keys(RULES)].filter((id) => !seen.has(id) && !stateOnly.includes(id))).toEqual([]);
  });
});
