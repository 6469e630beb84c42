// The friction hunt (docs/FRICTION.md): feeds the installed Claude Code hook the PreToolUse
// payloads of everyday agent commands on working clones of real projects, and prints, per command
// and working directory, the verdict (allow / snapshot / deny + rule, read back from guard's
// journal), the expected verdict, the hook's wall time and the git processes it started
// (a counting git wrapper first on PATH). Nothing is run: each command is only decided, so every row
// sees the same repository state (the fixture below).
//
// Judged on the project's axis: what guard can restore may run (after a snapshot when needed);
// what it cannot restore is denied. A deny of something restorable is a bug (FALSE-DENY); a
// snapshot for a command that changes nothing restorable is waste (WASTE); a git-process count
// that grows with the repository's size or tags is issue 8.
//
// Usage: npm run build && node scripts/friction-hunt.mjs [--projects express,vite,babel] [--json out.json]
//          [--guard /path/to/other/checkout] [--tag before] [--clones DIR] [--keep] [--reuse] [--only REGEX]
//   clones are made from the bare mirrors (GUARD_BENCH_MIRRORS, default /work/.mirror) into
//   bench/.work/friction-<tag>-<name> (gitignored; --clones DIR puts them elsewhere, e.g. /tmp,
//   outside any checkout) and made again on every run. --keep leaves the clone (and its watcher
//   stopped) for a later --reuse, which skips clone, fixture and init and feeds the same hook
//   again (a rebuilt checkout is what the installed hook runs); --only REGEX keeps the rows whose
//   command label matches, to rerun the rows a fix changes. --guard runs
//   `guard init` (and so the installed hook) from another built checkout, e.g. main, for the
//   "before" column; each clone is initialised by the checkout under test.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchEnv, git, GUARD as OWN_GUARD, machine, run, WORK } from '../bench/lib.mjs';
import { cloneProject, stopWatcher } from '../bench/real-repos.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const MIRRORS = process.env.GUARD_BENCH_MIRRORS ?? '/work/.mirror';
const PROJECTS = {
  express: { repo: 'expressjs/express', sub: 'lib', pkgs: ['benchmarks', 'examples'] },
  vite: { repo: 'vitejs/vite', sub: 'packages/vite', pkgs: ['packages/vite', 'packages/create-vite'] },
  // A built babel: packages/*/lib is ignored build output (babel's .gitignore), present after `make build`.
  babel: { repo: 'babel/babel', sub: 'packages/babel-core', pkgs: ['packages/babel-core', 'packages/babel-parser'], built: true },
};
const wanted = opt('--projects', 'express,vite,babel').split(',');
const GUARD = opt('--guard') ? path.join(path.resolve(opt('--guard')), 'bin', 'guard.js') : OWN_GUARD;
const TAG = opt('--tag', 'run');
const jsonOut = opt('--json');
const CLONES = opt('--clones') ? path.resolve(opt('--clones')) : WORK;
const KEEP = args.includes('--keep');
const REUSE = args.includes('--reuse');
const ONLY = opt('--only') ? new RegExp(opt('--only')) : null;

// Expected verdicts: 'allow', 'snapshot', 'deny', or 'allow|snapshot' where either is right
// (the command may change something restorable, depending on state guard need not look at); a
// third element is the expectation from the subdirectory where it differs from the root's. At
// the root `git clean -fd` would delete guard's own untracked files (.guard.yaml and
// .claude/settings.local.json until they are committed): a deny for agents by design.
// A fourth element, { project: expected }, overrides both for one project (what a path is
// differs: babel's packages/*/lib is ignored build output, express's lib/ is source).
// Paths name the fixture: T = a tracked file, U = an untracked file, M = a modified tracked file.
const A = 'allow', S = 'snapshot', D = 'deny', AS = 'allow|snapshot';
const SHELL = [
  // clean-ups of regenerable ignored output and of nothing
  ['rm -rf dist node_modules/.cache coverage', A], ['rm -rf dist', A], ['rm -rf node_modules', A], ['rm -rf build/', A],
  ['rm -f *.log', S, A], ['rm -f *.tmp', A], ['rm -rf does-not-exist', A], ['rm -rf packages/*/dist', A], ['rm -rf ./dist/*', A],
  ['find . -name "*.orig" -delete', S], ['find . -name "*.rej" -delete', A], ['find . -name .DS_Store -delete', A],
  ['find . -name node_modules -prune -o -name "*.bak" -print', A], ['rm -rf dist && npm run build', A], ['cd SUB && rm -rf dist', A],
  ['(cd SUB && rm -rf node_modules)', A], ['rm -rf "dist" \'coverage\'', A], ['rm -rf .venv', A], ['python -m venv .venv && rm -rf .venv', A],
  ['make clean', A], ['cargo clean', A], ['npx rimraf dist', A], ['git clean -n', A], ['git clean -fdn', A], ['git clean -fd', D, S],
  ['rm U', S], ['rm T', S], ['rm -rf __fr_empty', A],
  // installs, builds, tests
  ['npm ci', A], ['npm install', A], ['npm install -D vitest', A], ['pnpm i', A], ['pnpm install --frozen-lockfile', A], ['yarn', A],
  ['npx vitest run', A], ['npx vitest run SUB', A], ['npm test', A], ['CI=1 npm test', A], ['NODE_ENV=test npx vitest run --reporter=verbose', A],
  ['npm run build', A], ['npx tsc --noEmit', A], ['npm test 2>&1 | tail -50', A], ['npm run lint -- --fix', A], ['npx prettier --write .', A],
  // reading
  ['ls -la', A], ['cat package.json | jq .scripts', A], ['grep -rn "TODO" SUB | head', A], ['rg -n foo', A], ['find . -name "*.ts" | wc -l', A],
  ['git status', A], ['git status --porcelain', A], ['git diff', A], ['git diff --stat HEAD~3', A], ['git log --oneline -20', A], ['git show HEAD --stat', A],
  ['git branch -a', A], ['git tag --list | tail', A], ['git describe --tags', A], ['git ls-files -z | xargs -0 grep -l foo', A], ['git ls-files | wc -l', A],
  ['git stash list', A], ['git worktree list', A], ['git rev-parse --show-toplevel', A], ['git blame T', A],
  // git that adds or moves history
  ['git add -A', A], ['git add T', A], ['git commit -am msg', A], ['git commit -m "fix: x"', A], ['git checkout -b feat/x', A], ['git switch -c feat/y', A],
  ['git switch main', A], ['git checkout main', AS], ['git stash', AS], ['git stash push -m wip', AS], ['git stash pop', AS], ['git stash apply', AS],
  ['git rebase main', AS], ['git rebase --continue', A], ['git reset HEAD~1', AS], ['git reset --soft HEAD~1', AS], ['git reset --mixed HEAD~1', AS],
  ['git restore --staged .', AS], ['git restore --staged T', AS], ['git restore M', S], ['git checkout -- M', S], ['git reset --hard', S],
  ['git branch -d fr-merged', A], ['git branch fr-new', A], ['git tag fr-v1', A], ['git tag -a fr-v2 -m release', A], ['git fetch --prune', AS], ['git fetch origin', A],
  ['git pull --rebase', AS], ['git pull', AS], ['git push -u origin feat/x', A], ['git push', A], ['git worktree add ../fr-wt', A], ['git worktree add -b fr-b ../fr-wt2', A],
  ['git merge main', AS], ['git cherry-pick HEAD~2', AS], ['git mv T fr-moved.js', A],
  // files
  ['mv U fr-renamed.txt', A], ['mv T fr-renamed.js', A], ['cp U fr-copy.txt', A], ["sed -i 's/a/b/' T", A], ["sed -i 's/a/b/' M", A],
  ['cp .env.example .env', S, A], ['cp .env.example .env.local', S, A], ['echo x > fr-new.txt', A], ['echo x >> U', A], ['touch SUB/fr-new.ts', A],
  ["cat > fr-new.md <<'EOF'\n# hi\nEOF", A], ['mkdir -p SUB/fr && echo x > SUB/fr/a.txt', A], ['tar czf /tmp/fr-src.tgz SUB', A],
  // things guard cannot restore or cannot see: a deny is right
  ['git push --force', D], ['git reflog expire --expire=now --all', D], ['xargs rm < /dev/null', 'ask|deny'], ['rm -rf ..', D, 'deny|snapshot'], ['rm -rf ~', D],
  // Added after the express and vite runs (2026-12-04, babel run): what agents run daily that
  // the list above missed. Clean-ups, formatters and test runners:
  ['rm -rf node_modules/.cache', A], ['rm -rf packages/*/lib', AS, null, { babel: A }], ['rm -rf SUB/lib', AS, null, { babel: A }],
  ['rm -rf coverage .nyc_output', A], ['npx eslint --fix SUB', A], ['npx prettier --check .', A], ['yarn jest --updateSnapshot', A],
  ['npx jest -u SUB', A], ['yarn test', A], ['yarn build', A], ['make build', A], ['make test', A], ['node -e "console.log(1)"', A],
  // reading
  ['git log -p -- T', A], ['git log --follow --oneline -- T', A], ['git diff --cached', A], ['git diff main...HEAD --stat', A],
  ['git grep -n foo', A], ['git remote -v', A], ['git shortlog -sn HEAD | head', A], ['git log --all --oneline | head', A], ['git reflog | head', A],
  ['git config user.name', A], ['git stash show -p', A], ['head -50 T', A], ['wc -l T', A], ['diff T M', A],
  // git that rewrites the last commits or drops work guard snapshots first
  ['git commit --amend --no-edit', AS], ['git commit --amend -m "fix: y"', AS], ['git add . && git commit -m wip', A],
  ['GIT_SEQUENCE_EDITOR=true git rebase -i HEAD~3', AS], ['GIT_SEQUENCE_EDITOR="sed -i -e 2s/^pick/squash/" git rebase -i HEAD~2', AS],
  ['git rebase --abort', AS], ['git merge --abort', AS], ['git cherry-pick --abort', AS], ['git switch -', AS], ['git pull --ff-only', AS],
  ['git fetch --all --tags', AS], ['git push origin HEAD', A], ['git branch -D fr-merged', AS], ['git stash -u', AS], ['git stash drop', AS],
  ['git restore .', S], ['git checkout -- .', S], ['git checkout .', S], ['git reset --hard HEAD~1', S], ['git reset --hard origin/main', S],
  ['git checkout HEAD~1 -- T', AS], ['git restore --source=HEAD~1 T', AS], ['git rm --cached T', A], ['git rm T', AS],
  // files
  ['chmod +x T', A], ['perl -pi -e "s/a/b/" T', A], ['jq .name package.json > fr-tmp.json && mv fr-tmp.json package.json', A],
  ['mkdir -p fr-dir && mv U fr-dir/', A], ['ln -s T fr-link', A], ['cp -r SUB/src fr-src-copy', A],
  // ignored files that are not regenerable: a capture or a deny is right
  // -x takes guard's untracked files at the root too (a deny there); -X leaves every untracked file.
  ['git clean -fdx', D, S], ['git clean -fX', S],
  // Added 2026-12-05 (the command guard's changes of 2026-12-04): loops, listings, output-file
  // options, glob sources, moves out, git's path commands, compilers.
  [`for f in src/*.ts; do sed -i 's/a/b/' "$f"; done`, AS], ['git grep -l foo | xargs sed -i s/foo/bar/', AS],
  ['curl -s localhost:3000', A], ['ls | sort | uniq -c', A], ['sort -o out.txt in.txt', A], ['mv dist/* build/', A],
  ['mv src/x.ts ../', AS], ['git rm --cached -r .', AS], ['go test ./...', A], ['gcc -o app main.c', A],
];

function tool(name, input) {
  return { tool_name: name, tool_input: input };
}
// File tools: T tracked, M modified tracked, U untracked, I ignored not regenerable (.env), R
// ignored regenerable (dist/x.js), N new.
const FILE_TOOLS = [
  ['Edit T', (d) => tool('Edit', { file_path: d.abs('T'), old_string: 'a', new_string: 'b' }), A],
  ['Edit M', (d) => tool('Edit', { file_path: d.abs('M'), old_string: 'a', new_string: 'b' }), A],
  ['Edit U', (d) => tool('Edit', { file_path: d.abs('U'), old_string: 'a', new_string: 'b' }), A],
  ['Edit I (.env)', (d) => tool('Edit', { file_path: d.abs('.env'), old_string: 'a', new_string: 'b' }), S],
  ['Edit R (dist/index.js)', (d) => tool('Edit', { file_path: d.abs('dist/index.js'), old_string: 'a', new_string: 'b' }), A],
  ['Write T', (d) => tool('Write', { file_path: d.abs('T'), content: 'x\n' }), A],
  ['Write U', (d) => tool('Write', { file_path: d.abs('U'), content: 'x\n' }), A],
  ['Write I (.env)', (d) => tool('Write', { file_path: d.abs('.env'), content: 'x\n' }), S],
  ['Write R (dist/index.js)', (d) => tool('Write', { file_path: d.abs('dist/index.js'), content: 'x\n' }), A],
  ['Write N', (d) => tool('Write', { file_path: d.abs('SUB/fr-new-file.ts'), content: 'x\n' }), A],
  ['MultiEdit T', (d) => tool('MultiEdit', { file_path: d.abs('T'), edits: [{ old_string: 'a', new_string: 'b' }] }), A],
  ['MultiEdit I (.env)', (d) => tool('MultiEdit', { file_path: d.abs('.env'), edits: [{ old_string: 'a', new_string: 'b' }] }), S],
  ['Write .claude/settings.local.json', (d) => tool('Write', { file_path: d.abs('.claude/settings.local.json'), content: '{}\n' }), D],
];

/** The fixture: a feature branch with a modified file, an untracked one, ignored output and a .env. */
function prepare(name, dir, project) {
  const sub = project.sub;
  git(dir, 'config', 'gc.auto', '0');
  git(dir, 'config', 'maintenance.auto', 'false');
  // A merged branch to delete, the work branch, the fixture's files.
  git(dir, 'branch', '-f', 'fr-merged', 'HEAD');
  git(dir, 'switch', '-q', '-C', 'fr-work');
  const tracked = git(dir, 'ls-files', '--', `${sub}/*.js`, `${sub}/*.ts`, `${sub}/src/*.ts`).split('\n').filter(Boolean);
  const T = tracked[0];
  const M = tracked[1];
  fs.appendFileSync(path.join(dir, M), '\n// friction hunt\n');
  fs.writeFileSync(path.join(dir, 'fr-notes.txt'), 'notes\n');
  fs.writeFileSync(path.join(dir, sub, 'fr-conflict.orig'), 'x\n');
  fs.writeFileSync(path.join(dir, '.env.example'), 'A=1\n');
  // Ignored: regenerable output (dist, node_modules, coverage ...) and a .env and a log that are not.
  const exclude = path.join(dir, '.git', 'info', 'exclude');
  fs.appendFileSync(exclude, '\n.env\n.env.local\n.venv/\nbuild/\n*.log\ndist/\ncoverage/\nnode_modules/\n');
  for (const f of ['dist/index.js', 'node_modules/.cache/a', 'node_modules/x/index.js', 'coverage/lcov.info', 'build/out.js', '.venv/bin/python', ...project.pkgs.map((p) => `${p}/dist/index.js`), ...project.pkgs.map((p) => `${p}/node_modules/y/index.js`)]) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), 'a\n');
  }
  if (project.built) buildLib(dir);
  fs.writeFileSync(path.join(dir, '.env'), 'SECRET=a\n');
  fs.writeFileSync(path.join(dir, '.env.local'), 'SECRET=a\n');
  fs.writeFileSync(path.join(dir, 'npm-debug.log'), 'a\n');
  fs.mkdirSync(path.join(dir, '__fr_empty'), { recursive: true });
  git(dir, 'status', '--porcelain');
  return { T, M, U: 'fr-notes.txt' };
}

/**
 * What `make build` leaves in babel: every package's src/ compiled to its ignored lib/. Stood in
 * for by a copy of each source file (.ts -> .js), so the files, directories and bytes are those
 * of a real build (about 730 files, 3.7 MB).
 */
function buildLib(dir) {
  for (const src of git(dir, 'ls-files', '-z', '--', 'packages/*/src/*').split('\0').filter(Boolean)) {
    const out = path.join(dir, src.replace(/^(packages\/[^/]+)\/src\//, '$1/lib/').replace(/\.[cm]?ts$/, '.js'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.copyFileSync(path.join(dir, src), out);
  }
}

function subst(command, files, sub) {
  return command.replace(/\bSUB\b/g, sub).replace(/(^|\s)T(\s|$)/g, `$1${files.T}$2`).replace(/(^|\s)M(\s|$)/g, `$1${files.M}$2`).replace(/(^|\s)U(\s|$)/g, `$1${files.U}$2`);
}

function journalTail(dir, from) {
  const text = fs.readFileSync(path.join(dir, '.git', 'guard', 'journal.jsonl'), 'utf8');
  return { size: text.length, entries: text.slice(from).split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

// git processes are counted by a wrapper first on PATH (guard starts git by name): one line per
// process with its parent's pid and command line, so the hook's own processes (parent: the hook's
// sh or node) are told from the watcher's and a background backup push's, which run meanwhile.
const BIN = path.join(WORK, `friction-bin-${process.pid}`);
const GIT_LOG = path.join(WORK, `friction-git-${process.pid}.log`);
function installWrapper() {
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  fs.mkdirSync(BIN, { recursive: true });
  fs.writeFileSync(path.join(BIN, 'git'), `#!/bin/sh\nprintf '%s %s\\n' "$PPID" "$(tr '\\0' ' ' < /proc/$PPID/cmdline 2>/dev/null | cut -c1-120)" >> "${GIT_LOG}"\nexec ${real} "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(GIT_LOG, '');
}

function countGit(from) {
  const lines = fs.readFileSync(GIT_LOG, 'utf8').slice(from).split('\n').filter(Boolean);
  const own = lines.filter((l) => /agent-hook/.test(l)).length;
  return { own, background: lines.length - own };
}

function hook(dir, env, hookCommand, cwd, payload) {
  const from = fs.statSync(GIT_LOG).size;
  const start = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', hookCommand], { cwd, env, input: JSON.stringify(payload), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const { own, background } = countGit(from);
  return { ms, gits: own, bg: background, stdout: r.stdout, status: r.status };
}

function verdictOf(entries, stdout) {
  const step = entries.find((e) => e.type === 'step-start');
  const snapshots = entries.filter((e) => e.type === 'snapshot' && e.trigger === 'hook');
  if (step) return { verdict: step.verdict, rule: step.rule ?? '', snapshots: snapshots.length, takenBy: snapshots[0]?.takenBy ?? (snapshots.length ? 'hook' : '') };
  if (/"permissionDecision":"deny"/.test(stdout)) return { verdict: 'deny', rule: (stdout.match(/rule ([a-z0-9-]+)/) ?? [])[1] ?? '?', snapshots: 0, takenBy: '' };
  return { verdict: 'allow', rule: '', snapshots: snapshots.length, takenBy: '' };
}

function judge(expected, got) {
  if (expected.split('|').includes(got)) return '';
  if (got === 'deny' || got === 'ask') return 'FALSE-DENY';
  if (got === 'snapshot') return 'WASTE';
  return 'MISSED';
}

export function hunt() {
  const rows = [];
  installWrapper();
  const env = benchEnv({ PATH: `${BIN}:${process.env.PATH}` });
  for (const name of wanted) {
    const project = PROJECTS[name];
    const mirror = path.join(MIRRORS, project.repo.replace('/', '+'), 'repo');
    if (!fs.existsSync(mirror)) {
      console.log(`${name}: no mirror at ${mirror}, skipped`);
      continue;
    }
    const dir = path.join(CLONES, `friction-${TAG}-${name}`);
    if (fs.existsSync(path.join(dir, '.git'))) stopWatcher(dir);
    if (!REUSE || !fs.existsSync(path.join(dir, '.claude', 'settings.local.json'))) {
      cloneProject(mirror, dir);
      prepare(name, dir, project);
      run(process.execPath, [GUARD, 'init', '--yes', '--agents', 'claude', '--no-hook-manager'], { cwd: dir, env });
    }
    const files = { T: '', M: '', U: 'fr-notes.txt' };
    const changed = git(dir, 'diff', '--name-only').split('\n').filter(Boolean);
    files.M = changed[0];
    files.T = git(dir, 'ls-files', '--', `${project.sub}/*.js`, `${project.sub}/*.ts`, `${project.sub}/src/*.ts`).split('\n').filter((f) => f && f !== files.M)[0];
    const settings = JSON.parse(fs.readFileSync(path.join(dir, '.claude', 'settings.local.json'), 'utf8'));
    const command = (event) => settings.hooks[event][0].hooks[0].command;
    const base = (cwd, event) => ({ session_id: `fr-${name}`, transcript_path: path.join(dir, '.t.jsonl'), cwd, permission_mode: 'default', hook_event_name: event });
    hook(dir, env, command('SessionStart'), dir, { ...base(dir, 'SessionStart'), source: 'startup' });
    const tags = git(dir, 'tag').split('\n').filter(Boolean).length;
    console.log(`${name}: ${git(dir, 'ls-files').split('\n').length - 1} files, ${tags} tags; T=${files.T} M=${files.M} U=${files.U}; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const cases = [];
    for (const [text, rootExpected, subExpected, perProject] of SHELL) {
      if (ONLY && !ONLY.test(text)) continue;
      for (const where of ['root', 'sub']) {
        const expected = perProject?.[name] ?? (where === 'sub' && subExpected ? subExpected : rootExpected);
        const cwd = where === 'root' ? dir : path.join(dir, project.sub);
        // From the subdirectory the fixture's paths are written relative to it, as an agent would.
        const rel = (p) => (where === 'root' ? p : path.relative(project.sub, p) || '.');
        const cmd = subst(text, { T: rel(files.T), M: rel(files.M), U: rel(files.U) }, where === 'root' ? project.sub : '.');
        cases.push({ label: text, cmd, where, cwd, expected, payload: { ...base(cwd, 'PreToolUse'), ...tool('Bash', { command: cmd, description: 'x' }), tool_use_id: 'toolu_fr' } });
      }
    }
    const abs = (p) => path.join(dir, p === 'T' ? files.T : p === 'M' ? files.M : p === 'U' ? files.U : p.replace(/^SUB\//, `${project.sub}/`));
    for (const [label, make, expected] of FILE_TOOLS) {
      if (ONLY && !ONLY.test(label)) continue;
      cases.push({ label, cmd: label, where: 'root', cwd: dir, expected, payload: { ...base(dir, 'PreToolUse'), ...make({ abs }), tool_use_id: 'toolu_fr' } });
    }
    for (const c of cases) {
      const { size } = journalTail(dir, 0);
      const h = hook(dir, env, command('PreToolUse'), c.cwd, c.payload);
      const v = verdictOf(journalTail(dir, size).entries, h.stdout);
      const loadNow = os.loadavg()[0];
      rows.push({ project: name, label: c.label, cmd: c.cmd, where: c.where, expected: c.expected, ...v, ms: Math.round(h.ms), gits: h.gits, bg: h.bg, load: loadNow, flag: judge(c.expected, v.verdict) });
    }
    stopWatcher(dir);
    if (KEEP) {
      if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify({ machine: machine(), time: new Date().toISOString(), guard: GUARD, rows }, null, 2)}\n`);
      console.log(`${name}: kept ${dir} (--reuse to feed it again)`);
      continue;
    }
    // The rows so far, in case a later project fails; a background backup push may still be
    // writing into the clone, so it is removed only where it can be.
    if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify({ machine: machine(), time: new Date().toISOString(), guard: GUARD, rows }, null, 2)}\n`);
    try {
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    } catch (error) {
      console.log(`${name}: ${dir} not removed (${error.code})`);
    }
  }
  return rows;
}

/** --compare BEFORE.json AFTER.json: one markdown table of both runs (the one in docs/FRICTION.md). */
function compare(beforeFile, afterFile) {
  const load = (f) => JSON.parse(fs.readFileSync(f, 'utf8')).rows;
  const before = load(beforeFile);
  const after = load(afterFile);
  const key = (r) => `${r.project}\0${r.label}\0${r.where}`;
  const old = new Map(before.map((r) => [key(r), r]));
  const v = (r) => (r ? `${r.verdict}${r.rule && r.verdict !== 'allow' ? ` (${r.rule})` : ''}` : '-');
  const projects = [...new Set(after.map((r) => r.project))];
  console.log(`| command | cwd | ${projects.map((p) => `${p}: verdict before → after | git (hook) b/a | ms b/a`).join(' | ')} |`);
  console.log(`|---|---|${projects.map(() => '---|---|---').join('|')}|`);
  const labels = [...new Set(after.map((r) => `${r.label}\0${r.where}`))];
  for (const lw of labels) {
    const [label, where] = lw.split('\0');
    const cells = projects.map((p) => {
      const a = after.find((r) => r.project === p && r.label === label && r.where === where);
      const b = old.get(`${p}\0${label}\0${where}`);
      if (!a) return '| | ';
      const verdict = v(b) === v(a) ? v(a) : `**${v(b)} → ${v(a)}**`;
      return `${verdict}${a.flag ? ` ${a.flag}` : ''} | ${b ? b.gits : '-'}/${a.gits} | ${b ? b.ms : '-'}/${a.ms}`;
    });
    console.log(`| \`${label.replace(/\n/g, '\\n').replace(/\|/g, '\\|')}\` | ${where} | ${cells.join(' | ')} |`);
  }
  for (const p of projects) {
    for (const [name, set] of [['before', before], ['after', after]]) {
      const rs = set.filter((r) => r.project === p);
      if (rs.length === 0) continue;
      const ms = rs.map((r) => r.ms).sort((x, y) => x - y);
      const flags = rs.filter((r) => r.flag);
      const top = [...rs].sort((x, y) => y.gits - x.gits)[0];
      console.log(`\n${p} ${name}: ${rs.length} rows; snapshots ${rs.filter((r) => r.verdict === 'snapshot').length}, denies/asks ${rs.filter((r) => r.verdict === 'deny' || r.verdict === 'ask').length}; flagged ${flags.length} (${flags.map((r) => `${r.flag} ${r.label} [${r.where}]`).join('; ') || 'none'}); ms median ${ms[ms.length >> 1]}, p90 ${ms[Math.floor(ms.length * 0.9)]}, max ${ms[ms.length - 1]}; load ${Math.min(...rs.map((r) => r.load)).toFixed(1)}-${Math.max(...rs.map((r) => r.load)).toFixed(1)}; git processes of the hook max ${top.gits} (${top.label} [${top.where}]), background max ${Math.max(...rs.map((r) => r.bg ?? 0))}`);
    }
  }
}

if (args.includes('--compare')) {
  compare(opt('--compare'), args[args.indexOf('--compare') + 2]);
  process.exit(0);
}

const rows = hunt();
const cell = (s) => String(s).replace(/\n/g, '\\n').replace(/\|/g, '\\|');
console.log(`\nmachine: ${machine()}; guard: ${GUARD}`);
console.log('| project | command | cwd | verdict (rule) [snapshot by] | expected | git (hook) | git (watcher, backup) | ms | load | flag |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.project} | \`${cell(r.cmd)}\` | ${r.where} | ${r.verdict}${r.rule ? ` (${r.rule})` : ''}${r.takenBy ? ` [${r.takenBy}]` : ''} | ${r.expected} | ${r.gits} | ${r.bg} | ${r.ms} | ${r.load.toFixed(1)} | ${r.flag} |`);
}
const flagged = rows.filter((r) => r.flag);
console.log(`\n${rows.length} rows, ${flagged.length} flagged: ${[...new Set(flagged.map((r) => r.flag))].map((f) => `${f} ${flagged.filter((r) => r.flag === f).length}`).join(', ')}`);
if (jsonOut) fs.writeFileSync(jsonOut, `${JSON.stringify({ machine: machine(), time: new Date().toISOString(), rows }, null, 2)}\n`);
