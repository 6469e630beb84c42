/**
 * A project that tracks the agent's settings file without guard's entries: after `guard init` they
 * are an uncommitted change of it, and a PERSON's `git reset --hard` or `git stash` in their own
 * terminal reverts it. No agent hook runs to see that (an agent's own such command is written back
 * by its hooks: tracked-hook-file-rehooked.test.ts), so the agent's next session ran without guard
 * and only `guard status` said so. Now the reference-transaction hook checks the listed hook files
 * (builtins) and says so once per change, on stderr and in the journal (`agent-hooks-gone`),
 * naming `guard init --agents ID`. Real git, hooks as `guard init` installs them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { loggedEvents } from '../../helpers/guard-steps.js';

const LOCAL = '.claude/settings.local.json';
const PROJECT = `${JSON.stringify({ permissions: { allow: ['Bash(npm test)'] } }, null, 2)}\n`;
const WARNING = "guard: warning: guard's agent hooks are gone from .claude/settings.local.json (Claude Code)";

/** The settings file tracked without guard's entries, a branch `other` whose copy differs too, then `guard init`. */
function setup(t: TestRepo): void {
  t.write(LOCAL, PROJECT);
  t.write('src/a.js', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.git(['branch', 'other']);
  init(t);
}

function init(t: TestRepo): void {
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  expect(t.read(LOCAL)).toContain('git-guard claude pre-tool');
}

/** A person's git command (no agent marker in the environment); its stderr. */
function person(t: TestRepo, args: string[]): string {
  const r = t.gitResult(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stderr;
}

describe("a person's git command takes guard's agent hooks out of a tracked settings file", () => {
  it('git reset --hard: said once on stderr and in the journal, `guard status` reports it; after guard init, said again the next time', () =>
    withTestRepo((t) => {
      setup(t);
      // The entries there: a commit says nothing.
      t.write('src/a.js', 'b\n');
      t.git(['add', 'src/a.js']);
      expect(person(t, ['commit', '-q', '-m', 'b'])).not.toContain('agent hooks');

      t.write('src/a.js', 'work\n');
      const said = person(t, ['reset', '--hard']);
      expect(t.read(LOCAL)).toBe(PROJECT);
      expect(said).toContain(WARNING);
      expect(said).toContain('Put them back: guard init --agents claude');
      expect(loggedEvents(t, 'agent-hooks-gone')).toEqual([expect.objectContaining({ files: `${LOCAL} (Claude Code)`, agents: 'claude', actor: 'human' })]);
      // Once per change: the next command says nothing more.
      expect(person(t, ['reset', '--hard'])).not.toContain('agent hooks');
      expect(loggedEvents(t, 'agent-hooks-gone')).toHaveLength(1);
      expect(t.guard(['status']).stdout).toMatch(/Claude Code .*holds none of guard's hooks/);

      // Put back; a later reset takes them out again: said again.
      init(t);
      expect(person(t, ['reset', '--hard'])).toContain(WARNING);
      expect(loggedEvents(t, 'agent-hooks-gone')).toHaveLength(2);
    }));

  it('a file reverted in the same clock tick as the last look (git stash: its ref transaction, then the reset at once) is still looked at', () =>
    withTestRepo((t) => {
      setup(t);
      // The last look found guard's entries (a transaction); the file then reverted with the same
      // mtime as that look, as a reset right after the transaction can within one tick of the clock.
      expect(person(t, ['branch', 'look'])).not.toContain('agent hooks');
      const seen = path.join(t.dir, '.git', 'guard', 'agent-hooks-seen');
      expect(fs.existsSync(seen)).toBe(true);
      t.write(LOCAL, PROJECT);
      const tick = fs.statSync(seen).mtime;
      fs.utimesSync(path.join(t.dir, LOCAL), tick, tick);
      fs.utimesSync(seen, tick, tick);
      expect(person(t, ['branch', 'next'])).toContain(WARNING);
    }));

  it("git stash: said, naming git stash pop; the pop brings guard's entries back", () =>
    withTestRepo((t) => {
      setup(t);
      const guarded = fs.readFileSync(path.join(t.dir, LOCAL));
      t.write('src/a.js', 'work\n');
      const said = person(t, ['stash']);
      expect(t.read(LOCAL)).toBe(PROJECT);
      expect(said).toContain(WARNING);
      expect(said).toContain('git stash pop brings them back');
      person(t, ['stash', 'pop']);
      expect(fs.readFileSync(path.join(t.dir, LOCAL)).equals(guarded)).toBe(true);
    }));

  it('git checkout -f other (no ref transaction in git 2.39): said at the next command that moves a ref', () =>
    withTestRepo((t) => {
      setup(t);
      expect(person(t, ['checkout', '-q', '-f', 'other'])).not.toContain('agent hooks');
      expect(t.read(LOCAL)).toBe(PROJECT);
      expect(person(t, ['commit', '-q', '--allow-empty', '-m', 'next'])).toContain(WARNING);
    }));

  it("an agent's git reset --hard is not said here (its own hooks write the entries back), nor a removed agent after guard uninstall", () =>
    withTestRepo((t) => {
      setup(t);
      const agent = t.gitResult(['reset', '--hard'], { env: { CLAUDECODE: '1' } });
      expect(agent.code, agent.stderr).toBe(0);
      // (Its line that Claude Code runs git here without guard's agent hooks, no session being open, is the hooks-off heal's: agent-hooks-gone is what must not be said.)
      expect(agent.stderr).not.toContain("guard's agent hooks are gone");
      expect(loggedEvents(t, 'agent-hooks-gone')).toEqual([]);
      init(t);
      const removed = t.guard(['uninstall']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(t.exists('.git/guard/agent-hook-files')).toBe(false);
    }));
});
