/**
 * Two ways an ignored file (which no snapshot holds unless guard captures it first) was deleted
 * by an agent's command without a capture, so `guard rollback` could not give it back (found
 * 2026-12-06):
 *
 *  1. An ignored regular file named like regenerable output: isRegenerable matched a pattern
 *     without `/` against every path segment, so a file `obj`, `out`, `deps` ... (names that mean
 *     output DIRECTORIES in commands.regenerable) counted as output: `rm obj` was "allow no-risk".
 *     Now a pattern that names directories matches only a directory segment (src/policy/schema.ts
 *     namesDirectories); `*.pyc` and `.DS_Store` still name files.
 *  2. A deletion in a container whose mounts guard cannot read (`docker run -v "$SRC":/app alpine
 *     rm -rf /app/.env`): a snapshot of tracked and untracked files, the ignored `.env` lost. Now
 *     the repository's ignored files the container's paths may be are captured first
 *     (container-run.ts captureThroughGuessedMounts), as with `-v "$PWD":/app`.
 *
 * Rows in this process (evaluated.ts), one through check-command, and one of each run for real
 * (the container's deletion done by hand, as no docker runs here) with `guard rollback` giving
 * the file's bytes back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRegenerable } from '../../../src/git/path-facts.js';
import { DEFAULT_REGENERABLE } from '../../../src/policy/schema.js';
import { expectEvaluatedTable, evaluatedVerdict, type EvaluatedRow } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitFiles, commitForced, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const OBJ = Buffer.from('a file of data named obj\r\n\u00e9\u0000\xff\n', 'latin1');
const ENV = Buffer.from('SECRET=s3cr3t\r\n\xfe\n', 'latin1');

const template = fileTemplate((t) => {
  commitFiles(t, { '.gitignore': 'obj\nout\n.env\nconfig/*.key\ndist/\nnode_modules/\n*.pyc\n', 'src/a.ts': 'export {};\n' });
  // a branch whose tree holds obj/ as a directory: switching to it replaces the ignored file obj
  t.git(['switch', '-q', '-c', 'other']);
  commitForced(t, { 'obj/readme.md': 'tracked\n' }, 'obj as a directory');
  t.git(['switch', '-q', 'main']);
  writeFiles(t, {
    obj: [OBJ, 0o600],
    'src/out': 'data in a file named out\n',
    '.env': [ENV, 0o600],
    'config/x.key': 'KEY\n',
    'dist/app.js': 'built\n',
    'node_modules/p/index.js': 'module.exports = 1;\n',
    'x.pyc': 'compiled\n',
    'lib/obj/a.o': 'object\n',
  });
});

describe('regenerable patterns that name directories match directories only', () => {
  it('isRegenerable: a file named like an output directory is not output; *.pyc and .DS_Store name files', () => {
    const rows: Array<[string, boolean]> = [
      ['obj', false],
      ['obj/', true],
      ['lib/obj/a.o', true],
      ['src/out', false],
      ['deps', false],
      ['vendor', false],
      ['target/', true],
      ['packages/a/lib', false],
      ['packages/a/lib/', true],
      ['packages/a/lib/x.js', true],
      ['web/bin/Debug', false],
      ['web/bin/Debug/app.dll', true],
      ['x.pyc', true],
      ['a/b/.DS_Store', true],
      ['.env', false],
    ];
    expect(rows.map(([entry]) => [entry, isRegenerable(entry, DEFAULT_REGENERABLE)])).toEqual(rows);
    // A person's own name matches both, as before; with a trailing `/`, directories only (anchored at the root, as before).
    expect([isRegenerable('tmp', ['tmp']), isRegenerable('tmp', ['tmp/']), isRegenerable('tmp/', ['tmp/']), isRegenerable('tmp/x', ['tmp/'])]).toEqual([true, false, true, true]);
  });
});

describe('ignored files deleted without a capture', () => {
  it('as an agent: captured first (rows in this process, one through check-command)', async () => {
    await template.withCopy(async (t) => {
      const rows: EvaluatedRow[] = [
        // 1. a file named like output is captured; output directories and *.pyc stay free
        ['rm obj', 'snapshot', 'rm-in-repo', ['guard captures the ignored file obj']],
        ['rm -f src/out', 'snapshot', 'rm-in-repo', ['guard captures the ignored file src/out']],
        ['git clean -fx obj', 'snapshot', 'git-clean', ['obj']],
        ['rm -rf dist lib/obj', 'allow', 'no-risk'],
        // a tree git writes over it (tree-landing.ts matches the file in the way, not the path the tree adds)
        ['git switch other', 'snapshot', 'overwrite-ignored', ['obj']],
        ['rm x.pyc', 'allow', 'no-risk'],
        // 2. a container whose mounts guard cannot read: the ignored files its paths may be
        ['docker run --rm -v "$SRC":/app alpine rm -rf /app/.env', 'snapshot', 'container-unknown-mounts', ["guard captures the repository's ignored file .env"]],
        ['docker run --rm -v "$SRC":/srv/app alpine rm -f /srv/app/config/x.key', 'snapshot', 'container-unknown-mounts', ['ignored file config/x.key']],
        ["podman exec web find /app -name '*.key' -delete", 'snapshot', 'container-unknown-mounts', ['ignored file config/x.key']],
        ['docker compose -f "$F" run app rm -rf /app/.env', 'snapshot', 'container-unknown-mounts', ['ignored file .env']],
        ['docker exec -w /app web rm -rf config', 'snapshot', 'container-unknown-mounts', ['ignored file config/x.key']],
        // the mount itself deleted: every ignored file that is not regenerable output
        ['docker run --rm -v "$SRC":/app alpine rm -rf /app', 'snapshot', 'container-unknown-mounts', ['.env, config/x.key, obj and 1 more']],
        ["docker exec web sh -c 'rm -rf /app/*'", 'snapshot', 'container-unknown-mounts', ['config/x.key, obj']],
      ];
      await expectEvaluatedTable(t, rows);
      // Nothing the repository holds there: no capture named.
      expect((await evaluatedVerdict(t, 'docker exec web rm -rf /tmp/cache', { asAgent: true })).reason).not.toContain('captures');
      expect(checkVerdict(t, 'rm obj', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      // Over maxIgnoredCapture the whole mount is refused, with the way forward.
      t.write('.guard.yaml', 'version: 1\ncommands:\n  maxIgnoredCapture: 10\n');
      const over = await evaluatedVerdict(t, 'docker run --rm -v "$SRC":/app alpine rm -rf /app', { asAgent: true });
      expect(over).toMatchObject({ verdict: 'deny', rule: 'capture-too-large' });
      expect(over.instead).toContain('-v "$PWD":/app');
    });
  });

  it('run for real: rm obj, then guard rollback gives its bytes back', async () => {
    await template.withCopy((t) => {
      const hook = hookWithVerdict(t, 'rm obj', { direct: true });
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(hook.capturedIgnored).toContain('obj');
      shellOk(t, 'rm obj');
      expect(fs.existsSync(path.join(t.dir, 'obj'))).toBe(false);
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'obj'))).toEqual(OBJ);
      expect(fs.statSync(path.join(t.dir, 'obj')).mode & 0o777).toBe(0o600);
    });
  });

  it('a container with unknown mounts deletes .env (done by hand here): guard rollback gives its bytes back', async () => {
    await template.withCopy((t) => {
      const command = 'docker run --rm -v "$SRC":/app alpine rm -rf /app/.env';
      const hook = hookWithVerdict(t, command, { direct: true });
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'container-unknown-mounts' });
      expect(hook.capturedIgnored).toContain('.env');
      // What the container does through its mount of the repository.
      fs.rmSync(path.join(t.dir, '.env'));
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
    });
  });
});
