/**
 * Holes found by the hunt of 2026-12-04, each run through the installed agent hook in a hermetic
 * repository and compared byte for byte (files with modes and ignored files, index, HEAD, refs,
 * stash):
 *
 *  - `git stash -u` over an untracked file larger than snapshot.maxFileSize: the entry was made,
 *    no snapshot held the file, and a later `guard rollback` dropped the entry. Now denied,
 *    naming the file, its size and the limit, as `git clean` and `git stash -a` are.
 *  - A recursive copy or an archive extracted over an ignored file that is not regenerable
 *    output (`cp -r tpl/. .`, `rsync -a tpl/ ./`, `tar xf`, `unzip -o`) captured nothing, where
 *    `cp tpl/.env.local .` did (overwrite-ignored). Now the snapshot taken first captures what
 *    lands on such files (for an archive, every such file where it extracts), `guard rollback`
 *    gives the old bytes back and `--undo` the new ones; a new or empty directory, a place
 *    outside the repository and regenerable output stay free.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastPathAllows } from '../../../src/policy/command/fast-path.js';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { captureState, stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const OLD = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');
const HAS_ZIP = spawnSync('sh', ['-c', 'command -v zip && command -v unzip']).status === 0;

/** The state with the modes of the captured files, which captureState reads as the exec bit only. */
const fullState = (t: TestRepo): unknown => stateWithModes(t, ['.env.local', 'conf/x.local']);

describe('git stash -u over an untracked file larger than snapshot.maxFileSize', () => {
  it('is denied with the file, its size, the limit and the way forward; a narrower stash or none of -u stays allowed', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.guard.yaml': 'snapshot:\n  maxFileSize: 1MB\n', '.gitignore': '*.local\n', 'sub/a.txt': 'a\n' });
      writeFiles(t, { 'big.bin': Buffer.alloc(2 * 1024 * 1024, 7), 'sub/small.txt': 'small\n' });
      for (const command of ['git stash -u', 'git stash push --include-untracked', 'git stash save -u wip', 'cd sub && git stash push -u']) {
        const verdict = checkVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'deny', rule: 'untracked-too-large' });
        expect(verdict.reason).toContain('big.bin (2.0 MB)');
        expect(verdict.reason).toContain('snapshot.maxFileSize (1.0 MB)');
        expect(verdict.instead).toContain('git stash without -u');
      }
      for (const command of ['git stash', 'git stash push -u -- sub', 'git stash list']) expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'allow' });
      const before = captureState(t);
      const hook = agentVerdict(t, 'git stash -u');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('big.bin');
      // Nothing ran: the file is where it was, and no entry was made.
      expect(captureState(t)).toEqual(before);
    });
  });
});

/** A template tracked in tpl/, ignored local files in the working tree, archives of the template outside it. */
function setup(t: TestRepo): { tar: string; zip: string } {
  // The template's files have ignored names: added with -f.
  writeFiles(t, { '.gitignore': 'node_modules/\nbuild/\n*.local\n', 'src/app.ts': 'export {};\n', 'tpl/.env.local': 'TEMPLATE=1\n', 'tpl/conf/x.local': 'template: true\n', 'tpl/src/app.ts': 'export const fromTemplate = 1;\n' });
  t.git(['add', '-A', '-f']);
  t.git(['commit', '-q', '-m', 'init']);
  writeFiles(t, { '.env.local': [OLD, 0o600], 'conf/x.local': ['local: true\n', 0o640], 'other.local': 'not in the template\n', 'build/out.js': 'built\n', 'node_modules/pkg/index.js': 'module.exports = 1;\n' });
  fs.mkdirSync(path.join(t.dir, 'empty'));
  const tar = path.join(t.base, 'tpl.tar');
  const zip = path.join(t.base, 'tpl.zip');
  shellOk(t, `tar cf '${tar}' .env.local conf src`, path.join(t.dir, 'tpl'));
  if (HAS_ZIP) shellOk(t, `zip -qr '${zip}' .env.local conf src`, path.join(t.dir, 'tpl'));
  return { tar, zip };
}

const OVERLAYS = ['cp -r tpl/. .', 'tar xf ../tpl.tar', ...(HAS_ZIP ? ['unzip -oq ../tpl.zip'] : [])];

describe('a tree copied or extracted over ignored files captures them first', () => {
  it.each(OVERLAYS)('%s: overwrite-ignored, rollback gives the old bytes back, --undo the new ones', async (command) => {
    await withTestRepo((t) => {
      setup(t);
      const verdict = checkVerdict(t, command);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(verdict.reason).toContain('.env.local');
      expect(verdict.reason).toContain('conf/x.local');
      // The copies name only what lands; an archive, whose members guard does not list, names everything where it lands.
      if (command.startsWith('cp')) expect(verdict.reason).not.toContain('other.local');
      const before = fullState(t);
      expect(agentVerdict(t, command).decision).toBe('allow');
      shellOk(t, command);
      expect(t.read('.env.local')).toBe('TEMPLATE=1\n');
      const after = fullState(t);
      const out = rollbackOk(t);
      expect(out).toContain('.env.local');
      expect(fs.readFileSync(path.join(t.dir, '.env.local'))).toEqual(OLD);
      expect(fullState(t)).toEqual(before);
      undoOk(t);
      expect(fullState(t)).toEqual(after);
    });
  });

  it('judges where the tree lands: into a directory named after the source, -C, -d; over the capture limit it is denied', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('dst/tpl/.env.local', 'DST\n');
      const expectations: Array<[string, string, string]> = [
        ['cp -a tpl/. ./', 'overwrite-ignored', 'conf/x.local'],
        ['cp -R tpl/ dst/', 'overwrite-ignored', 'dst/tpl/.env.local'],
        ['cp -r tpl dst', 'overwrite-ignored', 'dst/tpl/.env.local'],
        ['cp -rT tpl .', 'overwrite-ignored', 'conf/x.local'],
        ['rsync -a tpl/ ./', 'overwrite-ignored', 'conf/x.local'],
        ['rsync -av tpl dst/', 'overwrite-ignored', 'dst/tpl/.env.local'],
        ['tar -xzf ../tpl.tar -C dst', 'overwrite-ignored', 'dst/tpl/.env.local'],
        ['tar --extract --file=../tpl.tar --directory=conf', 'overwrite-ignored', 'conf/x.local'],
        // A zip's members are read: its .env.local lands on dst/tpl/.env.local only when extracted there.
        ['unzip -o ../tpl.zip -d dst/tpl', 'overwrite-ignored', 'dst/tpl/.env.local'],
      ];
      for (const [command, rule, named] of expectations) {
        const verdict = checkVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule });
        expect(verdict.reason, command).toContain(named);
      }
      // Extracted into dst, the zip's members replace nothing there (dst/tpl/.env.local is no member's path).
      expect(checkVerdict(t, 'unzip -o ../tpl.zip -d dst')).toMatchObject({ verdict: 'allow' });
      t.write('.guard.yaml', 'commands:\n  maxIgnoredCapture: 10\n');
      const over = checkVerdict(t, 'tar xf ../tpl.tar');
      expect(over).toMatchObject({ verdict: 'deny', rule: 'capture-too-large' });
      expect(over.reason).toContain('replaces');
      expect(over.instead).toContain('new or empty directory');
    });
  });

  it("the agent hook's shell fast path hands extractions to the full check (it cannot see where they land)", () => {
    for (const command of ['tar xf x.tar', 'gtar -xzf x.tgz', 'bsdtar -xf x.tar', 'unzip -o x.zip']) expect(fastPathAllows(command), command).toBe(false);
  });

  it('a new path, an empty or outside directory, regenerable output, no-clobber, listing and creating stay free', async () => {
    await withTestRepo((t) => {
      setup(t);
      fs.mkdirSync(path.join(t.dir, 'public'));
      t.write('public/index.html', '<p>\n');
      for (const command of [
        'cp -r tpl newdir',
        'cp -r public dist',
        'cp -rn tpl/. .',
        'cp -r --update=none tpl/. .',
        'rsync -a src/ build/',
        'rsync -a --ignore-existing tpl/ ./',
        'tar xf ../tpl.tar -C empty',
        'tar xzf ../node-v20.tar.gz -C /tmp',
        'tar -xkf ../tpl.tar',
        'tar xOf ../tpl.tar .env.local',
        'tar tf ../tpl.tar',
        'tar czf ../src.tgz src',
        'unzip -l ../tpl.zip',
        'unzip -n ../tpl.zip',
        'unzip -o ../tpl.zip -d /tmp/artifact',
      ]) {
        expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
    });
  });
});
