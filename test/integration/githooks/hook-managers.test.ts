/**
 * guard's entry in a hook manager's own configuration (issue 11): `guard init --yes` adds it,
 * the real manager re-installs its hooks over guard's shims, and a commit or push guard refuses
 * is still refused through the manager; a clone without guard gets a warning, not a failure;
 * `guard status` says the manager runs guard; `guard uninstall` puts the file back byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN } from '../../helpers/git-repo.js';
import { dirState, guarded, type Guarded } from './setup.js';
import { HUSKY, LEFTHOOK, managerBin, npmManagerSkip, preCommitSkip, runManager } from './real-managers.js';
import { lefthookCommand, legacyLefthookCommand } from '../../../src/githooks/managers/entry.js';
import { yamlScalar } from '../../../src/githooks/managers/yaml-insert.js';

/** husky 9's layout as husky writes it (the real program is exercised in the first test). */
function huskyLayout(repo: Guarded): void {
  repo.write('.husky/_/h', '#!/usr/bin/env sh\nn=$(basename "$0")\ns=$(dirname "$(dirname "$0")")/$n\n[ ! -f "$s" ] && exit 0\nsh -e "$s" "$@"\n', 0o755);
  for (const hook of ['pre-commit', 'pre-push', 'pre-rebase']) repo.write(`.husky/_/${hook}`, '#!/usr/bin/env sh\n. "$(dirname "$0")/h"', 0o755);
  repo.git(['config', 'core.hooksPath', '.husky/_']);
}

/** util-linux `script` gives a command a pseudo-terminal; without it the prompt cannot be answered. */
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const MARKER_ENV = (repo: Guarded): Record<string, string> => ({ MARKER: path.join(repo.base, 'marker.log') });

function ran(repo: Guarded): string[] {
  const file = path.join(repo.base, 'marker.log');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

function init(repo: Guarded, extra: string[] = []): any {
  const r = repo.guard(['init', '--yes', '--agents', 'none', '--json', ...extra], { env: MARKER_ENV(repo) });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

function isShim(file: string): boolean {
  return fs.readFileSync(file, 'utf8').includes('# git-guard hook shim');
}

/** A commit deleting a protected path is refused; the index and work tree are put back after. */
function protectedDeletionRefused(repo: Guarded): string {
  repo.git(['rm', '-q', 'migrations/001_init.sql']);
  const r = repo.run(['commit', '-q', '-m', 'drop the migration'], { env: MARKER_ENV(repo) });
  repo.git(['reset', '-q', 'HEAD', '--', 'migrations/001_init.sql']);
  repo.git(['checkout', '--', 'migrations/001_init.sql']);
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr).toContain('protected-path-delete');
  return r.stderr;
}

/** A force-push rewriting the remote's main is refused; main is put back after. */
function forcePushRefused(repo: Guarded): void {
  const tip = repo.rev('HEAD')!;
  repo.git(['commit', '-q', '--amend', '-m', 'rewritten'], { env: MARKER_ENV(repo) });
  const r = repo.run(['push', '-f', 'origin', 'main'], { env: MARKER_ENV(repo) });
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr).toContain('protected-branch-force-push');
  repo.git(['reset', '-q', '--hard', tip]);
}

function statusJson(repo: Guarded): { code: number; json: any; text: string } {
  const r = repo.guard(['status', '--json'], { env: MARKER_ENV(repo) });
  const t = repo.guard(['status'], { env: MARKER_ENV(repo) });
  return { code: r.code, json: JSON.parse(r.stdout), text: t.stdout + t.stderr };
}

describe('hook managers: guard in their own configuration survives their re-install', () => {
  const huskySkip = npmManagerSkip(HUSKY);
  it.skipIf(huskySkip !== null)(`husky 9 (${huskySkip ?? 'real husky from npm'})`, () => {
    const repo = guarded({ init: false });
    try {
      const husky = managerBin(HUSKY);
      runManager(repo, husky, []);
      expect(repo.git(['config', 'core.hooksPath']).trim()).toBe('.husky/_');
      // The team's script ends the script itself and has no final newline: guard's check must run
      // before it, and guard must not change the team's bytes.
      const team = 'echo "team pre-commit" >> "$MARKER"; exit 0';
      repo.write('.husky/pre-commit', team);
      const before = dirState(path.join(repo.dir, '.husky'), (rel) => rel === '_');

      const out = init(repo);
      expect(out.hookManagers.map((o: any) => [o.file, o.action])).toEqual([
        ['.husky/pre-commit', 'added'],
        ['.husky/pre-push', 'added'],
        ['.husky/pre-rebase', 'added'],
      ]);
      const script = repo.read('.husky/pre-commit');
      expect(script.startsWith('# git-guard:')).toBe(true);
      expect(script.endsWith(`|| exit $?\n${team}`)).toBe(true);
      // No machine-specific path in what the team commits.
      for (const f of ['pre-commit', 'pre-push', 'pre-rebase']) {
        const text = repo.read(`.husky/${f}`);
        expect(text).not.toContain(repo.base);
        expect(text).not.toContain(process.execPath);
      }

      // `npm install` runs husky again: its stubs replace guard's pre-commit, pre-push and pre-rebase.
      runManager(repo, husky, []);
      for (const hook of ['pre-commit', 'pre-push', 'pre-rebase']) expect(isShim(path.join(repo.dir, '.husky/_', hook))).toBe(false);

      // An ordinary commit and push go through.
      repo.write('src/app.js', 'console.log(2);\n');
      repo.git(['add', 'src/app.js']);
      const ok = repo.run(['commit', '-q', '-m', 'ordinary'], { env: MARKER_ENV(repo) });
      expect(ok.code, ok.stderr).toBe(0);
      // reference-transaction (no husky stub) notes the replacement, without claiming the checks are gone.
      expect(ok.stderr).toContain("guard's pre-commit pre-push pre-rebase hook(s) in .husky/_ were replaced by a hook manager; its configuration runs guard's checks instead");
      expect(ok.stderr).not.toContain('no longer run');
      expect(repo.run(['push', '-q', 'origin', 'main'], { env: MARKER_ENV(repo) }).code).toBe(0);
      // Still refused, through husky's own scripts.
      const stderr = protectedDeletionRefused(repo);
      expect(stderr).toContain('husky - pre-commit script failed');
      expect(ran(repo)).toContain('team pre-commit');
      forcePushRefused(repo);

      const s = statusJson(repo);
      expect(s.code, s.text).toBe(0);
      expect(s.json.hooks.list.find((h: any) => h.name === 'pre-commit').throughManager).toEqual({ manager: 'husky', file: '.husky/pre-commit' });
      expect(s.text).toContain("pre-commit             runs through husky: .husky/pre-commit runs guard's check");

      // A clone where guard is not set up (no launcher): a warning, and the commit goes on.
      const launcher = path.join(repo.dir, '.git/guard/git-hook.sh');
      fs.renameSync(launcher, `${launcher}.away`);
      repo.write('src/app.js', 'console.log(3);\n');
      repo.git(['add', 'src/app.js']);
      const teammate = repo.run(['commit', '-q', '-m', 'teammate'], { env: MARKER_ENV(repo) });
      expect(teammate.code, teammate.stderr).toBe(0);
      expect(teammate.stderr).toContain('git-guard is not set up in this clone, so its pre-commit check did not run (guard init sets it up)');
      // ... and status names the step for this clone.
      const degraded = statusJson(repo);
      expect(degraded.code).toBe(1);
      expect(degraded.json.fixes.find((f: any) => f.problem.startsWith('pre-commit: ')).fix).toContain('writes the launcher that .husky/pre-commit');
      fs.renameSync(`${launcher}.away`, launcher);

      const un = repo.guard(['uninstall', '--json'], { env: MARKER_ENV(repo) });
      expect(un.code, un.stderr).toBe(0);
      expect(JSON.parse(un.stdout).hookManagers.map((e: any) => [e.file, e.action])).toEqual([
        ['.husky/pre-commit', 'restored'],
        ['.husky/pre-push', 'deleted'],
        ['.husky/pre-rebase', 'deleted'],
      ]);
      expect(dirState(path.join(repo.dir, '.husky'), (rel) => rel === '_')).toEqual(before);
      expect(fs.existsSync(launcher)).toBe(false);
    } finally {
      repo.cleanup();
    }
  }, 180_000);

  it('husky: --no-hook-manager leaves the scripts alone, and status names the step', () => {
    const repo = guarded({ init: false });
    try {
      huskyLayout(repo);
      const before = dirState(path.join(repo.dir, '.husky'), (rel) => rel === '_');
      const out = init(repo, ['--no-hook-manager']);
      expect(out.hookManagers.every((o: any) => o.action === 'skipped' && o.reason === '--no-hook-manager')).toBe(true);
      expect(dirState(path.join(repo.dir, '.husky'), (rel) => rel === '_')).toEqual(before);
      const s = statusJson(repo);
      expect(s.code).toBe(0);
      expect(s.json.notes).toContain("husky: .husky/pre-commit does not run guard's pre-commit check, so the next `husky` run (npm install) replaces guard's pre-commit hook: `guard init --yes` adds guard's entry to .husky/pre-commit");
      // husky runs again: now it is a problem, and the fix is the exact step.
      for (const hook of ['pre-commit', 'pre-push', 'pre-rebase']) repo.write(`.husky/_/${hook}`, '#!/usr/bin/env sh\n. "$(dirname "$0")/h"', 0o755);
      const after = statusJson(repo);
      expect(after.code).toBe(1);
      expect(after.json.fixes.find((f: any) => f.problem.startsWith('pre-push: ')).fix).toBe("`guard init --yes` adds guard's pre-push entry to .husky/pre-push (kept when husky installs its hooks again) and chains the hooks again");
      // Without --yes and without a terminal, init asks nobody and edits nothing.
      const plain = repo.guard(['init', '--agents', 'none'], { env: MARKER_ENV(repo) });
      expect(plain.stdout).toContain('husky: .husky/pre-commit does not run guard (not confirmed (guard init --yes adds it))');
      expect(dirState(path.join(repo.dir, '.husky'), (rel) => rel === '_')).toEqual(before);
    } finally {
      repo.cleanup();
    }
  }, 120_000);

  it.skipIf(!HAS_SCRIPT)('on a terminal, init lists each file and hook before asking; "n" changes nothing, "y" adds them', () => {
    const repo = guarded({ init: false });
    try {
      huskyLayout(repo);
      repo.write('.husky/pre-commit', 'npm test\n');
      repo.write('lefthook.yml', 'pre-commit:\n  commands:\n    lint:\n      run: "true"\n');
      const before = { husky: dirState(path.join(repo.dir, '.husky'), (rel) => rel === '_'), lefthook: repo.read('lefthook.yml') };
      const onTerminal = (answer: string): string => {
        const command = [process.execPath, GUARD_BIN, 'init', '--agents', 'none'].map((a) => `'${a}'`).join(' ');
        const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repo.dir, env: repo.env, input: `${answer}\n`, encoding: 'utf8' });
        return `${r.stdout}${r.stderr}`;
      };
      const no = onTerminal('n');
      expect(no).toContain("  - add to .husky/pre-commit an entry that runs guard's pre-commit check (husky), so the next `husky` run (npm install) keeps guard's checks (--no-hook-manager skips this)");
      expect(no).toContain("  - create .husky/pre-push with an entry that runs guard's pre-push check (husky)");
      expect(no).toContain("  - add to lefthook.yml an entry that runs guard's pre-commit and pre-push check (lefthook), so the next `lefthook install` keeps guard's checks");
      expect(no).toContain('Nothing changed.');
      expect(dirState(path.join(repo.dir, '.husky'), (rel) => rel === '_')).toEqual(before.husky);
      expect(repo.read('lefthook.yml')).toBe(before.lefthook);
      const yes = onTerminal('y');
      expect(yes).toContain("husky: added guard's pre-commit check to .husky/pre-commit");
      expect(yes).toContain("lefthook: added guard's pre-commit and pre-push check to lefthook.yml");
      expect(repo.read('lefthook.yml')).toContain('git-guard:');
    } finally {
      repo.cleanup();
    }
  }, 120_000);

  it('uninstall after the team edited the file takes out guard\'s entry and keeps their edit', () => {
    const repo = guarded({ init: false });
    try {
      huskyLayout(repo);
      repo.write('.husky/pre-commit', 'npm test\n');
      repo.write('lefthook.yml', '# hooks\npre-commit:\n  commands:\n    lint:\n      run: "true"\n');
      init(repo);
      fs.appendFileSync(path.join(repo.dir, '.husky/pre-commit'), 'npm run lint\n');
      fs.appendFileSync(path.join(repo.dir, 'lefthook.yml'), 'output: [summary]\n');
      const un = repo.guard(['uninstall', '--json']);
      expect(un.code, un.stderr).toBe(0);
      const actions = Object.fromEntries(JSON.parse(un.stdout).hookManagers.map((e: any) => [e.file, e.action]));
      expect(actions).toEqual({ '.husky/pre-commit': 'removed-entry', '.husky/pre-push': 'deleted', '.husky/pre-rebase': 'deleted', 'lefthook.yml': 'removed-entry' });
      expect(repo.read('.husky/pre-commit')).toBe('npm test\nnpm run lint\n');
      expect(repo.read('lefthook.yml')).toBe('# hooks\npre-commit:\n  commands:\n    lint:\n      run: "true"\noutput: [summary]\n');
    } finally {
      repo.cleanup();
    }
  }, 120_000);

  const lefthookSkip = npmManagerSkip(LEFTHOOK);
  it.skipIf(lefthookSkip !== null)(`lefthook (${lefthookSkip ?? 'real lefthook from npm'})`, () => {
    const repo = guarded({ init: false });
    try {
      const lefthook = managerBin(LEFTHOOK);
      const config = ['# the team\'s hooks', 'pre-commit:', '  parallel: true', '  commands:', '    lint:', '      run: echo "team lint" >> "$MARKER"   # keep this comment', '', 'output: [summary]', ''].join('\n');
      repo.write('lefthook.yml', config);
      runManager(repo, lefthook, ['install']);
      const out = init(repo);
      expect(out.hookManagers).toEqual([expect.objectContaining({ manager: 'lefthook', file: 'lefthook.yml', hooks: ['pre-commit', 'pre-push'], action: 'added' })]);
      const edited = repo.read('lefthook.yml');
      expect(edited.startsWith("# the team's hooks\npre-commit:\n  parallel: true\n  commands:\n    git-guard:\n")).toBe(true);
      expect(edited).toContain('      run: echo "team lint" >> "$MARKER"   # keep this comment\n');
      expect(edited).not.toContain(repo.base);

      // lefthook install again: it writes its scripts over guard's shims (keeping them as .old, which it does not run).
      runManager(repo, lefthook, ['install']);
      for (const hook of ['pre-commit', 'pre-push']) expect(isShim(path.join(repo.dir, '.git/hooks', hook))).toBe(false);
      protectedDeletionRefused(repo);
      expect(ran(repo)).toContain('team lint');
      forcePushRefused(repo);
      // Deleting the protected branch on the remote: refused too (the pushed lines reach guard on stdin).
      const del = repo.run(['push', 'origin', ':main'], { env: MARKER_ENV(repo) });
      expect(del.code).not.toBe(0);
      expect(del.stderr).toContain('protected-branch-delete');
      // A remote path with a space reaches guard as one argument.
      const spaced = path.join(repo.base, 'other remote.git');
      repo.git(['init', '-q', '--bare', spaced]);
      const ok = repo.run(['push', '-q', spaced, 'main'], { env: MARKER_ENV(repo) });
      expect(ok.code, ok.stderr).toBe(0);
      // One with a quote, double quotes and a $ (lefthook pastes {1} {2} into the command
      // unescaped): a plain push goes through, and a force-push rewriting main is still refused.
      const quoted = path.join(repo.base, `it's "quoted" $HOME.git`);
      repo.git(['init', '-q', '--bare', quoted]);
      const okQuoted = repo.run(['push', '-q', quoted, 'main'], { env: MARKER_ENV(repo) });
      expect(okQuoted.code, okQuoted.stderr).toBe(0);
      const tip = repo.rev('HEAD')!;
      repo.git(['commit', '-q', '--amend', '-m', 'rewritten for the quoted remote']);
      const forced = repo.run(['push', '-f', quoted, 'main'], { env: MARKER_ENV(repo) });
      repo.git(['reset', '-q', '--hard', tip]);
      expect(forced.code, forced.stderr).not.toBe(0);
      expect(forced.stderr).toContain('protected-branch-force-push');
      // guard got the remote exactly (pasted into '{1}' it came out as ".../its" and the rest
      // spilled into other words; a URL holding `'; cmd; '` would have run cmd).
      expect(forced.stderr).toContain(`on ${quoted} `);

      const s = statusJson(repo);
      expect(s.code, s.text).toBe(0);
      expect(s.json.hookManagers[0].files[0].runsGuard).toEqual(['pre-commit', 'pre-push']);

      const un = repo.guard(['uninstall'], { env: MARKER_ENV(repo) });
      expect(un.code, un.stderr).toBe(0);
      expect(repo.read('lefthook.yml')).toBe(config);
    } finally {
      repo.cleanup();
    }
  }, 180_000);

  it.skipIf(lefthookSkip !== null)(`lefthook: init rewrites an entry an older guard wrote with '{1}' (${lefthookSkip ?? 'real lefthook from npm'})`, () => {
    const repo = guarded({ init: false });
    try {
      const lefthook = managerBin(LEFTHOOK);
      const config = 'pre-commit:\n  commands:\n    lint:\n      run: echo "team lint" >> "$MARKER"\n';
      repo.write('lefthook.yml', config);
      runManager(repo, lefthook, ['install']);
      init(repo);
      // What an older guard wrote, in the file and in its record of the edit.
      const now = `run: ${yamlScalar(lefthookCommand('pre-push'))}`;
      const legacy = `run: ${yamlScalar(legacyLefthookCommand('pre-push'))}`;
      const recordFile = path.join(repo.dir, '.git/guard/hook-managers.json');
      const older = repo.read('lefthook.yml').split(now).join(legacy);
      expect(older).toContain("'{1}' '{2}'");
      repo.write('lefthook.yml', older);
      const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
      record.edits[0].snippets = record.edits[0].snippets.map((t: string) => t.split(now).join(legacy));
      record.edits[0].afterSha256 = createHash('sha256').update(Buffer.from(older)).digest('hex');
      fs.writeFileSync(recordFile, JSON.stringify(record));

      const again = init(repo);
      expect(again.hookManagers).toEqual([expect.objectContaining({ manager: 'lefthook', file: 'lefthook.yml', hooks: [], rewritten: ['pre-push'], action: 'added' })]);
      expect(repo.read('lefthook.yml')).toBe(older.split(legacy).join(now));
      runManager(repo, lefthook, ['install']);
      const quoted = path.join(repo.base, `it's "quoted".git`);
      repo.git(['init', '-q', '--bare', quoted]);
      expect(repo.run(['push', '-q', quoted, 'main'], { env: MARKER_ENV(repo) }).code).toBe(0);
      const tip = repo.rev('HEAD')!;
      repo.git(['commit', '-q', '--amend', '-m', 'rewritten']);
      const forced = repo.run(['push', '-f', quoted, 'main'], { env: MARKER_ENV(repo) });
      repo.git(['reset', '-q', '--hard', tip]);
      expect(forced.stderr).toContain(`protected-branch-force-push`);
      expect(forced.stderr).toContain(`on ${quoted} `);
      // Nothing else to rewrite now; uninstall still gives the team's file back byte for byte.
      expect(init(repo).hookManagers).toEqual([expect.objectContaining({ action: 'present' })]);
      expect(repo.guard(['uninstall']).code).toBe(0);
      expect(repo.read('lefthook.yml')).toBe(config);
    } finally {
      repo.cleanup();
    }
  }, 180_000);

  const frameworkSkip = preCommitSkip();
  it.skipIf(frameworkSkip !== null)(`pre-commit, the framework (${frameworkSkip ?? 'the system pre-commit program'})`, () => {
    const repo = guarded({ init: false });
    try {
      const config = ['# checks for everyone', 'repos:', '-   repo: local', '    hooks:', '    -   id: team', '        name: team check', '        entry: sh -c \'echo "team check" >> "$MARKER"\'', '        language: system', '        pass_filenames: false', '        always_run: true', ''].join('\n');
      repo.write('.pre-commit-config.yaml', config);
      runManager(repo, 'pre-commit', ['install']);
      const out = init(repo);
      expect(out.hookManagers).toEqual([expect.objectContaining({ manager: 'pre-commit', file: '.pre-commit-config.yaml', hooks: ['pre-commit'], action: 'added' })]);
      expect(repo.read('.pre-commit-config.yaml')).toContain('-   repo: local\n    hooks:\n    -   id: team\n');
      // `pre-commit install -f` overwrites guard's shim and deletes what it would have run as .legacy.
      runManager(repo, 'pre-commit', ['install', '-f']);
      expect(isShim(path.join(repo.dir, '.git/hooks/pre-commit'))).toBe(false);
      expect(fs.existsSync(path.join(repo.dir, '.git/hooks/pre-commit.legacy'))).toBe(false);
      protectedDeletionRefused(repo);
      expect(ran(repo)).toContain('team check');

      const s = statusJson(repo);
      expect(s.code, s.text).toBe(0);
      expect(s.json.hooks.list.find((h: any) => h.name === 'pre-commit').throughManager).toEqual({ manager: 'pre-commit', file: '.pre-commit-config.yaml' });

      const un = repo.guard(['uninstall'], { env: MARKER_ENV(repo) });
      expect(un.code, un.stderr).toBe(0);
      expect(repo.read('.pre-commit-config.yaml')).toBe(config);
    } finally {
      repo.cleanup();
    }
  }, 180_000);

  // The reference-transaction shim reads the manager's configuration without parsing it: a guard
  // entry someone commented out does not run, so the replaced hook is reported as gone.
  it('reference-transaction: a commented-out guard entry in the configuration does not count', () => {
    const repo = guarded();
    try {
      const hooks = path.join(repo.dir, '.git', 'hooks');
      repo.write('lefthook.yml', "pre-commit:\n  commands:\n#    git-guard:\n#      run: sh -c 'h=$(git rev-parse --git-common-dir)/guard/git-hook.sh' git-guard pre-commit\n");
      fs.mkdirSync(path.join(repo.dir, '.git/guard/managed-hooks'), { recursive: true });
      fs.writeFileSync(path.join(repo.dir, '.git/guard/managed-hooks/pre-commit'), '#!/bin/sh\n');
      fs.writeFileSync(path.join(repo.dir, '.git/guard/managed-hooks/pre-commit.from'), 'lefthook.yml\n');
      fs.writeFileSync(path.join(hooks, 'pre-commit'), '#!/bin/sh\n# the manager\'s own hook\nexit 0\n', { mode: 0o755 });
      repo.write('src/app.js', 'console.log(4);\n');
      repo.git(['add', 'src/app.js', 'lefthook.yml']);
      const r = repo.run(['commit', '-q', '-m', 'after the manager'], { env: MARKER_ENV(repo) });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("guard's pre-commit hook(s) in");
      expect(r.stderr).toContain('so their checks no longer run');
      expect(r.stderr).not.toContain("its configuration runs guard's checks instead");
    } finally {
      repo.cleanup();
    }
  });

  // Per hook, not per file: lefthook.yml runs guard's pre-commit check only, so pre-push, replaced
  // too and naming the same file, is gone; and the file is read once for both.
  it('reference-transaction: an entry covers only the hook it runs guard for; the configuration is read once', () => {
    const repo = guarded();
    try {
      const hooks = path.join(repo.dir, '.git', 'hooks');
      const entry = "sh -c 'h=$(git rev-parse --git-common-dir 2>/dev/null)/guard/git-hook.sh && [ -f \"$h\" ] && exec sh \"$h\" \"$@\"' git-guard";
      repo.write('lefthook.yml', `pre-commit:\n  commands:\n    git-guard:\n      run: ${entry} pre-commit\npre-push:\n  commands:\n    lint:\n      run: echo git-guard pre-push is not here\n`);
      fs.mkdirSync(path.join(repo.dir, '.git/guard/managed-hooks'), { recursive: true });
      for (const hook of ['pre-commit', 'pre-push']) {
        fs.writeFileSync(path.join(repo.dir, '.git/guard/managed-hooks', hook), '#!/bin/sh\n');
        fs.writeFileSync(path.join(repo.dir, '.git/guard/managed-hooks', `${hook}.from`), 'lefthook.yml\n');
        fs.writeFileSync(path.join(hooks, hook), "#!/bin/sh\n# the manager's own hook\nexit 0\n", { mode: 0o755 });
      }
      repo.write('src/app.js', 'console.log(5);\n');
      repo.git(['add', 'src/app.js', 'lefthook.yml']);
      const trace = path.join(repo.base, 'trace');
      const traced = HAS_STRACE ? ['strace', '-f', '-qq', '-e', 'trace=openat,open,execve', '-o', trace, 'git'] : ['git'];
      const r = spawnSync(traced[0]!, [...traced.slice(1), 'commit', '-q', '-m', 'after the manager'], { cwd: repo.dir, env: { ...repo.env, ...MARKER_ENV(repo) }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain("guard's pre-push hook(s) in");
      expect(r.stderr).toContain('so their checks no longer run');
      expect(r.stderr).toContain("guard's pre-commit hook(s) in");
      expect(r.stderr).toContain("its configuration runs guard's checks instead");
      if (HAS_STRACE) {
        // Opens by the reference-transaction hook's processes (git itself reads the staged file too).
        const lines = fs.readFileSync(trace, 'utf8').split('\n');
        const hookPids = new Set(lines.filter((l) => /execve\("[^"]*hooks\/reference-transaction"/.test(l)).map((l) => l.split(' ')[0]));
        const opens = lines.filter((l) => hookPids.has(l.split(' ')[0]) && l.includes('"lefthook.yml"') && !l.includes('ENOENT'));
        // Once in the whole run (only `committed` looks), though two replaced hooks name the file.
        // git 2.39 runs the hook twice for a commit (prepared, committed); newer git (2.47) three
        // times more, for the AUTO_MERGE it removes (aborted, prepared, committed).
        expect(hookPids.size).toBeGreaterThanOrEqual(2);
        expect(opens).toHaveLength(1);
      }
    } finally {
      repo.cleanup();
    }
  });
});

/** strace counts how often the hook opens a file; without it that part is left out. */
const HAS_STRACE = spawnSync('strace', ['-qq', '-e', 'trace=none', 'true'], { encoding: 'utf8' }).status === 0;
