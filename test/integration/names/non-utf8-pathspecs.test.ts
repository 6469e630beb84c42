/**
 * Names that are not UTF-8 reach git's command line from an agent's shell words ($'d\xe9', a
 * Latin-1 directory): as text their escaped bytes became U+FFFD and matched nothing, so the
 * ignored files such a command deletes or overwrites were not captured, and no rollback could
 * give them back. Each case: real git, through the agent hook, then the command itself, then
 * `guard rollback`; compared byte for byte with the mode, and a neighbour whose name differs only
 * in the invalid byte stays as it was.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';

const SECRET = Buffer.from('SECRET=1\r\n\xe9\x00tail\n', 'latin1');
const OTHER = Buffer.from('OTHER=2\n');
/** What a person writes to the neighbour after the agent's command: a rollback must leave it (only what was captured for the command goes back). */
const EDITED = Buffer.from('OTHER=3, edited after\n');

/** The absolute name of `rel` (latin1: every char one byte) in the repository, as bytes. */
function at(t: TestRepo, rel: string): Buffer {
  return Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.from(rel, 'latin1')]);
}

function put(t: TestRepo, rel: string, content: Buffer, mode = 0o600): void {
  const file = at(t, rel);
  const slash = file.lastIndexOf(0x2f);
  fs.mkdirSync(file.subarray(0, slash), { recursive: true });
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
}

function same(t: TestRepo, rel: string, content: Buffer, mode = 0o600): void {
  expect(fs.readFileSync(at(t, rel)), rel).toEqual(content);
  expect(fs.lstatSync(at(t, rel)).mode & 0o777, rel).toBe(mode);
}

function bash(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/**
 * The agent runs `command`: the hook must allow it (after its snapshot), then it runs. Then the
 * neighbour is edited: had the snapshot captured it too (a bytewise glob matches it), the rollback
 * would write its old bytes over the edit.
 */
function agentRuns(t: TestRepo, command: string, neighbour: string): void {
  const hook = preToolHook(t, { tool: 'Bash', command });
  expect(hook.decision, hook.reason).not.toBe('deny');
  same(t, neighbour, OTHER);
  bash(t, command);
  same(t, neighbour, OTHER);
  put(t, neighbour, EDITED);
}

describe('an ignored file under a name that is not UTF-8, deleted or overwritten by an agent command', () => {
  it('find START -delete (START a Latin-1 directory): captured, rolled back byte for byte; the neighbour directory untouched', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      put(t, 'd\xe9/k.env', SECRET);
      put(t, 'd\xe8/k.env', OTHER);
      agentRuns(t, "find $'d\\xe9' -delete", 'd\xe8/k.env');
      expect(fs.existsSync(at(t, 'd\xe9'))).toBe(false);
      rollbackOk(t);
      same(t, 'd\xe9/k.env', SECRET);
      same(t, 'd\xe8/k.env', EDITED);
    });
  });

  it('find START -name PATTERN -delete', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      put(t, 'd\xe9/k.env', SECRET);
      put(t, 'd\xe8/k.env', OTHER);
      agentRuns(t, "find $'d\\xe9' -name '*.env' -delete", 'd\xe8/k.env');
      expect(fs.existsSync(at(t, 'd\xe9/k.env'))).toBe(false);
      rollbackOk(t);
      same(t, 'd\xe9/k.env', SECRET);
      same(t, 'd\xe8/k.env', EDITED);
    });
  });

  it('find . -name NAME -delete (NAME not UTF-8)', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      put(t, 'sub/k\xff.env', SECRET);
      put(t, 'sub/k\xfe.env', OTHER);
      agentRuns(t, "find . -name $'k\\xff.env' -delete", 'sub/k\xfe.env');
      expect(fs.existsSync(at(t, 'sub/k\xff.env'))).toBe(false);
      rollbackOk(t);
      same(t, 'sub/k\xff.env', SECRET);
      same(t, 'sub/k\xfe.env', EDITED);
    });
  });

  it('find . -path PATTERN -delete (the pattern narrows to a Latin-1 directory)', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      put(t, 'd\xe9/k.env', SECRET);
      put(t, 'd\xe8/k.env', OTHER);
      agentRuns(t, "find . -path $'./d\\xe9/*.env' -delete", 'd\xe8/k.env');
      expect(fs.existsSync(at(t, 'd\xe9/k.env'))).toBe(false);
      rollbackOk(t);
      same(t, 'd\xe9/k.env', SECRET);
      same(t, 'd\xe8/k.env', EDITED);
    });
  });

  it('rm with a glob under a Latin-1 directory', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      put(t, 'd\xe9/k.env', SECRET);
      put(t, 'd\xe8/k.env', OTHER);
      agentRuns(t, "rm -f $'d\\xe9'/*.env", 'd\xe8/k.env');
      expect(fs.existsSync(at(t, 'd\xe9/k.env'))).toBe(false);
      rollbackOk(t);
      same(t, 'd\xe9/k.env', SECRET);
      same(t, 'd\xe8/k.env', EDITED);
    });
  });

  it('cp -r into a Latin-1 directory over an ignored file', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n', 'src/k.env': 'NEW=1\n' });
      put(t, 'd\xe9/k.env', SECRET);
      put(t, 'd\xe8/k.env', OTHER);
      agentRuns(t, "cp -r src/. $'d\\xe9'", 'd\xe8/k.env');
      expect(fs.readFileSync(at(t, 'd\xe9/k.env'), 'utf8')).toBe('NEW=1\n');
      rollbackOk(t);
      same(t, 'd\xe9/k.env', SECRET);
      same(t, 'd\xe8/k.env', EDITED);
    });
  });

  it('git checkout REV -- a Latin-1 directory, over an ignored file that REV tracks', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      t.git(['checkout', '-q', '-b', 'other']);
      put(t, 'd\xe9/k.env', Buffer.from('TRACKED=1\n'), 0o644);
      put(t, 'd\xe8/k.env', Buffer.from('TRACKED=2\n'), 0o644);
      t.git(['add', '-f', '--', '.']);
      t.git(['commit', '-q', '-m', 'tracked env']);
      t.git(['checkout', '-q', 'main']);
      put(t, 'd\xe9/k.env', SECRET);
      put(t, 'd\xe8/k.env', OTHER);
      agentRuns(t, "git checkout other -- $'d\\xe9'", 'd\xe8/k.env');
      expect(fs.readFileSync(at(t, 'd\xe9/k.env'), 'utf8')).toBe('TRACKED=1\n');
      rollbackOk(t);
      same(t, 'd\xe9/k.env', SECRET);
      same(t, 'd\xe8/k.env', EDITED);
    });
  });

  it('git clean -fdX -- a Latin-1 directory', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '*.env\n', 'a.txt': 'a\n' });
      put(t, 'd\xe9/k.env', SECRET);
      put(t, 'd\xe8/k.env', OTHER);
      agentRuns(t, "git clean -fdX -- $'d\\xe9'", 'd\xe8/k.env');
      expect(fs.existsSync(at(t, 'd\xe9/k.env'))).toBe(false);
      rollbackOk(t);
      same(t, 'd\xe9/k.env', SECRET);
      same(t, 'd\xe8/k.env', EDITED);
    });
  });

  it('git checkout-index -f -- a file under a Latin-1 name where an ignored file stands in for its directory', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' });
      put(t, 'c\xf6nf/x', Buffer.from('tracked\n'), 0o644);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'conf']);
      t.write('.gitignore', 'c*nf\n');
      t.git(['add', '.gitignore']);
      t.git(['commit', '-q', '-m', 'ignore conf']);
      fs.rmSync(at(t, 'c\xf6nf'), { recursive: true });
      put(t, 'c\xf6nf', SECRET);
      put(t, 'c\xf5nf', OTHER);
      agentRuns(t, "git checkout-index -f -- $'c\\xf6nf/x'", 'c\xf5nf');
      same(t, 'c\xf6nf/x', Buffer.from('tracked\n'), 0o644);
      rollbackOk(t);
      same(t, 'c\xf6nf', SECRET);
      same(t, 'c\xf5nf', EDITED);
    });
  });
});
