// The submodule friction hunt (docs/FRICTION.md, "Submodules: wabt"): a clone of WebAssembly/wabt
// from the bare mirrors with five of its seven submodules checked out from their mirrors (simde and
// testsuite set to update=none), `guard init`, then per row: a fresh copy of that clone with the
// fixture (a dirty submodule on a local branch with untracked and ignored files, a submodule with
// an unrecorded local commit, a superproject branch with another gitlink), the agent session's
// start, the Claude PreToolUse hook on the command (GIT_TRACE counts its git processes), the
// command run for real when allowed, the PostToolUse hook, `guard rollback -y` to the session's
// start, and a fingerprint of everything (superproject HEAD, index, refs, stash, files with modes
// and bytes, submodule config; each submodule's HEAD, index, refs, stash) compared before and after.
// Prints one JSON line per row. Usage: npm run build && node scripts/friction-submodules.mjs [REGEX]
//   GUARD_BENCH_MIRRORS (default /work/.mirror) must hold WebAssembly+wabt, google+googletest,
//   dabeaz+ply, okdshin+PicoSHA2, WebAssembly+wasm-c-api and nodejs+uvwasi; clones go to os.tmpdir().
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
const GUARD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'guard.js');
const MIRRORS = process.env.GUARD_BENCH_MIRRORS ?? '/work/.mirror';
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-fr-sub-'));
const BASE = path.join(TMP, 'base');
const DIR = path.join(TMP, 'run');
const HOME = path.join(TMP, 'home');
fs.mkdirSync(HOME, { recursive: true });
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && !k.startsWith('GUARD_') && k !== 'CLAUDECODE')),
  HOME, GIT_CONFIG_GLOBAL: path.join(TMP, 'gitconfig'), GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x' };
fs.writeFileSync(path.join(TMP, 'gitconfig'), '[protocol "file"]\n\tallow = always\n[advice]\n\tdetachedHead = false\n');
const sh = (cmd, cwd = DIR, extra = {}) => spawnSync('sh', ['-c', cmd], { cwd, env: { ...env, ...extra }, encoding: 'utf8' });
const g = (cwd, ...a) => { const r = spawnSync('git', a, { cwd, env, encoding: 'utf8' }); if (r.status) throw new Error(`git ${a.join(' ')}: ${r.stderr}`); return r.stdout.trim(); };
const SUBS = ['third_party/gtest', 'third_party/picosha2', 'third_party/ply', 'third_party/uvwasi', 'third_party/wasm-c-api'];
const hash = (s) => crypto.createHash('sha1').update(s).digest('hex').slice(0, 10);
function tree(root) { // every file below root except .git, with mode and bytes
  const out = [];
  const walk = (d) => { let es; try { es = fs.readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of es) { const p = path.join(d, e.name); if (e.name === '.git' && d !== root) { out.push(`${path.relative(root, p)} GITFILE ${fs.lstatSync(p).isFile() ? fs.readFileSync(p, 'utf8').trim() : 'dir'}`); continue; }
      if (d === root && e.name === '.git') continue;
      const st = fs.lstatSync(p);
      if (e.isDirectory()) { out.push(`${path.relative(root, p)}/`); walk(p); } else out.push(`${path.relative(root, p)} ${st.mode.toString(8)} ${e.isSymbolicLink() ? fs.readlinkSync(p) : hash(fs.readFileSync(p))}`); } };
  walk(root); return out.sort();
}
function fingerprint() {
  const f = {};
  f.head = sh('git symbolic-ref -q HEAD; git rev-parse HEAD').stdout;
  f.index = sh('git ls-files -s').stdout; // -s: modes, oids, stages, gitlinks
  f.refs = sh("git for-each-ref --format='%(refname) %(objectname)' | grep -v '^refs/guard'").stdout;
  f.stash = sh('git stash list --format=%H').stdout;
  f.files = tree(DIR).filter((l) => !l.startsWith('.git/')).join('\n');
  f.config = sh('git config -f .git/config --list | grep submodule').stdout;
  for (const s of SUBS) {
    const abs = path.join(DIR, s);
    f[`${s} modules`] = fs.existsSync(path.join(DIR, '.git/modules', s)) ? 'y' : 'n';
    if (!fs.existsSync(path.join(abs, '.git'))) { f[`${s} head`] = 'not checked out'; continue; }
    f[`${s} head`] = sh('git symbolic-ref -q HEAD; git rev-parse HEAD', abs).stdout;
    f[`${s} index`] = sh('git ls-files -s', abs).stdout;
    f[`${s} refs`] = sh("git for-each-ref --format='%(refname) %(objectname)'", abs).stdout;
    f[`${s} stash`] = sh('git stash list --format=%H', abs).stdout;
  }
  return f;
}
function diff(a, b) { const out = []; for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[k] !== b[k]) {
  if (k === 'files') { const A = new Set(a[k].split('\n')), B = new Set(b[k].split('\n')); out.push(`files: -${[...A].filter((x) => !B.has(x)).slice(0, 4).join(', ')} (${[...A].filter((x) => !B.has(x)).length}) +${[...B].filter((x) => !A.has(x)).slice(0, 4).join(', ')} (${[...B].filter((x) => !A.has(x)).length})`); }
  else out.push(`${k}: ${String(JSON.stringify(a[k])).slice(0, 120)} -> ${String(JSON.stringify(b[k])).slice(0, 120)}`); } return out; }

function base() {
  const mirror = (name) => path.join(MIRRORS, name, 'repo');
  g(TMP, 'clone', '-q', mirror('WebAssembly+wabt'), BASE);
  const subs = { 'third_party/gtest': 'google+googletest', 'third_party/ply': 'dabeaz+ply', 'third_party/picosha2': 'okdshin+PicoSHA2', 'third_party/wasm-c-api': 'WebAssembly+wasm-c-api', 'third_party/uvwasi': 'nodejs+uvwasi' };
  for (const [at, name] of Object.entries(subs)) g(BASE, 'config', `submodule.${at}.url`, mirror(name));
  g(BASE, 'submodule', 'update', '--init', '-q', ...Object.keys(subs));
  const r = spawnSync(process.execPath, [GUARD, 'init', '--yes', '--agents', 'claude', '--no-hook-manager'], { cwd: BASE, env, encoding: 'utf8' });
  if (r.status) throw new Error(`guard init: ${r.stderr}`);
  spawnSync(process.execPath, [GUARD, 'watch', 'stop'], { cwd: BASE, env });
}

function fixture() {
  if (!fs.existsSync(BASE)) base();
  sh(`rm -rf ${DIR} && cp -a ${BASE} ${DIR}`, TMP);
  // simde/testsuite: not fetched (GitHub unreachable): initialised with update=none so update skips them
  for (const s of ['third_party/simde', 'third_party/testsuite']) { g(DIR, 'config', `submodule.${s}.url`, `/nonexistent/${s}`); g(DIR, 'config', `submodule.${s}.update`, 'none'); }
  g(DIR, 'switch', '-q', '-C', 'fr-work');
  const ply = path.join(DIR, 'third_party/ply');
  // a branch in the superproject whose gitlink for ply is another commit
  const plyOld = g(ply, 'rev-parse', 'HEAD~3');
  g(DIR, 'update-index', '--cacheinfo', `160000,${plyOld},third_party/ply`); g(DIR, 'commit', '-q', '-m', 'ply back 3');
  g(DIR, 'branch', 'fr-other'); g(DIR, 'reset', '-q', '--hard', 'HEAD~1');
  // ply: on a branch, a modified tracked file, an untracked file, ignored build output
  g(ply, 'switch', '-q', '-c', 'fr-local'); g(ply, 'branch', 'other', 'HEAD~3');
  fs.appendFileSync(path.join(ply, 'README.md'), '\nlocal change\n');
  fs.writeFileSync(path.join(ply, 'notes.txt'), 'untracked in ply\n');
  fs.appendFileSync(path.join(DIR, '.git/modules/third_party/ply/info/exclude'), '\nbuild/\n*.pyc\n');
  fs.mkdirSync(path.join(ply, 'build'), { recursive: true }); fs.writeFileSync(path.join(ply, 'build/out.o'), 'obj\n');
  fs.writeFileSync(path.join(ply, 'ply/lex.pyc'), 'pyc\n');
  // gtest: a local commit not in the superproject's gitlink (staged nowhere)
  const gt = path.join(DIR, 'third_party/gtest');
  fs.writeFileSync(path.join(gt, 'fr-local.txt'), 'x\n'); g(gt, 'add', 'fr-local.txt'); g(gt, 'commit', '-q', '-m', 'local work in gtest');
  // uvwasi: clean, with an ignored local file that is not output (its own info/exclude)
  fs.appendFileSync(path.join(DIR, '.git/modules/third_party/uvwasi/info/exclude'), '\n.env\n');
  fs.writeFileSync(path.join(DIR, 'third_party/uvwasi/.env'), 'TOKEN=local\n');
  // superproject: a modified file, an untracked one, an ignored build dir
  fs.appendFileSync(path.join(DIR, 'README.md'), '\nsuper change\n');
  fs.writeFileSync(path.join(DIR, 'fr-notes.txt'), 'notes\n');
  fs.mkdirSync(path.join(DIR, 'out/clang'), { recursive: true }); fs.writeFileSync(path.join(DIR, 'out/clang/wasm2wat'), 'bin\n');
  sh('git status --porcelain');
}
function hookCmd(event) { const s = JSON.parse(fs.readFileSync(path.join(DIR, '.claude/settings.local.json'), 'utf8')); return s.hooks[event][0].hooks[0].command; }
const TRACE = path.join(TMP, 'trace');
function hook(event, cwd, payload) {
  fs.rmSync(TRACE, { force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', hookCmd(event)], { cwd, env: { ...env, GIT_TRACE: TRACE }, input: JSON.stringify(payload), encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const trace = fs.existsSync(TRACE) ? fs.readFileSync(TRACE, 'utf8') : '';
  const gits = (trace.match(/trace: (built-in|exec|run_command): git /g) ?? []).length;
  const starts = trace.split('\n').filter((l) => / trace: built-in: git /.test(l)).map((l) => l.replace(/.*built-in: git /, '').slice(0, 60));
  return { ...r, ms, gits: starts.length, starts };
}
let n = 0;
function scenario(label, cmd, where = '.') {
  n++;
  const cwd = path.join(DIR, where);
  const base = (event) => ({ session_id: `fr3-${n}`, transcript_path: path.join(DIR, '.t.jsonl'), cwd, permission_mode: 'default', hook_event_name: event });
  hook('SessionStart', DIR, { ...base('SessionStart'), source: 'startup' });
  const before = fingerprint();
  const t0 = process.hrtime.bigint(); sh('git status >/dev/null'); const statusMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const h = hook('PreToolUse', cwd, { ...base('PreToolUse'), tool_name: 'Bash', tool_input: { command: cmd, description: 'x' }, tool_use_id: `t${n}` });
  const deny = /"permissionDecision":"(deny|ask)"/.test(h.stdout);
  const reason = deny ? (h.stdout.match(/rule ([a-z0-9-]+)/) ?? [])[1] ?? h.stdout.slice(0, 200) : '';
  const journal = fs.readFileSync(path.join(DIR, '.git/guard/journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const step = [...journal].reverse().find((e) => e.type === 'step-start');
  const verdict = deny ? `deny (${reason})` : step && step.session === undefined ? step.verdict : (step?.verdict ?? 'allow');
  let ran = '', after = '', rolled = '', restored = [];
  if (!deny) {
    const r = sh(cmd, cwd); ran = `exit ${r.status}${r.status ? ': ' + (r.stderr.trim().split('\n').pop() ?? '').slice(0, 90) : ''}`;
    hook('PostToolUse', cwd, { ...base('PostToolUse'), tool_name: 'Bash', tool_input: { command: cmd }, tool_response: { stdout: r.stdout.slice(0, 100) }, tool_use_id: `t${n}` });
    const changed = diff(before, fingerprint());
    after = changed.length ? `changed: ${changed.map((c) => c.split(':')[0]).join(', ')}` : 'no change';
    if (changed.length) {
      const rb = spawnSync(process.execPath, [GUARD, 'rollback', '-y'], { cwd: DIR, env, encoding: 'utf8' });
      rolled = `rollback exit ${rb.status}`; if (rb.status) rolled += ': ' + (rb.stderr + rb.stdout).trim().slice(0, 300);
            restored = diff(before, fingerprint());
    }
  }
  const row = { n, label, where, verdict, ms: Math.round(h.ms), statusMs: Math.round(statusMs), gits: h.gits, ran, after, rolled, restored };
  console.log(JSON.stringify(row));
  return row;
}
function cleanup() { fs.rmSync(TMP, { recursive: true, force: true }); }
function stop() { spawnSync(process.execPath, [GUARD, 'watch', 'stop'], { cwd: DIR, env }); }

const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
const S = [
  ['submodule update --init --recursive', 'git submodule update --init --recursive'],
  ['submodule update (ply moves to gitlink)', 'git submodule update third_party/ply'],
  ['foreach git clean -fdx', 'git submodule foreach git clean -fdx'],
  ['foreach git reset --hard', 'git submodule foreach --recursive git reset --hard'],
  ['-C sub checkout other', 'git -C third_party/ply checkout other'],
  ['cd sub && git reset --hard', 'cd third_party/ply && git reset --hard'],
  ['git reset --hard (in sub cwd)', 'git reset --hard', 'third_party/ply'],
  ['rm -rf sub/build', 'rm -rf third_party/ply/build'],
  ['rm -rf sub', 'rm -rf third_party/ply'],
  ['rm -rf clean sub', 'rm -rf third_party/picosha2'],
  ['deinit -f sub', 'git submodule deinit -f third_party/ply'],
  ['deinit clean sub', 'git submodule deinit third_party/picosha2'],
  ['git rm dirty sub', 'git rm third_party/ply'],
  ['git rm clean sub', 'git rm third_party/picosha2'],
  ['git rm -f dirty sub', 'git rm -f third_party/ply'],
  ['deinit clean sub with ignored .env', 'git submodule deinit third_party/uvwasi'],
  ['git rm clean sub with ignored .env', 'git rm third_party/uvwasi'],
  ['deinit --all', 'git submodule deinit --all'],
  ['deinit two clean subs', 'git submodule deinit third_party/picosha2 third_party/wasm-c-api'],
  ['stash -u, dirty sub', 'git stash -u'],
  ['switch to other gitlink', 'git switch fr-other'],
  ['switch --recurse-submodules', 'git switch --recurse-submodules fr-other'],
  ['checkout -f other gitlink', 'git checkout -f fr-other'],
  ['reset --hard (super)', 'git reset --hard'],
  ['clean -ffdx', 'git clean -ffdx'],
  ['build into ignored dir', 'mkdir -p out/clang && echo bin > out/clang/wat2wasm && mkdir -p third_party/ply/build && echo o > third_party/ply/build/b.o'],
  ['commit inside sub', 'git commit -qam wip', 'third_party/ply'],
  ['add gitlink (sub moved)', 'git add third_party/gtest'],
  ['commit -a with moved sub', 'git commit -qam "bump gtest"'],
  ['sub: git clean -fdx', 'git clean -fdx', 'third_party/ply'],
  ['sub: git stash -u', 'git stash -u', 'third_party/ply'],
  ['sub: git checkout -- .', 'git checkout -- .', 'third_party/ply'],
  ['sub: rm -rf ply', 'rm -rf ply', 'third_party/ply'],
  ['git status', 'git status'], ['sub: ls', 'ls -la', 'third_party/ply'], ['sub: git status', 'git status', 'third_party/ply'], ['sub: git add -A', 'git add -A', 'third_party/ply'], ['sub: rm -rf build', 'rm -rf build', 'third_party/ply'],
  ['foreach git status', 'git submodule foreach git status'],
  ['submodule status', 'git submodule status --recursive'],
  ['submodule sync', 'git submodule sync --recursive'],
  ['submodule absorbgitdirs', 'git submodule absorbgitdirs'],
];
for (const [label, cmd, where] of S) { if (only && !only.test(label)) continue; fixture(); try { scenario(label, cmd, where); } finally { stop(); } }
cleanup();
