/**
 * A grammar of agent-like shell commands over the template's real paths (template.ts PathPool):
 * deletions, moves and copies, writes and truncations, in-place edits, find and xargs pipelines,
 * loops, git's path and ref commands, and lines of 2-3 of them joined by &&, ;, | or in subshells
 * and after `cd dir &&`. A case is its seed: `commandFor(seed)` always gives the same command.
 * Paths are relative to the repository or `../` of it (the case's sandbox); nothing here names a
 * path outside the sandbox but /dev/null, /dev/zero and the sandbox's own payload via `../`.
 */
import { randomStream } from '../../helpers/seeded-random.js';
import type { PathPool } from './template.js';

/** The seed's number stream (test/helpers/seeded-random.ts). */
export const rng = randomStream;

/** The seed of case `k` of a run seeded `base` (so one case reruns alone from the seed printed). */
export function caseSeed(base: number, k: number): number {
  let h = (base ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (k + 1), 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: R, p: number): boolean => r() < p;

/** A path of a kind weighted toward what an agent names and what a rollback must give back. */
function anyPath(r: R, p: PathPool): string {
  const kind = pick(r, ['tracked', 'tracked', 'tracked', 'untracked', 'untracked', 'ignored', 'ignored', 'regenerable', 'protectedPaths', 'guardFiles', 'dirs', 'globs', 'globs', 'missing'] as const);
  return pick(r, p[kind]);
}

/** A file-ish path (no directory, no glob) for a write target. */
function fileTarget(r: R, p: PathPool): string {
  const kind = pick(r, ['tracked', 'tracked', 'untracked', 'ignored', 'ignored', 'regenerable', 'missing', 'protectedPaths', 'outside'] as const);
  return pick(r, p[kind]);
}

function dest(r: R, p: PathPool): string {
  const kind = pick(r, ['tracked', 'untracked', 'ignored', 'dirs', 'missing', 'outside', 'outside', 'regenerable'] as const);
  return pick(r, p[kind]);
}

function dir(r: R, p: PathPool): string {
  return pick(r, [...p.dirs, 'db', 'dist', 'node_modules', '.github']);
}

function paths(r: R, p: PathPool, n = 1 + Math.floor(r() * 2)): string {
  return Array.from({ length: n }, () => anyPath(r, p)).join(' ');
}

const namePatterns = ['*.js', '*.md', '.env', '*.local.js', '*.sql', '*.txt', '*', 'app*', '*.db'];

/** A command that lists paths, for xargs and while-read. */
function lister(r: R, p: PathPool): string {
  return pick(r, [
    `git ls-files ${pick(r, ['', 'src', 'docs', '-- "*.js"', 'sub'])}`.trim(),
    `git ls-files -o ${pick(r, ['', '--exclude-standard', '-i --exclude-standard'])}`,
    `git grep -l ${pick(r, ['export', 'app', 'a', 'run'])}`,
    `find ${dir(r, p)} -name '${pick(r, namePatterns)}'`,
    `find ${dir(r, p)} -type f`,
    `ls ${pick(r, ['src', 'docs', 'scratch', 'sub'])}`,
  ]);
}

/** One simple command (no list operators). */
export function simple(r: R, p: PathPool): string {
  const f = (): string => fileTarget(r, p);
  switch (Math.floor(r() * 53)) {
    case 0:
    case 1:
      return `rm ${pick(r, ['', '-f', '-rf', '-r', '-fv'])} ${paths(r, p)}`.replace('  ', ' ');
    case 2:
    case 3:
      return `mv ${pick(r, ['', '-f', '-n', '-v'])} ${anyPath(r, p)} ${dest(r, p)}`.replace('  ', ' ');
    case 4:
      return `mv ${paths(r, p, 2)} ${pick(r, [...p.dirs, '../outdir', 'dist'])}`;
    case 5:
    case 6:
      return `cp ${pick(r, ['', '-r', '-a', '-f', '-rf'])} ${anyPath(r, p)} ${dest(r, p)}`.replace('  ', ' ');
    case 7:
      return `ln -sf ${pick(r, [...p.tracked, '../payload.txt'])} ${f()}`;
    case 8:
      return `install -m 644 ${pick(r, [...p.tracked, '../payload.txt'])} ${f()}`;
    case 9:
      return `touch ${f()}`;
    case 10:
      return `truncate -s ${pick(r, ['0', '3', '+2'])} ${f()}`;
    case 11:
      return `: > ${f()}`;
    case 12:
      return `echo ${pick(r, ['x', 'NEW=1', ''])} ${pick(r, ['>', '>>', '>|'])} ${f()}`;
    case 13:
      return `printf 'y\\n' | tee ${pick(r, ['', '-a'])} ${f()}${chance(r, 0.5) ? ' >/dev/null' : ''}`.replace('  ', ' ');
    case 14:
      return pick(r, [`dd if=${pick(r, [...p.tracked, '/dev/zero', '../payload.txt'])} of=${f()} bs=4 count=1 status=none`, `dd if=/dev/zero of=${f()} bs=1 count=3 conv=notrunc status=none`]);
    case 15:
    case 16:
      return `sed -i${pick(r, ['', '.bak'])} 's/${pick(r, ['a', 'export', 'e', 'x'])}/Z/' ${paths(r, p)}`;
    case 17:
      return `perl -pi -e 's/a/Q/' ${paths(r, p)}`;
    case 18:
      return `find ${dir(r, p)} -name '${pick(r, namePatterns)}' ${pick(r, ['-delete', '-exec rm {} \\;', '-exec rm -f {} +', '-type f -delete', "-exec sed -i 's/a/b/' {} +", '-exec mv {} ../outdir \\;'])}`;
    case 19:
    case 20:
      return `${lister(r, p)} | xargs ${pick(r, ['rm', 'rm -f', 'sed -i s/a/b/', 'truncate -s 0', 'git rm -q', 'mv -t ../outdir', '-I{} cp {} ../outdir', 'touch'])}`;
    case 21:
      return `for f in ${pick(r, p.globs)}${chance(r, 0.4) ? ` ${anyPath(r, p)}` : ''}; do ${pick(r, ['rm -f "$f"', 'mv "$f" "$f.bak"', 'mv "$f" ../out', ': > "$f"', 'sed -i s/a/b/ "$f"', 'cp "$f" ../outdir/', 'echo >> "$f"', 'git rm -q "$f"', 'mv "$f" "${f%.*}.ts"'])}; done`;
    case 22:
      return `${lister(r, p)} | while read -r f; do ${pick(r, ['rm -f "$f"', ': > "$f"', 'mv "$f" ../outdir/', 'echo x >> "$f"'])}; done`;
    case 23:
      return `git rm ${pick(r, ['', '-f', '-r', '-rf', '--cached', '-r --cached', '-q'])} ${paths(r, p)}`.replace('  ', ' ');
    case 24:
      return `git mv ${pick(r, ['', '-f', '-k'])} ${anyPath(r, p)} ${dest(r, p)}`.replace('  ', ' ');
    case 25:
      return pick(r, ['git checkout feature', 'git checkout -f feature', `git checkout -- ${paths(r, p)}`, 'git checkout .', `git checkout HEAD -- ${paths(r, p)}`, `git checkout feature -- ${paths(r, p)}`, 'git checkout v1', 'git checkout -b newb', 'git checkout -B feature', 'git checkout -']);
    case 26:
      return `git restore ${pick(r, ['', '--staged', '--worktree', '--staged --worktree', '--source=feature', '--source=HEAD~1 --staged --worktree'])} ${paths(r, p)}`.replace('  ', ' ');
    case 27:
      return `git reset ${pick(r, ['--hard', '--mixed', '--soft', '--keep', '--merge', '', '-q'])} ${pick(r, ['', 'HEAD', 'HEAD~1', 'feature', 'v1'])}`.replace(/ +/g, ' ').trim();
    case 28:
      return `git clean ${pick(r, ['-f', '-fd', '-fx', '-fX', '-fdx', '-n', '-fd src', '-fX sub', '-f -- notes.txt', '-fdX'])}`;
    case 29:
      return `git stash ${pick(r, ['', 'push', '-u', '-a', 'pop', 'drop', 'clear', 'apply', 'push -- src', 'push -u -- scratch', 'push --keep-index', 'branch stashed'])}`.trim();
    case 30:
      return pick(r, ['git switch feature', 'git switch -f feature', 'git switch --discard-changes feature', 'git switch -c topic', 'git switch -C feature', 'git switch --detach v1', 'git switch -']);
    case 31:
      return pick(r, ['git branch -D feature', 'git branch -d feature', 'git branch -f feature HEAD', 'git branch -M feature other', 'git tag -d v1', 'git tag -f v1 HEAD', 'git branch -m main trunk', 'git update-ref -d refs/heads/feature', 'git update-ref refs/heads/feature HEAD']);
    case 32:
      return pick(r, ['git commit -qam fuzz', 'git commit -qm fuzz', 'git commit -q --amend -m amended', 'git commit -qam fuzz --allow-empty', 'git add -A && git commit -qm all']);
    case 33:
      return pick(r, [`git diff feature > ../patch.diff && git apply ${pick(r, ['', '-R', '--index'])} ../patch.diff`, `git diff HEAD > ../p.diff && git apply -R ../p.diff`, `git apply --reject ../nope.diff`]);
    case 34:
      return `git archive -o ${f()} HEAD ${pick(r, ['', 'src', 'docs'])}`.trim();
    case 35:
      return `curl -s -o ${f()} file://$(cd .. && pwd)/payload.txt`;
    case 36:
      return `cat ${pick(r, [...p.tracked, ...p.ignored])} > ${f()}`;
    case 37:
      return pick(r, ['git merge feature', 'git merge --squash feature', 'git rebase feature', 'git cherry-pick feature', 'git revert --no-edit HEAD', 'git pull', 'git stash show -p | git apply']);
    case 38:
      return `${pick(r, ['sort', 'uniq', 'tac', 'cut -c1-3'])} ${pick(r, p.tracked)} ${pick(r, ['-o ', '> '])}${f()}`.replace('tac -o ', 'tac > ').replace('uniq -o ', 'uniq > ').replace('cut -c1-3 -o ', 'cut -c1-3 > ');
    case 39:
      return `unlink ${f()}`;
    case 40:
      return `ln -f ${pick(r, p.tracked)} ${f()}`;
    case 41:
      return `chmod ${pick(r, ['644', '600', '+x', '-R u+w', '000'])} ${anyPath(r, p)}`;
    case 42:
      return `${pick(r, ['ls nope', 'git status --short', 'git show HEAD:README.md', 'git diff', 'git log --oneline -1', 'cat nope.txt'])} ${pick(r, ['2>', '&>', '>', '2>&1 >', '>&'])} ${f()}`;
    case 43:
      // The body goes after the whole line (commandFor): a heredoc's lines follow the next newline.
      return `cat > ${f()} <<'EOF'`;
    case 44: {
      const file = pick(r, [...p.ignored, ...p.tracked.filter((x) => !x.includes("'")), ...p.untracked]);
      return pick(r, [
        `node -e "require('fs').rmSync('${file}', { recursive: true, force: true })"`,
        `node -e "require('fs').writeFileSync('${file}', 'x')"`,
        `perl -e 'unlink "${file}"'`,
        `node -e "require('fs').renameSync('${file}', '${pick(r, ['../out', 'scratch/moved', `${file}.old`])}')"`,
      ]);
    }
    case 45:
      return pick(r, ['git rm -r -q --cached . && git add -A', 'git rm -r -q --cached src', 'git add -A', 'git add -f .env', 'git add -f src/config.local.js && git commit -qm forced', 'git update-index --assume-unchanged src/app.js', 'git checkout feature -- src/config.local.js', 'git show feature:src/config.local.js > src/config.local.js', 'git restore --source=feature -- src']);
    case 46:
      return pick(r, [`tar -cf ../t.tar ${pick(r, ['src', 'docs', '.env src', 'sub'])} && tar -xf ../t.tar${pick(r, ['', ' -C scratch'])}`, 'git archive HEAD | tar -x', `git archive HEAD src | tar -x -C ${pick(r, ['.', 'scratch', 'sub'])}`, `zip -qr ../z.zip ${pick(r, ['src', 'sub', '.env'])} && unzip -oq ../z.zip${pick(r, ['', ' -d scratch'])}`]);
    case 47:
      return `cp ${pick(r, ['-r', '-rT', '-a'])} ${pick(r, ['src/.', 'sub/.', 'src', 'docs/.'])} ${pick(r, ['scratch', 'sub', '.', 'src'])}`;
    case 48:
      return `git diff HEAD > ../p.diff && git checkout -q -- . && patch -p1 ${pick(r, ['', '-R'])} < ../p.diff`;
    case 49:
      return pick(r, ['git switch feature && git commit -q --amend -m amended', 'git checkout -q feature && git reset -q --hard HEAD~1', 'git checkout -q feature && git branch -f main feature', 'git stash -u && git stash drop', 'git stash -a', 'git stash push -q -- .env', 'git checkout stash@{0} -- .']);
    case 50:
      return `${pick(r, ['echo KEY=1', 'printf x'])} > ${pick(r, ['docs/env-link', 'docs/app-link.js'])}`;
    case 51:
      // Writers judged since 2026-12-05 (output-files.ts, git.ts, archives.ts, files.ts): git's diff
      // --output, format-patch's files, zip's archive, rsync of a file into a directory.
      return pick(r, [
        `git diff ${pick(r, ['', 'HEAD ', 'feature '])}--output=${f()}`,
        `git log -1 -p --output ${f()}`,
        `git stash show -p --output=${f()}`,
        `git format-patch -1 ${pick(r, ['', '-o scratch', '-o sub', '-o ../outdir', `--output=${f()}`, '--stdout > /dev/null'])}`.trim(),
        `zip -q ${pick(r, [f(), '../z.zip', 'new.zip'])} ${pick(r, p.tracked)}`,
        `rsync -a ${pick(r, ['sub/.env', '../payload.txt', ...p.tracked])} ${pick(r, ['.', './', 'sub/', 'scratch', ...p.dirs])}`,
      ]);
    default:
      return `${pick(r, ['rm -rf', 'mv', 'cp -r'])} ${pick(r, p.globs)} ${pick(r, ['../out', '../outdir', 'scratch', 'dist'])}`.replace(/^rm -rf (\S+) \S+$/, 'rm -rf $1');
  }
}

/** A command line: one simple command (half the time), or 2-3 joined, possibly after `cd dir &&` or in a subshell. */
export function commandFor(seed: number, p: PathPool): string {
  const r = rng(seed);
  const cd = chance(r, 0.15) ? pick(r, ['src', 'docs', 'sub', 'scratch']) : null;
  const pool = cd ? rebasePool(p, cd) : p;
  const parts = chance(r, 0.5) ? 1 : 2 + Math.floor(r() * 2);
  let line = simple(r, pool);
  for (let i = 1; i < parts; i++) line = `${line} ${pick(r, ['&&', ';', '&&', '||'])} ${simple(r, pool)}`;
  if (cd) line = `cd ${cd} && ${line}`;
  if (chance(r, 0.08)) line = `( ${line} )`;
  // Each heredoc's body, in order, after the line.
  for (let i = 0; i < line.split("<<'EOF'").length - 1; i++) line += `\nKEY=from-heredoc-${i}\nEOF`;
  return line;
}

/** The pool's words as seen from `dir` (after `cd dir`): src/app.js -> app.js, README.md -> ../README.md. */
function rebasePool(p: PathPool, dir: string): PathPool {
  const rebase = (word: string): string => {
    const m = /^(\$'|')?(.*?)(')?$/.exec(word)!;
    let core = m[2]!.replace(/^\.\//, '');
    if (core === dir) core = '.';
    else if (core.startsWith(`${dir}/`)) core = core.slice(dir.length + 1);
    else core = core === '.' ? '..' : `../${core}`;
    return `${m[1] ?? ''}${core}${m[3] ?? ''}`;
  };
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, (v as string[]).map(rebase)])) as unknown as PathPool;
}
