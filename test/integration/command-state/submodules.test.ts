/**
 * A snapshot records a submodule as its commit (the gitlink), never its files: what deletes or
 * discards a checked-out submodule's working tree, or the files of a nested repository, cannot
 * be undone by a rollback, so the command guard denies it (rule other-repository) instead of
 * promising "snapshot first, undo with guard rollback". Found by playing an agent session on a
 * superproject whose submodule held uncommitted work and an unpushed commit: `rm -rf sub` was
 * let through as undoable, and the rollback brought back an empty directory. Except a
 * submodule's ignored, regenerable build output, which is rebuilt as this repository's dist is
 * (friction hunt on wabt: `rm -rf third_party/ply/build` was denied). And `git submodule deinit`
 * or `git rm` without --force of a clean submodule, which git lets delete its whole working tree,
 * ignored files and all: denied where those are not regenerable output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict } from '../../helpers/evaluated.js';
import { rollbackOk, snapshotId } from '../../helpers/guard-steps.js';
import { shellOk } from '../../helpers/repo-steps.js';
import { captureState } from '../../helpers/state.js';
import { addSubmodule } from '../../helpers/fixtures.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { countGitProcesses, traceEnv, tracedArgv } from '../../helpers/git-trace.js';

/** git processes of `guard check-command 'rm -rf dist'` over ignored dist/ at the root (as before the submodule case). */
const ROOT_DIST_PROCESSES = 2;

/**
 * A superproject with the submodule `vendor/lib` (local edits, an untracked file) and the nested
 * repository `nest`. Built once per file (nine tests each built it), copied per test.
 */
function build(t: TestRepo): void {
  t.write('top.txt', 'top\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'top']);
  addSubmodule(t, 'vendor/lib');
  // The committed .gitmodules names the origin relative to the superproject (git resolves it
  // against the superproject's own directory where it has no remote), as it would name a
  // sibling: an absolute path there is rewritten in each copy (repo-template.ts), which leaves
  // .gitmodules modified against HEAD and makes git rm refuse.
  t.git(['config', '-f', '.gitmodules', 'submodule.vendor/lib.url', '../lib-origin']);
  t.git(['commit', '-q', '--amend', '--no-edit', '--', '.gitmodules']);
  t.write('vendor/lib/lib.txt', 'library\nlocal edit\n');
  t.write('vendor/lib/notes.txt', 'untracked in the submodule\n');
  t.git(['init', '-q', 'nest']);
  t.write('nest/src/a.c', 'int a;\n');
}

const template = fileTemplate(build);

describe('deleting what belongs to another repository inside this one', () => {
  it('denies rm of a checked-out submodule, of a directory holding one, and of files inside a submodule or a nested repository', async () => {
    await template.withCopy(async (t) => {
      for (const command of ['rm -rf vendor/lib', 'rm -rf vendor', 'rm -rf vendor/lib/lib.txt', 'rm vendor/lib/notes.txt', 'cd vendor/lib && rm -f lib.txt', 'rm -rf nest/src', 'rm nest/src/a.c']) {
        expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: 'deny', rule: 'other-repository' });
      }
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib')).reason).toContain('the submodule vendor/lib');
      expect((await evaluatedVerdict(t, 'rm nest/src/a.c')).reason).toContain('inside nest, another git repository');
      // The nested repository itself keeps its own rule; this repository's files are snapshotted.
      expect((await evaluatedVerdict(t, 'rm -rf nest'))).toMatchObject({ verdict: 'deny', rule: 'git-dir-write' });
      expect((await evaluatedVerdict(t, 'rm top.txt'))).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it('denies git rm -f of a checked-out submodule or of a directory holding one (git deletes its working tree, changes and all); a snapshot stays for files of this repository', async () => {
    await template.withCopy(async (t) => {
      for (const command of ['git rm -f vendor/lib', 'git rm -rf vendor', 'git rm -f vendor/lib/', 'cd vendor && git rm -rf lib', 'git rm -f top.txt vendor/lib']) {
        expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: 'deny', rule: 'other-repository' });
      }
      expect((await evaluatedVerdict(t, 'git rm -f vendor/lib')).reason).toContain('the submodule vendor/lib');
      expect((await evaluatedVerdict(t, 'git rm -f top.txt'))).toMatchObject({ verdict: 'snapshot', rule: 'git-rm-force' });
      expect((await evaluatedVerdict(t, 'git rm -f --cached vendor/lib'))).toMatchObject({ verdict: 'allow' });
      // The premise, with real git: the submodule's edit and untracked file are gone, only its git dir stays.
      t.git(['rm', '-q', '-f', 'vendor/lib']);
      expect([t.exists('vendor/lib/lib.txt'), t.exists('vendor/lib/notes.txt'), fs.existsSync(path.join(t.dir, '.git/modules/vendor/lib'))]).toEqual([false, false, true]);
    });
  });

  it('a submodule that is not checked out (deinit: an empty directory) is only its gitlink, which a snapshot holds', async () => {
    await template.withCopy(async (t) => {
      t.git(['submodule', 'deinit', '-q', '-f', 'vendor/lib']);
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib'))).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it('denies discards that recurse into submodules, and lets plain ones and updates through', async () => {
    await template.withCopy(async (t) => {
      for (const command of ['git submodule update --force', 'git reset --hard --recurse-submodules', 'git -c submodule.recurse=true reset --hard', 'git checkout -f --recurse-submodules main']) {
        expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: 'deny', rule: 'other-repository' });
      }
      expect((await evaluatedVerdict(t, 'git reset --hard'))).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      expect((await evaluatedVerdict(t, 'git submodule update --init --recursive'))).toMatchObject({ verdict: 'allow' });
    });
  });

  it('`git submodule foreach` with a discard: the reason names the submodules it runs in, not the superproject (jq: "in <superproject>, in a directory guard does not protect")', async () => {
    await template.withCopy(async (t) => {
      const root = fs.realpathSync(t.dir);
      for (const [command, rule, what] of [
        ['git submodule foreach git clean -xdf', 'git-clean-ignored', 'git clean -x'],
        ['git submodule foreach --recursive git reset --hard', 'git-reset-hard', 'git reset --hard'],
        ['git submodule foreach git checkout .', 'git-checkout-discard', 'git checkout .'],
        ["git submodule foreach 'rm -rf build'", 'rm-outside-repo', 'rm deletes build in each submodule'],
      ] as const) {
        const verdict = await evaluatedVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'deny', rule });
        expect(verdict.reason, command).toContain(what);
        expect(verdict.reason, command).toContain(`each submodule of ${root} (\`git submodule foreach\` runs it there)`);
        expect(verdict.reason, command).not.toContain('a directory guard does not protect');
        expect(verdict.reason, command).not.toContain(`${root}/build`);
      }
      // through the installed hook: the way forward names the submodules' own stash
      const hook = agentVerdict(t, 'git submodule foreach git clean -xdf');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('each submodule of');
      expect(hook.reason).toContain('git submodule foreach git stash -u');
      // a path named with -C is that directory's, as before
      expect((await evaluatedVerdict(t, "git submodule foreach 'git -C /tmp/x reset --hard'", { asAgent: true })).reason).toContain('in /tmp/x, in a directory guard does not protect');
      expect(await evaluatedVerdict(t, 'git submodule foreach git stash -u', { asAgent: true })).toMatchObject({ verdict: 'allow' });
    });
  });
});

/** `guard check-command` on COMMAND, with the git processes it started (git's trace2 events). */
function traced(t: TestRepo, command: string): { verdict: string; rule: string; total: number; argv: string[][] } {
  const trace = path.join(t.base, `trace-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const r = t.guard(['check-command', '--json', command], { env: traceEnv(trace) });
  expect([0, 3], r.stderr).toContain(r.code);
  const { verdict, rule } = JSON.parse(r.stdout) as { verdict: string; rule: string };
  return { verdict, rule, total: countGitProcesses(trace).total, argv: tracedArgv(trace) };
}

describe('a submodule\'s ignored, regenerable build output', () => {
  it('rm -rf of it is allowed, as this repository\'s own dist is; denied where the submodule tracks a file there, holds an untracked file its rules do not ignore, or the output is not regenerable', async () => {
    await template.withCopy(async (t) => {
      // The submodule's own ignore rules (its info/exclude), none of the superproject's.
      const exclude = path.resolve(t.dir, 'vendor/lib', t.git(['-C', 'vendor/lib', 'rev-parse', '--git-path', 'info/exclude']).trim());
      fs.mkdirSync(path.dirname(exclude), { recursive: true });
      fs.appendFileSync(exclude, 'build/\ndata/\n*.o\n');
      t.write('vendor/lib/build/out.o', 'obj\n');
      t.write('vendor/lib/build/gen/lex.c', 'generated\n');
      t.write('vendor/lib/data/set.csv', 'not rebuilt\n');
      t.write('.gitignore', 'dist/\n');
      t.write('dist/app.js', 'built\n');
      for (const [command, cwd] of [['rm -rf vendor/lib/build', undefined], ['rm -rf vendor/lib/build/gen', undefined], ['rm -rf build', 'vendor/lib']] as const) {
        expect({ command, ...(await evaluatedVerdict(t, command, cwd ? { cwd: path.join(t.dir, cwd) } : {})) }).toMatchObject({ command, verdict: 'allow', rule: 'no-risk' });
      }
      // Ignored there but not regenerable: no snapshot holds it.
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib/data'))).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
      // The submodule's own files next to the output, and the output with a protected path named in it.
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib/build vendor/lib/lib.txt'))).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
      // What it costs: one ls-files in the submodule, over the target only; the root's dist as before.
      const sub = traced(t, 'rm -rf vendor/lib/build');
      expect(sub.argv.filter((argv) => argv[1] === 'ls-files' && argv.includes(':(literal)build'))).toHaveLength(1);
      const dist = traced(t, 'rm -rf dist');
      expect({ verdict: dist.verdict, total: dist.total }).toEqual({ verdict: 'allow', total: ROOT_DIST_PROCESSES });
      expect(sub.total).toBe(dist.total + 2);
      // An untracked file the submodule's rules do not ignore, under build/ (its rules now *.o and build/gen/ only).
      fs.writeFileSync(exclude, 'data/\n*.o\nbuild/gen/\n');
      t.write('vendor/lib/build/notes.txt', 'mine\n');
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib/build'))).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
      expect((await evaluatedVerdict(t, 'rm -f vendor/lib/build/out.o'))).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      fs.rmSync(path.join(t.dir, 'vendor/lib/build/notes.txt'));
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib/build'))).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // A file the submodule tracks under build/ (force-added over its ignore rule).
      fs.appendFileSync(exclude, 'build/\n');
      t.write('vendor/lib/build/keep.o', 'kept\n');
      t.git(['-C', 'vendor/lib', 'add', '-f', 'build/keep.o']);
      t.git(['-C', 'vendor/lib', 'commit', '-q', '-m', 'keep']);
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib/build'))).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib/build/gen'))).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // The premise, with real git: the output goes and the submodule's work stays as it was.
      const before = t.git(['-C', 'vendor/lib', 'status', '--porcelain=v2', '-z', '--untracked-files=all']);
      fs.rmSync(path.join(t.dir, 'vendor/lib/build/gen'), { recursive: true });
      expect(t.git(['-C', 'vendor/lib', 'status', '--porcelain=v2', '-z', '--untracked-files=all'])).toBe(before);
    });
  });

  it('only what lies inside the submodule is matched against commands.regenerable: one under deps/ (a regenerable name) is not output as a whole', async () => {
    await withTestRepo(async (t) => {
      t.write('top.txt', 'top\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'top']);
      addSubmodule(t, 'deps/ext');
      const exclude = path.resolve(t.dir, 'deps/ext', t.git(['-C', 'deps/ext', 'rev-parse', '--git-path', 'info/exclude']).trim());
      fs.mkdirSync(path.dirname(exclude), { recursive: true });
      fs.appendFileSync(exclude, 'conf/\nbuild/\n');
      t.write('deps/ext/conf/local.ini', 'mine\n');
      t.write('deps/ext/build/out.o', 'obj\n');
      expect((await evaluatedVerdict(t, 'rm -rf deps/ext/conf'))).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
      expect((await evaluatedVerdict(t, 'rm -rf deps/ext/build'))).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
    });
  });

  it('a protected path named inside it still denies', async () => {
    await template.withCopy(async (t) => {
      t.write('.guard.yaml', 'version: 1\nprotect:\n  paths:\n    - "vendor/lib/build/keys/**"\n');
      const exclude = path.resolve(t.dir, 'vendor/lib', t.git(['-C', 'vendor/lib', 'rev-parse', '--git-path', 'info/exclude']).trim());
      fs.mkdirSync(path.dirname(exclude), { recursive: true });
      fs.appendFileSync(exclude, 'build/\n');
      t.write('vendor/lib/build/keys/k.pem', 'key\n');
      expect((await evaluatedVerdict(t, 'rm -rf vendor/lib/build'))).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
    });
  });
});

describe('git run inside a submodule or a nested repository', () => {
  it('guard check-command run inside a submodule judges as the installed hook does: in the guarded superproject (jq\'s vendor/oniguruma said "snapshot")', async () => {
    await template.withCopy(async (t) => {
      const sub = path.join(t.dir, 'vendor/lib');
      const guarded = fs.existsSync(path.join(t.dir, '.git/guard/agent-hook.sh'));
      if (!guarded) {
        // guard set up nowhere: the submodule is judged as its own repository, as before
        expect(checkVerdict(t, 'git reset --hard', { asAgent: true, cwd: sub })).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
        const init = t.guard(['init', '--yes', '--agents', 'claude']);
        expect(init.code, init.stderr).toBe(0);
      }
      for (const command of ['git reset --hard', 'git clean -fdx']) {
        const v = checkVerdict(t, command, { asAgent: true, cwd: sub });
        expect(v, command).toMatchObject({ verdict: 'deny' });
        expect(v.reason, command).toContain('another git repository inside this one');
      }
      expect(checkVerdict(t, 'git status', { asAgent: true, cwd: sub })).toMatchObject({ verdict: 'allow' });
    });
  });

  it('works on that repository, which no snapshot holds: denied instead of snapshotted', async () => {
    await template.withCopy(async (t) => {
      for (const command of ['git -C vendor/lib reset --hard', 'cd vendor/lib && git reset --hard', 'cd vendor/lib && git clean -fd', 'cd nest/src && git checkout -- .', 'git -C nest stash drop']) {
        expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: 'deny' });
      }
      expect((await evaluatedVerdict(t, 'git -C vendor/lib reset --hard')).reason).toContain('another git repository inside this one');
      // This repository's own subdirectories are this repository.
      t.write('src/x.ts', 'x\n');
      expect((await evaluatedVerdict(t, 'cd src && git reset --hard'))).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      expect((await evaluatedVerdict(t, 'cd vendor/lib && git status'))).toMatchObject({ verdict: 'allow' });
    });
  });
});

describe('submodule.recurse set in git\'s configuration, not on the command line', () => {
  it('makes a plain discard recurse into the submodules: denied like --recurse-submodules; unset, the verdict as before', async () => {
    await template.withCopy(async (t) => {
      const discards = ['git reset --hard', 'git checkout -f', 'git checkout -- .', 'git switch --discard-changes main', 'git restore .'];
      // Unset: a snapshot first, as before (the discard leaves the submodules alone).
      for (const command of discards) expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: 'snapshot' });
      t.git(['config', 'submodule.recurse', 'true']);
      for (const command of discards) {
        expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: 'deny', rule: 'other-repository' });
      }
      const denied = (await evaluatedVerdict(t, 'git reset --hard'));
      expect(denied.reason).toContain('submodule.recurse is true');
      expect(denied.reason).toContain('--no-recurse-submodules');
      // .gitmodules deleted from the working tree: git reads it from the index and still recurses.
      fs.rmSync(path.join(t.dir, '.gitmodules'));
      expect((await evaluatedVerdict(t, 'git reset --hard'))).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
      t.git(['checkout', '--', '.gitmodules']);
      // The command line still decides over the configuration.
      expect((await evaluatedVerdict(t, 'git reset --hard --no-recurse-submodules'))).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      expect((await evaluatedVerdict(t, 'git -c submodule.recurse=false reset --hard'))).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      // What the deny rests on: with the config set, git's plain reset --hard discards the
      // submodule's uncommitted edit, which a snapshot could not bring back.
      t.git(['reset', '-q', '--hard']);
      expect(fs.readFileSync(path.join(t.dir, 'vendor/lib/lib.txt'), 'utf8')).toBe('library\n');
      t.git(['config', '--unset', 'submodule.recurse']);
      expect((await evaluatedVerdict(t, 'git reset --hard'))).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
    });
  });

  it('in a repository without submodules the setting changes nothing', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.git(['config', 'submodule.recurse', 'true']);
      expect((await evaluatedVerdict(t, 'git reset --hard'))).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
    });
  });
});

/** Appends ignore rules to the info/exclude of the repository checked out at `at` (its own rules, none of the superproject's). */
function excludeIn(t: TestRepo, at: string, rules: string): void {
  const exclude = path.resolve(t.dir, at, t.git(['-C', at, 'rev-parse', '--git-path', 'info/exclude']).trim());
  fs.mkdirSync(path.dirname(exclude), { recursive: true });
  fs.appendFileSync(exclude, rules);
}

/** A superproject with the clean submodule `vendor/lib` holding ignored .env, local.db (not output) and build/out.o (output). */
function cleanSubmodule(t: TestRepo): string {
  t.write('top.txt', 'top\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'top']);
  const origin = addSubmodule(t, 'vendor/lib');
  excludeIn(t, 'vendor/lib', '.env\n*.db\nbuild/\n');
  t.write('vendor/lib/.env', 'TOKEN=secret\n');
  t.write('vendor/lib/local.db', 'rows\n');
  t.write('vendor/lib/build/out.o', 'obj\n');
  return origin;
}

/** Every file the state holds except those under `dir/`. */
function without(state: ReturnType<typeof captureState>, dir: string): ReturnType<typeof captureState> {
  return { ...state, files: Object.fromEntries(Object.entries(state.files).filter(([file]) => !file.startsWith(`${dir}/`))) };
}

describe('git submodule deinit and git rm of a clean submodule delete its ignored files with its working tree', () => {
  it('denied, the files named, where the submodule holds ignored files that are not regenerable; git rm --cached, -n, mv and update stay allowed', async () => {
    await withTestRepo(async (t) => {
      cleanSubmodule(t);
      const removing = ['git submodule deinit vendor/lib', 'git submodule deinit --all', 'git submodule deinit .', 'git submodule --quiet deinit -- vendor', 'cd vendor && git submodule deinit lib', 'git rm vendor/lib', 'git rm -q vendor/lib/', 'git rm -r vendor', "git rm -r 'vendor/*'", 'git add -A && git rm vendor/lib && git commit -m drop'];
      for (const command of removing) {
        const hook = agentVerdict(t, command);
        expect({ command, decision: hook.decision }).toEqual({ command, decision: 'deny' });
        expect(hook.reason).toContain('vendor/lib/.env, vendor/lib/local.db');
        expect(hook.reason).not.toContain('build');
        expect(hook.reason).toContain('Move the named files out of the submodule first');
        expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: 'deny', rule: 'git-submodule-remove-ignored' });
      }
      // These keep the submodule's files (checked below with real git for rm --cached and mv).
      for (const command of ['git rm --cached vendor/lib', 'git rm -n vendor/lib', 'git rm top.txt', 'git submodule update --checkout', 'git submodule deinit', 'git submodule status']) {
        expect({ command, ...(await evaluatedVerdict(t, command)) }).toMatchObject({ command, verdict: expect.stringMatching(/^(allow|snapshot)$/) });
      }
      // The premise, with real git 2.39: the submodule is clean, so git deletes its tree, ignored files too.
      expect(t.git(['-C', 'vendor/lib', 'status', '--porcelain'])).toBe('');
      t.git(['submodule', 'deinit', '-q', 'vendor/lib']);
      expect([t.exists('vendor/lib/.env'), t.exists('vendor/lib/local.db'), t.exists('vendor/lib/lib.txt'), fs.readdirSync(path.join(t.dir, 'vendor/lib'))]).toEqual([false, false, false, []]);
      t.git(['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init', '--', 'vendor/lib']);
      t.write('vendor/lib/.env', 'TOKEN=secret\n');
      t.git(['rm', '-q', 'vendor/lib']);
      expect(t.exists('vendor/lib/.env')).toBe(false);
      // git rm --cached and git mv leave them where they are.
      t.git(['reset', '-q', '--hard']);
      t.git(['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init', '--', 'vendor/lib']);
      t.write('vendor/lib/.env', 'TOKEN=secret\n');
      t.git(['mv', 'vendor/lib', 'vendor/lib2']);
      expect(t.read('vendor/lib2/.env')).toBe('TOKEN=secret\n');
      t.git(['rm', '-q', '--cached', 'vendor/lib2']);
      expect(t.read('vendor/lib2/.env')).toBe('TOKEN=secret\n');
    });
  });

  it('allowed where the submodule holds no ignored files or only regenerable output; run, rolled back, and the plan\'s update gives back every file but the output', async () => {
    await withTestRepo(async (t) => {
      const origin = cleanSubmodule(t);
      t.remove('vendor/lib/.env');
      t.remove('vendor/lib/local.db');
      // A second one with no ignored file at all. It also keeps .gitmodules from being emptied by
      // git rm, which in an agent session guard's watcher restores (a protected path, emptied).
      t.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', origin, 'deps/ext']);
      t.git(['commit', '-q', '-m', 'ext']);
      for (const command of ['git submodule deinit vendor/lib', 'git submodule deinit --all', 'git rm vendor/lib', 'git rm -r vendor']) {
        t.write('vendor/lib/build/out.o', 'obj\n');
        const before = without(captureState(t), 'vendor/lib/build');
        const id = snapshotId(t);
        expect({ command, ...agentVerdict(t, command) }).toMatchObject({ command, decision: 'allow' });
        shellOk(t, command);
        expect(fs.readdirSync(path.join(t.dir, 'vendor')).flatMap((d) => fs.readdirSync(path.join(t.dir, 'vendor', d)))).toEqual([]);
        rollbackOk(t, id);
        t.git(['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init']);
        expect({ command, ...captureState(t) }).toEqual({ command, ...before });
      }
    });
  });

  it('counts commands.regenerable from the submodule\'s root: at deps/ext its ignored conf/ is not output, its build/ is', async () => {
    await withTestRepo(async (t) => {
      t.write('top.txt', 'top\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'top']);
      addSubmodule(t, 'deps/ext');
      excludeIn(t, 'deps/ext', 'conf/\nbuild/\n');
      t.write('deps/ext/build/out.o', 'obj\n');
      expect((await evaluatedVerdict(t, 'git submodule deinit deps/ext'))).toMatchObject({ verdict: 'allow' });
      t.write('deps/ext/conf/local.ini', 'mine\n');
      const denied = (await evaluatedVerdict(t, 'git submodule deinit deps/ext'));
      expect(denied).toMatchObject({ verdict: 'deny', rule: 'git-submodule-remove-ignored' });
      expect(denied.reason).toContain('the submodule deps/ext');
      expect(denied.reason).toMatch(/: deps\/ext\/conf\/$/);
    });
  });

  it('a submodule of the submodule goes with it: its ignored files are named too', async () => {
    await withTestRepo(async (t) => {
      t.write('top.txt', 'top\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'top']);
      const origin = addSubmodule(t, 'vendor/lib');
      t.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', origin, 'inner'], { cwd: path.join(t.dir, 'vendor/lib') });
      t.git(['commit', '-q', '-m', 'inner'], { cwd: path.join(t.dir, 'vendor/lib') });
      t.git(['add', 'vendor/lib']);
      t.git(['commit', '-q', '-m', 'nested']);
      excludeIn(t, 'vendor/lib/inner', '.env\n');
      t.write('vendor/lib/inner/.env', 'TOKEN=inner\n');
      const denied = (await evaluatedVerdict(t, 'git submodule deinit vendor/lib'));
      expect(denied).toMatchObject({ verdict: 'deny', rule: 'git-submodule-remove-ignored' });
      expect(denied.reason).toContain('the submodule vendor/lib once');
      expect(denied.reason).toContain('vendor/lib/inner/.env');
      // The premise: git finds the two clean and deletes both trees.
      t.git(['submodule', 'deinit', '-q', 'vendor/lib']);
      expect(t.exists('vendor/lib/inner/.env')).toBe(false);
    });
  });

  it('costs one git process per checked-out submodule, only for these commands; git rm of a file, none', async () => {
    await withTestRepo(async (t) => {
      const origin = cleanSubmodule(t);
      t.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', origin, 'deps/ext']);
      t.git(['commit', '-q', '-m', 'ext']);
      const inSubmodule = (argv: string[][]): number => argv.filter((a) => a[1] === 'ls-files' && a.includes('--ignored') && !a.includes('--')).length;
      const one = traced(t, 'git submodule deinit vendor/lib');
      expect({ verdict: one.verdict, inSubmodule: inSubmodule(one.argv), stage: one.argv.filter((a) => a.includes('--stage')).length }).toEqual({ verdict: 'deny', inSubmodule: 1, stage: 1 });
      const all = traced(t, 'git submodule deinit --all');
      expect({ verdict: all.verdict, inSubmodule: inSubmodule(all.argv), total: all.total }).toEqual({ verdict: 'deny', inSubmodule: 2, total: one.total + 1 });
      // A file, by name: one lstat says it is no directory, so no submodule; no git process for it.
      const file = traced(t, 'git rm top.txt');
      expect({ verdict: file.verdict, listings: file.argv.filter((a) => a[1] === 'ls-files').length }).toEqual({ verdict: 'allow', listings: 0 });
      const plain = traced(t, 'git status');
      expect(file.total).toBe(plain.total);
    });
  });
});

/**
 * Found by the friction hunt on jqlang/jq (vendor/oniguruma, clean): `git submodule update --init
 * --recursive --force` and `git clean -xdff` were refused by their text alone. --force throws
 * away only the submodules' uncommitted work, and -ff takes only untracked (or, with -x, ignored)
 * nested repositories, never a registered submodule: both are judged by what git says is there.
 */
describe('git submodule update --force and git clean -ff over clean submodules', () => {
  it('update --force is refused only where a reached submodule holds uncommitted changes or untracked files; clean or not initialised, it runs as a plain update', async () => {
    await withTestRepo(async (t) => {
      t.write('top.txt', 'top\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'top']);
      addSubmodule(t, 'vendor/lib');
      const force = 'git submodule update --init --recursive --force';
      expect(await evaluatedVerdict(t, force)).toMatchObject({ verdict: 'allow' });
      // through the installed hook, as an agent runs it
      expect(agentVerdict(t, force).decision).not.toBe('deny');
      // An ignored file in the submodule is no work --force takes (a plain update overwrites one in the way too).
      excludeIn(t, 'vendor/lib', '.env\n');
      t.write('vendor/lib/.env', 'TOKEN=1\n');
      expect(await evaluatedVerdict(t, force)).toMatchObject({ verdict: 'allow' });
      t.write('vendor/lib/lib.txt', 'library\nlocal edit\n');
      for (const command of [force, 'git submodule update -f', 'git submodule update --force -- vendor/lib', 'cd vendor && git submodule update --force']) {
        const verdict = await evaluatedVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
        expect(verdict.reason, command).toContain('vendor/lib');
      }
      expect(agentVerdict(t, force).decision).toBe('deny');
      // A pathspec that reaches no dirty submodule: nothing of it to lose.
      expect(await evaluatedVerdict(t, 'git submodule update --force -- top.txt')).toMatchObject({ verdict: 'allow' });
      // The premise, with real git: the edit is gone, the ignored file stays.
      t.git(['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--force']);
      expect([t.read('vendor/lib/lib.txt'), t.read('vendor/lib/.env')]).toEqual(['library\n', 'TOKEN=1\n']);
      // An untracked file in the submodule: refused too.
      t.write('vendor/lib/notes.txt', 'mine\n');
      expect(await evaluatedVerdict(t, force)).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
      fs.rmSync(path.join(t.dir, 'vendor/lib/notes.txt'));
      // Not initialised: the update only fills it.
      t.git(['submodule', 'deinit', '-q', '-f', 'vendor/lib']);
      expect(await evaluatedVerdict(t, force)).toMatchObject({ verdict: 'allow' });
      // Unknown options or words guard cannot see: refused by the text, as before.
      expect(await evaluatedVerdict(t, 'git submodule update --force --frobnicate')).toMatchObject({ verdict: 'deny', rule: 'other-repository' });
    });
  });

  it('update --force costs one git status, asked only with --force', async () => {
    await withTestRepo(async (t) => {
      t.write('top.txt', 'top\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'top']);
      addSubmodule(t, 'vendor/lib');
      const plain = traced(t, 'git submodule update --init --recursive');
      const force = traced(t, 'git submodule update --init --recursive --force');
      const statuses = (argv: string[][]): number => argv.filter((a) => a[1] === 'status').length;
      // guard's one status in the superproject, and git's own one in the checked-out submodule.
      expect({ plain: statuses(plain.argv), force: statuses(force.argv), more: force.total - plain.total }).toEqual({ plain: 0, force: 2, more: 2 });
    });
  });

  it('clean -ff is refused only where git lists an untracked or ignored nested repository it takes; a submodule, checked out or not, dirty or not, is not one', async () => {
    await template.withCopy(async (t) => {
      // The template's submodule vendor/lib holds an edit and an untracked file; nest/ is an untracked nested repository.
      for (const command of ['git clean -xdff', 'git clean -ffd', 'git clean -ffd nest']) {
        const verdict = await evaluatedVerdict(t, command);
        expect(verdict, command).toMatchObject({ verdict: 'deny', rule: 'git-clean-nested' });
        expect(verdict.reason, command).toContain('deletes nest,');
        expect(verdict.reason, command).not.toContain('vendor');
      }
      expect(agentVerdict(t, 'git clean -xdff').decision).toBe('deny');
      // Outside nest: nothing nested is taken.
      expect((await evaluatedVerdict(t, 'git clean -ffdx vendor')).verdict).not.toBe('deny');
      expect((await evaluatedVerdict(t, 'git clean -ff')).verdict).not.toBe('deny');
      // The premise, with real git: -ff takes nest, leaves the dirty submodule as it was.
      const before = [t.read('vendor/lib/lib.txt'), t.read('vendor/lib/notes.txt')];
      t.git(['clean', '-q', '-ffdx']);
      expect([t.exists('nest'), t.read('vendor/lib/lib.txt'), t.read('vendor/lib/notes.txt')]).toEqual([false, ...before]);
      for (const command of ['git clean -xdff', 'git clean -ffd']) expect((await evaluatedVerdict(t, command)).verdict, command).not.toBe('deny');
      expect(agentVerdict(t, 'git clean -xdff').decision).not.toBe('deny');
      // An ignored nested repository: taken by -ffx, not by -ffd (which leaves ignored files).
      excludeIn(t, '.', 'cache/\n');
      t.git(['init', '-q', 'cache/deep/repo']);
      const ignored = await evaluatedVerdict(t, 'git clean -ffdx');
      expect(ignored).toMatchObject({ verdict: 'deny', rule: 'git-clean-nested' });
      expect(ignored.reason).toContain('cache');
      expect((await evaluatedVerdict(t, 'git clean -ffd')).verdict).not.toBe('deny');
      fs.rmSync(path.join(t.dir, 'cache'), { recursive: true });
      // Run inside the directory it cleans (git prints "Would refuse to remove current working directory"): the repository named.
      t.write('junk/a.txt', 'a\n');
      t.git(['init', '-q', 'junk/r']);
      expect(await evaluatedVerdict(t, 'cd junk && git clean -ffd .')).toMatchObject({ verdict: 'deny', rule: 'git-clean-nested', reason: expect.stringContaining('deletes junk/r,') });
      fs.rmSync(path.join(t.dir, 'junk/r'), { recursive: true });
      expect((await evaluatedVerdict(t, 'cd junk && git clean -ffd .')).verdict).not.toBe('deny');
      // Not initialised: an empty directory, nothing of it listed.
      t.git(['submodule', 'deinit', '-q', '-f', 'vendor/lib']);
      expect((await evaluatedVerdict(t, 'git clean -xdff')).verdict).not.toBe('deny');
    });
  });
});
