/**
 * Writers that replaced an ignored file (not regenerable output, so in no snapshot) and were not
 * judged until 2026-12-05 ("allow: no destructive command found"): `rsync FILE DIR` (only the
 * destination itself was looked at, not DIR/<name>), git's diff option `--output=FILE` (diff,
 * log, show, stash show ...), `git format-patch` (its `NNNN-<subject>.patch` files, where git runs
 * or in `-o DIR`), `zip ARCHIVE` (it rewrites an existing archive's members), `wget -r` (a tree
 * under HOST/ or -P), `cpio -i`/`-p` and `7z x` (extractions, judged as `tar -x`). Each is now
 * judged as `> file` or as an archive extracted there: the file is captured into the snapshot the
 * hook takes first and `guard rollback` gives the old bytes back. What runs here runs for real
 * after the installed Claude Code hook; what is not installed (rsync, cpio, 7z) is judged and
 * captured by the hook, its write done by hand. A writer that replaces no ignored file stays a
 * plain allow, with no git process more than before.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { withGitCount } from '../../helpers/git-trace.js';

const OLD = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');
const OLD_PATCH = 'my own notes on the init patch\n';
const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Built once (beforeAll) and copied for each test (test/helpers/repo-template.ts). */
function build(t: TestRepo): void {
  commitFiles(t, { '.gitignore': '.env\nlocal.db\n*.patch\n*.zip\nkeep/\n', 'data.txt': 'b\na\n', 'sub/keep.txt': 'k\n' }, 'init');
  writeFiles(t, { '.env': [OLD, 0o600], 'local.db': 'rows\n', '0001-init.patch': OLD_PATCH, 'keep/0001-init.patch': OLD_PATCH, 'keep/k.txt': 'old k\n', 'keep/127.0.0.1/k.txt': 'old host k\n', 'tpl/.env': 'FROM_TEMPLATE=1\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

const IGNORED = ['.env', 'local.db', '0001-init.patch', 'keep/0001-init.patch', 'keep/k.txt', 'keep/127.0.0.1/k.txt', 'backup.zip'];
const fullState = (t: TestRepo): unknown => stateWithModes(t, IGNORED.filter((f) => fs.existsSync(path.join(t.dir, f))));
const read = (t: TestRepo, file: string): Buffer => fs.readFileSync(path.join(t.dir, file));

/** Run for real after the hook: [label, command, the ignored file it replaces]. */
const RUNS: Array<[string, string, string]> = [
  ['git diff --output=', 'git diff --output=.env HEAD', '.env'],
  ['git diff --output FILE', 'git diff --output .env HEAD', '.env'],
  ['git log -p --output=', 'git log -1 -p --output=local.db', 'local.db'],
  ['git show --output=', 'git show --output=.env', '.env'],
  ['git format-patch (where git runs)', 'git format-patch -1', '0001-init.patch'],
  ['git format-patch -o DIR', 'git format-patch -1 -o keep', 'keep/0001-init.patch'],
  ['git format-patch --output-directory=DIR', 'git format-patch -1 --output-directory=keep', 'keep/0001-init.patch'],
  ['git format-patch --output=FILE', 'git format-patch -1 --output=local.db', 'local.db'],
];

describe('writers that replace an ignored file: captured first, back after a rollback', () => {
  it.each(RUNS)('%s: overwrite-ignored, the hook captures it, rollback gives the old bytes back', async (_label, command, file) => {
    await template.withCopy(async (t) => {
      const verdict = await evaluatedVerdict(t, command);
      expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(verdict.reason).toContain(`replaces the ignored file ${file}`);
      const before = fullState(t);
      const old = read(t, file);
      // The hook's answer, and what it journaled (the snapshot's rule and the ignored file it captured).
      expect(hookWithVerdict(t, command)).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: [file] });
      shellOk(t, command);
      expect(read(t, file)).not.toEqual(old);
      expect(rollbackOk(t)).toContain(file);
      expect(read(t, file)).toEqual(old);
      expect(fullState(t)).toEqual(before);
    });
  });

  it('zip ARCHIVE rewrites an existing archive (run): the old archive captured first and back', async () => {
    if (!has('zip') || !has('unzip')) return;
    await template.withCopy(async (t) => {
      shellOk(t, 'zip -q backup.zip data.txt');
      fs.writeFileSync(path.join(t.dir, 'data.txt'), 'changed\n');
      const old = read(t, 'backup.zip');
      for (const command of ['zip -q backup.zip data.txt', 'zip -qr backup data.txt', 'zip -q -O local.db new.zip data.txt']) {
        expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      }
      const before = fullState(t);
      expect(hookWithVerdict(t, 'zip -q backup.zip data.txt')).toMatchObject({ decision: 'allow', rule: 'overwrite-ignored', capturedIgnored: ['backup.zip'] });
      shellOk(t, 'zip -q backup.zip data.txt');
      expect(read(t, 'backup.zip')).not.toEqual(old);
      rollbackOk(t);
      expect(read(t, 'backup.zip')).toEqual(old);
      expect(fullState(t)).toEqual(before);
    });
  });

  it('wget -r writes under HOST:PORT/ (or -P, -nH) over what is there (run against a local server): every ignored file there captured first', async () => {
    if (!has('wget')) return;
    const server = spawn(process.execPath, ['-e', "require('http').createServer((q, s) => s.end('NEW ' + q.url + '\\n')).listen(0, '127.0.0.1', function () { console.log(this.address().port); })"], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const port = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
      await template.withCopy(async (t) => {
        // wget names the host's directory host:port for a port that is not the scheme's default.
        fs.mkdirSync(path.join(t.dir, `keep/127.0.0.1:${port}`), { recursive: true });
        fs.writeFileSync(path.join(t.dir, `keep/127.0.0.1:${port}/k.txt`), 'old port k\n');
        const command = `wget -q -r -l1 -P keep http://127.0.0.1:${port}/k.txt`;
        const verdict = await evaluatedVerdict(t, command);
        expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        expect(verdict.reason).toContain(`keep/127.0.0.1:${port}/k.txt`);
        expect(verdict.reason).not.toContain('keep/k.txt'); // only the host's directory
        // -nH: the files land in keep/ itself, so every ignored file under it counts.
        expect((await evaluatedVerdict(t, `wget -q -r -nH -P keep http://127.0.0.1:${port}/k.txt`)).reason).toContain('into keep, which holds the ignored files keep/0001-init.patch');
        const before = stateWithModes(t, [...IGNORED, `keep/127.0.0.1:${port}/k.txt`].filter((f) => fs.existsSync(path.join(t.dir, f))));
        const hook = hookWithVerdict(t, command);
        expect(hook.decision).toBe('allow');
        expect(hook.capturedIgnored).toContain(`keep/127.0.0.1:${port}/k.txt`);
        shellOk(t, command);
        expect(read(t, `keep/127.0.0.1:${port}/k.txt`).toString()).toBe('NEW /k.txt\n');
        rollbackOk(t);
        expect(read(t, `keep/127.0.0.1:${port}/k.txt`).toString()).toBe('old port k\n');
        expect(stateWithModes(t, [...IGNORED, `keep/127.0.0.1:${port}/k.txt`].filter((f) => fs.existsSync(path.join(t.dir, f))))).toEqual(before);
      });
    } finally {
      server.kill();
    }
  });

  it('rsync FILE DIR, cpio -i / -p, 7z x, 7z a (judged and captured by the hook; the write done by hand where the tool is not installed)', async () => {
    await template.withCopy(async (t) => {
      const cases: Array<[string, string[]]> = [
        ['rsync -a tpl/.env .', ['.env']],
        ['rsync tpl/.env ./', ['.env']],
        ['rsync -av tpl/.env keep/../', ['.env']],
        ['rsync -a host:conf/.env .', ['.env']],
        ['cpio -idmv < /dev/null', ['into the repository root', '.env']],
        ['cpio -i -D keep < /dev/null', ['keep/k.txt']],
        ['find . | cpio -pdm keep', ['keep/k.txt']],
        ['7z x a.7z -okeep', ['keep/k.txt']],
        ['7z x -y a.7z', ['into the repository root', '.env']],
        ['7z a local.db data.txt', ['local.db']],
        // wget's long options by unique prefix, as getopt_long takes them.
        ['wget --recur --no-host-dir -P keep http://127.0.0.1:9/', ['into keep']],
      ];
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      expect(checkVerdict(t, cases[0]![0])).toEqual(await evaluatedVerdict(t, cases[0]![0]));
      for (const [command, files] of cases) {
        const verdict = await evaluatedVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        for (const file of files) expect(verdict.reason, command).toContain(file);
      }
      const before = fullState(t);
      expect(hookWithVerdict(t, 'rsync -a tpl/.env .')).toMatchObject({ decision: 'allow', rule: 'overwrite-ignored', capturedIgnored: ['.env'] });
      if (has('rsync')) shellOk(t, 'rsync -a tpl/.env .');
      else fs.copyFileSync(path.join(t.dir, 'tpl/.env'), path.join(t.dir, '.env'));
      expect(read(t, '.env').toString()).toBe('FROM_TEMPLATE=1\n');
      rollbackOk(t);
      expect(read(t, '.env')).toEqual(OLD);
      expect(fullState(t)).toEqual(before);
    });
  });

  it('what replaces no ignored file stays a plain allow: new names, stdout, tracked files, skip/rename modes, lists', async () => {
    await template.withCopy(async (t) => {
      const plain = [
        'git diff --output=new.txt HEAD', 'git diff -- --output=.env', 'git log -1 --output=data.txt', 'git format-patch --stdout -1', 'git format-patch -1 -o sub',
        'git format-patch -1 -o newdir', 'rsync -a tpl/.env sub/', 'rsync -n tpl/.env .', 'rsync --ignore-existing tpl/.env .',
        'wget -r -nd http://127.0.0.1:9/', 'wget --recursive --no-directories -P keep http://127.0.0.1:9/', 'wget -r -nc -nH http://127.0.0.1:9/', 'wget -r -P newdir http://127.0.0.1:9/', 'wget -r http://127.0.0.1:9/',
        'cpio -it < /dev/null', 'cpio -i -D sub < /dev/null', '7z l a.7z', '7z x -aos a.7z', '7z x a.7z -osub', 'zip -qr new.zip sub', 'unzip -l x.zip',
      ];
      for (const command of plain) expect(await evaluatedVerdict(t, command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(hookWithVerdict(t, 'git format-patch -1 -o newdir')).toMatchObject({ decision: 'allow', verdict: 'allow', rule: '', capturedIgnored: [] });
    });
  });

  it('costs no git process more where nothing ignored is replaced; where one is, what `> file` costs', async () => {
    await template.withCopy(async (t) => {
      const judged = (command: string): { rule: string; processes: string } => {
        const { result, count } = withGitCount(t.base, command.replace(/[^a-z]+/g, '-'), (env) => t.guard(['check-command', '--json', command], { env }));
        return { rule: (JSON.parse(result.stdout) as { rule: string }).rule, processes: JSON.stringify(count.byCommand) };
      };
      const free = judged('git log -1');
      for (const command of ['git diff --output=new.txt', 'git format-patch -1 -o newdir', 'git format-patch -1 -o sub', 'wget -r http://127.0.0.1:9/', 'rsync tpl/.env sub/']) {
        expect(judged(command), command).toEqual(free);
      }
      const redirect = judged('echo x > .env');
      expect(redirect.rule).toBe('overwrite-ignored');
      for (const command of ['git diff --output=.env', 'git format-patch -1', 'rsync tpl/.env .', 'zip -q local.db data.txt']) expect(judged(command), command).toEqual(redirect);
    });
  });
});
