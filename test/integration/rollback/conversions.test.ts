/**
 * Rollback, `--undo` and recover give back the exact bytes of files git converts on the way in
 * and out (core.autocrlf, `text`/`eol` attributes, `ident`, clean/smudge filters): the snapshot
 * keeps their raw bytes beside its tree (src/snapshot/raw-files.ts) and the restore writes them
 * after git's checkout (src/restore/raw-restore.ts). Bytes are compared, and `git status
 * --porcelain=v2` before and after, so the index's stat data must fit the written bytes too.
 * A repository with no conversion keeps no raw tree and starts no process for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { traceEnv } from '../../helpers/git-trace.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { decodeMessage, type SnapshotMeta } from '../../../src/snapshot/format.js';
import { openRepo } from '../../../src/git/repo.js';
import { gitPath } from '../../../src/git/path.js';
import { undoStep } from '../../../src/restore/undo-step.js';
import type { Step } from '../../../src/session/timeline.js';
import { realBackupPush } from '../../helpers/env.js';

type Files = Record<string, Buffer | string>;

function bytesOf(repo: TestRepo, files: string[]): Record<string, string> {
  // Hex, so a failure shows exactly which bytes differ (a CR is easy to miss in text).
  return Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(repo.dir, f)).toString('hex')]));
}

function writeAll(repo: TestRepo, files: Files): void {
  for (const [f, content] of Object.entries(files)) repo.write(f, content);
}

function status(repo: TestRepo): string {
  return repo.git(['status', '--porcelain=v2']);
}

/**
 * `git status --porcelain=v2` without the entries git lists only for their stale size: with
 * autocrlf=input a CRLF file over an LF blob stays " M" (git trusts a size change without
 * reading the file) until the index's stat data is fresh, while `git diff` shows nothing. After
 * a rollback the stat data is fresh, so such an entry is gone; its content is the same.
 */
function contentStatus(repo: TestRepo): string {
  return status(repo)
    .split('\n')
    .filter((line) => !(line.startsWith('1 .M ') && repo.git(['diff', '--', line.split(' ').slice(8).join(' ')]) === ''))
    .join('\n');
}

function meta(repo: TestRepo, oid: string): SnapshotMeta {
  return decodeMessage(repo.git(['log', '-1', '--format=%B', oid]))!;
}

/** The paths a snapshot kept raw bytes for (none: []). */
function rawPaths(repo: TestRepo, oid: string): string[] {
  const m = meta(repo, oid);
  if (!m.rawFiles) return [];
  return repo.git(['ls-tree', '-r', '-z', '--name-only', m.rawFiles.tree]).split('\0').filter(Boolean);
}

function snapshot(repo: TestRepo): string {
  return json(repo, ['snapshot']).oid as string;
}

function ok(r: { code: number; stdout: string; stderr: string }, what: string): void {
  expect(r.code, `${what}: ${r.stdout}${r.stderr}`).toBe(0);
}

/**
 * `then` at a snapshot, `now` written over it; rollback to the snapshot gives `then` back byte
 * for byte with the same `git status`, and `--undo` gives `now` back the same way.
 */
function rollbackAndUndo(repo: TestRepo, then: Files, now: Files, expectRaw: string[], statusOf: (repo: TestRepo) => string = status): void {
  writeAll(repo, then);
  const names = Object.keys(then);
  const thenBytes = bytesOf(repo, names);
  const thenStatus = statusOf(repo);
  const target = snapshot(repo);
  expect(rawPaths(repo, target)).toEqual(expectRaw);

  writeAll(repo, now);
  const nowBytes = bytesOf(repo, names);
  const nowStatus = statusOf(repo);

  ok(repo.guard(['rollback', target, '--yes']), 'rollback');
  expect(bytesOf(repo, names)).toEqual(thenBytes);
  expect(statusOf(repo)).toBe(thenStatus);

  ok(repo.guard(['rollback', '--undo', '--yes']), 'rollback --undo');
  expect(bytesOf(repo, names)).toEqual(nowBytes);
  expect(statusOf(repo)).toBe(nowStatus);
}

function commitAll(repo: TestRepo, files: Files, message = 'base'): void {
  writeAll(repo, files);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', message]);
}

describe('rollback gives back the bytes of files git converts', () => {
  it('core.autocrlf=true: an LF-only file (tracked, modified) and a mixed-ending untracked file', () =>
    withTestRepo(async (repo) => {
      repo.git(['config', 'core.autocrlf', 'true']);
      commitAll(repo, { 'lf.txt': 'a\r\nb\r\n', 'same.txt': 'kept\r\n' });
      rollbackAndUndo(
        repo,
        // crlf.txt round-trips (git's checkout writes CRLF): no raw bytes for it.
        { 'lf.txt': 'lf\nonly\n', 'mixed.txt': 'mixed\r\nend\n', 'crlf.txt': 'fine\r\n' },
        { 'lf.txt': 'changed\r\n', 'mixed.txt': 'other\nlines\r\n', 'crlf.txt': 'also\r\n' },
        ['lf.txt', 'mixed.txt'],
      );
    }));

  it('core.autocrlf=input: a CRLF file, also after `git add` made git see it unchanged', () =>
    withTestRepo(async (repo) => {
      repo.git(['config', 'core.autocrlf', 'input']);
      commitAll(repo, { 'a.txt': 'x\ny\n', 'b.txt': 'b\n' });
      // The same blob as the index either way: only the raw bytes tell the two states apart.
      rollbackAndUndo(repo, { 'a.txt': 'x\r\ny\r\n' }, { 'a.txt': 'x\ny\n' }, ['a.txt'], contentStatus);

      // Staged: git calls the file unchanged now, yet a snapshot keeps its CRLF (the previous
      // snapshot kept it raw, so this one checks it again).
      repo.write('a.txt', 'x\r\ny\r\n');
      expect(rawPaths(repo, snapshot(repo))).toEqual(['a.txt']);
      repo.git(['add', 'a.txt']);
      expect(status(repo)).not.toContain('a.txt');
      const staged = snapshot(repo);
      expect(rawPaths(repo, staged)).toEqual(['a.txt']);
      repo.write('a.txt', 'x\ny\n');
      repo.write('b.txt', 'b2\n');
      ok(repo.guard(['rollback', staged, '--yes']), 'rollback');
      expect(bytesOf(repo, ['a.txt', 'b.txt'])).toEqual({ 'a.txt': Buffer.from('x\r\ny\r\n').toString('hex'), 'b.txt': Buffer.from('b\n').toString('hex') });
      expect(status(repo)).toBe('');
    }));

  it('a `* text eol=crlf` attribute: an LF file', () =>
    withTestRepo(async (repo) => {
      commitAll(repo, { '.gitattributes': '* text eol=crlf\n', 'doc.txt': 'one\r\n' });
      rollbackAndUndo(repo, { 'doc.txt': 'lf\nonly\n', 'new.txt': 'two\r\n' }, { 'doc.txt': 'other\r\n', 'new.txt': 'three\n' }, ['doc.txt']);
    }));

  it('an `ident` file holding a literal $Id$', () =>
    withTestRepo(async (repo) => {
      commitAll(repo, { '.gitattributes': '*.c ident\n', 'main.c': '/* $Id$ */\n' });
      // git's checkout expands $Id$ to $Id: <blob id> $; the file held the bare keyword.
      rollbackAndUndo(repo, { 'main.c': '/* $Id$ */\nint x;\n' }, { 'main.c': '/* $Id$ */\nint y;\n' }, ['main.c']);
    }));

  it('a clean/smudge filter that is not its own inverse', () =>
    withTestRepo(async (repo) => {
      // clean upper-cases, smudge passes through: the checkout of "hello" is "HELLO".
      repo.git(['config', 'filter.shout.clean', 'tr a-z A-Z']);
      repo.git(['config', 'filter.shout.smudge', 'cat']);
      commitAll(repo, { '.gitattributes': '*.up filter=shout\n', 'a.up': 'BASE\n', 'plain.txt': 'plain\n' });
      rollbackAndUndo(
        repo,
        { 'a.up': 'hello there\n', 'new.up': 'new\n', 'UPPER.up': 'ALREADY\n', 'plain.txt': 'p1\r\n' },
        { 'a.up': 'bye\n', 'new.up': 'newer\n', 'UPPER.up': 'CHANGED\n', 'plain.txt': 'p2\n' },
        // UPPER.up and plain.txt come back from git's checkout as they were: no raw bytes.
        ['a.up', 'new.up'],
      );
    }));

  it('a smudge filter that fails does not fail the snapshot: the converted files keep their raw bytes', () =>
    withTestRepo(async (repo) => {
      repo.git(['config', 'filter.broken.clean', 'cat']);
      repo.git(['config', 'filter.broken.smudge', 'false']);
      repo.git(['config', 'filter.broken.required', 'true']);
      commitAll(repo, { '.gitattributes': '*.b filter=broken\n', 'x.b': 'one\n', 'y.txt': 'plain\n' });
      writeAll(repo, { 'x.b': 'two\n', 'y.txt': 'plain too\n' });
      expect(rawPaths(repo, snapshot(repo))).toEqual(['x.b']);
    }));

  it('a files-only rollback (--paths) writes the raw bytes of the paths it restores, and leaves the others', () =>
    withTestRepo(async (repo) => {
      repo.git(['config', 'core.autocrlf', 'true']);
      commitAll(repo, { 'a.txt': 'a\r\n', 'b.txt': 'b\r\n' });
      writeAll(repo, { 'a.txt': 'a lf\n', 'b.txt': 'b lf\n' });
      const target = snapshot(repo);
      writeAll(repo, { 'a.txt': 'a now\n', 'b.txt': 'b now\n' });
      ok(repo.guard(['rollback', target, '--paths', 'a.txt', '--yes']), 'rollback --paths');
      expect(bytesOf(repo, ['a.txt', 'b.txt'])).toEqual({ 'a.txt': Buffer.from('a lf\n').toString('hex'), 'b.txt': Buffer.from('b now\n').toString('hex') });
    }));

  it('guard undo STEP puts a reverted file back with the raw bytes it had before the step', () =>
    withTestRepo(async (repo) => {
      repo.git(['config', 'core.autocrlf', 'true']);
      commitAll(repo, { 'a.txt': 'a\r\n', 'b.txt': 'b\r\n' });
      writeAll(repo, { 'a.txt': 'before lf\n', 'b.txt': 'b before\n' });
      const before = snapshot(repo);
      const beforeBytes = bytesOf(repo, ['a.txt', 'b.txt']);
      // The step: a.txt as git would write it (no raw bytes now), b.txt another LF file.
      writeAll(repo, { 'a.txt': 'after\r\n', 'b.txt': 'b after\n' });
      const after = snapshot(repo);
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const files = ['a.txt', 'b.txt'].map((p) => ({ path: p, bytes: gitPath(p), status: 'modified' as const }));
      const step = { id: 's:1', n: 1, session: 's', before, after, files, refs: [], head: null, capturedIgnored: [], events: [] } as unknown as Step;
      const result = await undoStep(r, step, { confirm: async () => true });
      expect(result.applied).toBe(true);
      expect(bytesOf(repo, ['a.txt', 'b.txt'])).toEqual(beforeBytes);
    }));

  // A path is bytes: cat-file reads one name per line (and drops a trailing CR), so names with a
  // line break are looked up by reading their directories by id, and git's checkout of them is
  // asked for one by one (`cat-file --filters --path`).
  it('names with a line break or a CR, in the name and in a directory: autocrlf=true and an eol=crlf attribute', () =>
    withTestRepo(async (repo) => {
      repo.git(['config', 'core.autocrlf', 'true']);
      commitAll(repo, { '.gitattributes': '*.crlf text eol=crlf\n', 'line\nbreak.txt': 'a\r\nb\r\n', 'dir\nx/inner.txt': 'c\r\n', 'cr\rname.txt': 'd\r\n', 'plain.txt': 'p\r\n' });
      rollbackAndUndo(
        repo,
        // ok\nname.txt round-trips (git's checkout writes CRLF): no raw bytes for it. same\nblob.txt
        // is the same blob both times: --undo writes git's checkout of it where the raw bytes were.
        { 'line\nbreak.txt': 'lf\nonly\n', 'dir\nx/inner.txt': 'mixed\r\nend\n', 'cr\rname.txt': 'lf\n', 'new\nfile.crlf': 'one\ntwo\n', 'plain.txt': 'plain\n', 'ok\nname.txt': 'fine\r\n', 'same\nblob.txt': 'q\n' },
        { 'line\nbreak.txt': 'changed\r\n', 'dir\nx/inner.txt': 'other\r\n', 'cr\rname.txt': 'x\r\n', 'new\nfile.crlf': 'three\r\n', 'plain.txt': 'p2\r\n', 'ok\nname.txt': 'also\r\n', 'same\nblob.txt': 'q\r\n' },
        ['cr\rname.txt', 'dir\nx/inner.txt', 'line\nbreak.txt', 'new\nfile.crlf', 'plain.txt', 'same\nblob.txt'],
      );
    }));

  it('recover after rm -rf .git writes the raw bytes too', () =>
    withTestRepo(async (repo) => {
      // recover reads the backup: this repository pushes after each snapshot, as the product does.
      realBackupPush(repo);
      repo.git(['config', 'core.autocrlf', 'true']);
      commitAll(repo, { 'lf.txt': 'a\r\n', 'kept.txt': 'k\r\n' });
      ok(repo.guard(['init', '--yes', '--agents', 'none']), 'guard init');
      writeAll(repo, { 'lf.txt': 'lf\nonly\n', 'mixed.txt': 'mixed\r\nend\n' });
      const names = ['lf.txt', 'kept.txt', 'mixed.txt'];
      const before = bytesOf(repo, names);
      const beforeStatus = status(repo);
      const snap = snapshot(repo);
      // guard init's .guard.yaml is an untracked LF file too.
      expect(rawPaths(repo, snap)).toEqual(['.guard.yaml', 'lf.txt', 'mixed.txt']);
      expect(json(repo, ['backup', 'push']).local.ok).toBe(true);
      await waitForBackgroundPush(repo);
      fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
      for (const f of names) repo.remove(f);
      ok(repo.guard(['recover', '--yes']), 'recover');
      expect(bytesOf(repo, names)).toEqual(before);
      expect(status(repo)).toBe(beforeStatus);
    }));
});

describe('a repository without conversions', () => {
  /** Every git process a command started, with its argv. */
  function processes(repo: TestRepo, args: string[]): string[][] {
    const file = path.join(repo.base, `trace-${Date.now()}-${Math.random()}.json`);
    ok(repo.guard(args, { env: traceEnv(file) }), args.join(' '));
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    fs.rmSync(file, { force: true });
    return text
      .split('\n')
      .filter((l) => l.includes('"event":"start"'))
      .map((l) => (JSON.parse(l) as { argv: string[] }).argv);
  }
  const rawWork = (argv: string[]): boolean => argv.includes('check-attr') || argv.includes('--filters') || (argv.includes('ls-tree') && argv.includes('--full-tree'));

  it('keeps no raw tree and starts no git process for it, also with a .gitattributes that converts nothing', () =>
    withTestRepo(async (repo) => {
      commitAll(repo, { '.gitattributes': '*.png binary\n*.md linguist-documentation -text\n', 'a.txt': 'a\n', 'sub/.gitattributes': '*.bin -diff\n' });
      // Bytes that a conversion would change, were there one.
      writeAll(repo, { 'a.txt': 'crlf\r\nand lf\n', 'new.txt': 'x\r\n' });
      const first = processes(repo, ['snapshot']);
      expect(first.filter(rawWork)).toEqual([]);
      const head = repo.git(['rev-parse', 'refs/guard/main/head']).trim();
      expect(meta(repo, head).rawFiles).toBeUndefined();
      // W's parents: the previous snapshot, I and K; no R.
      expect(repo.git(['log', '-1', '--format=%P', head]).trim().split(' ')).toHaveLength(3);
      repo.write('a.txt', 'again\r\n');
      expect(processes(repo, ['snapshot']).filter(rawWork)).toEqual([]);
      // The same scenario with a conversion in effect does that work, in one process per step.
      repo.git(['config', 'core.autocrlf', 'true']);
      repo.write('a.txt', 'lf now\n');
      for (let i = 0; i < 20; i++) repo.write(`many/f${i}.txt`, `line ${i}\n`);
      const converting = processes(repo, ['snapshot']);
      expect(converting.filter((a) => a.includes('check-attr'))).toHaveLength(1);
      expect(converting.filter((a) => a.includes('--filters'))).toHaveLength(1);
      expect(rawPaths(repo, repo.git(['rev-parse', 'refs/guard/main/head']).trim())).toEqual(['a.txt', ...Array.from({ length: 20 }, (_, i) => `many/f${i}.txt`).sort()]);
      // Nothing changed since: the scan memo knows R too, and nothing is asked again. (Once the
      // files are older than the memo's racy window, RACY_MS: a snapshot right after a write does
      // not let the memo vouch for them, src/snapshot/create.ts.)
      await new Promise((resolve) => setTimeout(resolve, 2100));
      processes(repo, ['snapshot']);
      expect(processes(repo, ['snapshot']).filter(rawWork)).toEqual([]);
    }));
  it("LF-only attributes (vite's `* text=auto eol=lf`): changed files without a CR cost no git process; a CRLF file is kept exact", () =>
    withTestRepo(async (repo) => {
      commitAll(repo, { '.gitattributes': '* text=auto eol=lf\n*.sh text eol=lf\n[attr]lfonly text crlf\n*.bat lfonly !eol\n', 'a.txt': 'a\n', 'b.txt': 'b\n' });
      writeAll(repo, { 'a.txt': 'a changed\n', 'new.txt': 'new\n' });
      expect(processes(repo, ['snapshot']).filter(rawWork)).toEqual([]);
      expect(meta(repo, repo.git(['rev-parse', 'refs/guard/main/head']).trim()).rawFiles).toBeUndefined();
      // A CR byte: git's clean turns CRLF into LF, so that file's raw bytes are kept, and
      // rollback and --undo give them back.
      rollbackAndUndo(repo, { 'b.txt': 'windows\r\nfile\r\n', 'a.txt': 'plain\n' }, { 'b.txt': 'b\n', 'a.txt': 'other\n' }, ['b.txt'], contentStatus);
      // core.eol=crlf makes git's checkout write CRLF where no eol attribute says otherwise (the
      // *.bat files: `text` through a macro): then an LF file needs its raw bytes too.
      repo.git(['config', 'core.eol', 'crlf']);
      rollbackAndUndo(repo, { 'a.txt': 'lf only\n', 'c.bat': 'echo lf\n' }, { 'a.txt': 'x\n', 'c.bat': 'y\n' }, ['c.bat'], contentStatus);
    }));
  it("git's old `crlf` attribute (text under another name): a CRLF file is kept exact", () =>
    withTestRepo(async (repo) => {
      commitAll(repo, { '.gitattributes': '*.old crlf\n', 'x.old': 'x\n' });
      rollbackAndUndo(repo, { 'x.old': 'dos\r\nfile\r\n' }, { 'x.old': 'unix\n' }, ['x.old'], contentStatus);
    }));
});
