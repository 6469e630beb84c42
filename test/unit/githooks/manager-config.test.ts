/**
 * guard's entry in lefthook.yml and .pre-commit-config.yaml is a pure insertion: the rest of the
 * file (comments, quoting, blank lines, indentation, key order) stays byte for byte, the result
 * parses to the old data plus the entry, and what guard cannot place safely is refused.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { entryCommand, lefthookCommand } from '../../../src/githooks/managers/entry.js';
import { hooksRunningGuard } from '../../../src/githooks/managers/detect.js';
import { insertLefthook, insertPreCommit, removeSnippet } from '../../../src/githooks/managers/yaml-insert.js';

const RUN = lefthookCommand('pre-push');

function inserted(before: string, result: ReturnType<typeof insertLefthook>): string {
  if ('problem' in result) throw new Error(result.problem);
  // Taking the snippet out gives back the original bytes exactly.
  expect(removeSnippet(result.text, result.snippet)).toBe(before);
  return result.text;
}

describe('lefthook.yml: guard inserts one entry and changes nothing else', () => {
  const shapes: Record<string, string> = {
    'empty file': '',
    'hook missing, comments and quoting kept': "# team\npre-commit:\n  commands:\n    lint:\n      run: 'npm run lint'   # keep\n\n\noutput: [summary]\n",
    'commands present, 4-space indent': 'pre-push:\n    commands:\n        test:\n            run: npm test\n',
    'jobs present': 'pre-push:\n  parallel: true\n  jobs:\n    - name: test\n      run: npm test\n',
    'hook with neither': 'pre-push:\n  follow: true\n',
    'empty hook': 'pre-push:\n# nothing yet\npre-commit:\n  commands: {}\n',
    'no final newline': 'pre-commit:\n  commands:\n    a:\n      run: a',
  };
  for (const [name, before] of Object.entries(shapes)) {
    it(name, () => {
      const text = inserted(before, insertLefthook(before, 'lefthook.yml', { hook: 'pre-push', run: RUN, useStdin: true }));
      const data = parse(text);
      const section = data['pre-push'];
      const entries = [...Object.entries(section.commands ?? {}).map(([k, v]: [string, any]) => ({ name: k, ...v })), ...(section.jobs ?? [])];
      expect(entries.find((e: any) => e.name === 'git-guard')).toEqual({ name: 'git-guard', run: RUN, use_stdin: true });
      expect(hooksRunningGuard('lefthook', text, ['pre-commit', 'pre-push'])).toEqual(['pre-push']);
      // The command text survives YAML quoting exactly, and holds no path of this machine.
      expect(RUN).not.toMatch(/\/(home|root|tmp|usr)\//);
    });
  }

  it('refuses shapes it cannot edit without touching anything else', () => {
    for (const before of ['pre-push: {commands: {}}\n', '[1, 2]\n', 'pre-push:\n  commands:\n    git-guard:\n      run: echo mine\n', 'a: [\n']) {
      const r = insertLefthook(before, 'lefthook.yml', { hook: 'pre-push', run: RUN, useStdin: true });
      expect('problem' in r, before).toBe(true);
    }
  });
});

describe('.pre-commit-config.yaml: a repo: local item first in repos', () => {
  const entry = { id: 'git-guard-pre-commit', name: 'git-guard (pre-commit check)', entry: entryCommand('pre-commit', ''), stage: 'pre-commit' };
  for (const before of [
    'repos:\n-   repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4.0.0\n    hooks:\n    -   id: trailing-whitespace\n',
    '# top\ndefault_stages: [pre-commit]\nrepos:\n  - repo: local   # ours\n    hooks:\n      - id: x\n        name: x\n        entry: x\n        language: system\n',
    'fail_fast: true\n',
  ]) {
    it(JSON.stringify(before.slice(0, 30)), () => {
      const text = inserted(before, insertPreCommit(before, '.pre-commit-config.yaml', entry));
      const data = parse(text);
      expect(data.repos[0]).toEqual({ repo: 'local', hooks: [{ id: entry.id, name: entry.name, entry: entry.entry, language: 'system', pass_filenames: false, always_run: true, stages: ['pre-commit'] }] });
      expect(hooksRunningGuard('pre-commit', text, ['pre-commit'])).toEqual(['pre-commit']);
    });
  }
});
