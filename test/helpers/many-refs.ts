/**
 * Real-shaped history for tests and benchmarks that count git processes: many branches, many
 * tags (most of them annotated, as release tags are) and a few files, written by one
 * `git fast-import` (a second or two even for thousands of refs) and checked out by one
 * `git read-tree -u`. Everything is deterministic: fixed identity and dates, so the same counts
 * give the same ids in every run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export interface ManyRefsOptions {
  /** Tags in all; the first `annotated` of them are annotated, the rest lightweight. */
  tags: number;
  annotated: number;
  /** Branches besides main (each on a commit of its own). */
  branches: number;
  /** Files in the first commit (spread over directories of 100). Default 20. */
  files?: number;
  /** Notes on commits under refs/notes/commits (one each on the first commits of main). */
  notes?: number;
  /** Other notes refs (refs/notes/extra-N), each with one note. */
  notesRefs?: number;
  /** Remotes r0..rN-1 with a url, a pushurl and a fetch refspec, each with a remote-tracking main. */
  remotes?: number;
  /** Stash entries (stash-shaped commits: worktree commit on main with the index commit as second parent). */
  stash?: number;
}

const WHEN = '1767225600 +0000'; // 2026-01-01T00:00:00Z

/** The fast-import stream: a chain of commits on main, tags and branches pointing into it. */
export function manyRefsStream(options: ManyRefsOptions): string {
  const files = options.files ?? 20;
  const commits = Math.max(options.tags, options.branches, 1);
  const out: string[] = [];
  const data = (text: string): string => `data ${Buffer.byteLength(text)}\n${text}\n`;
  out.push('blob\nmark :1\n', data('shared content\n'));
  for (let i = 0; i < commits; i++) {
    out.push(`commit refs/heads/main\nmark :${i + 2}\ncommitter Fixture <fixture@example.com> ${WHEN}\n`, data(`commit ${i}`));
    if (i === 0) {
      for (let f = 0; f < files; f++) out.push(`M 100644 :1 dir${Math.floor(f / 100)}/file${f}.txt\n`);
    }
    out.push(`M 100644 inline history.txt\n`, data(`step ${i}`));
  }
  for (let t = 0; t < options.tags; t++) {
    const commit = `:${(t % commits) + 2}`;
    if (t < options.annotated) {
      out.push(`tag v${t}\nfrom ${commit}\ntagger Fixture <fixture@example.com> ${WHEN}\n`, data(`release ${t}`));
    } else {
      out.push(`reset refs/tags/light-${t}\nfrom ${commit}\n\n`);
    }
  }
  for (let b = 0; b < options.branches; b++) out.push(`reset refs/heads/branch-${b}\nfrom :${(b % commits) + 2}\n\n`);
  const tip = `:${commits + 1}`;
  for (let r = 0; r < (options.remotes ?? 0); r++) out.push(`reset refs/remotes/r${r}/main\nfrom ${tip}\n\n`);
  if ((options.notes ?? 0) > 0) {
    out.push(`commit refs/notes/commits\ncommitter Fixture <fixture@example.com> ${WHEN}\n`, data('notes'));
    for (let n = 0; n < options.notes!; n++) out.push(`N inline :${(n % commits) + 2}\n`, data(`note ${n}`));
  }
  for (let r = 0; r < (options.notesRefs ?? 0); r++) {
    out.push(`commit refs/notes/extra-${r}\ncommitter Fixture <fixture@example.com> ${WHEN}\n`, data('notes'), `N inline ${tip}\n`, data(`extra note ${r}`));
  }
  // Stash entries: an index commit on main's tip, and the worktree commit with main and it as parents.
  let mark = commits + 2;
  for (let s = 0; s < (options.stash ?? 0); s++) {
    const index = ++mark;
    out.push(`commit refs/fixture/stash-${s}\nmark :${index}\ncommitter Fixture <fixture@example.com> ${WHEN}\n`, data(`index on main: stash ${s}`), `from ${tip}\n`, `M 100644 inline history.txt\n`, data(`stashed index ${s}`));
    out.push(`commit refs/fixture/stash-${s}\nmark :${++mark}\ncommitter Fixture <fixture@example.com> ${WHEN}\n`, data(`On main: stash ${s}`), `from ${tip}\nmerge :${index}\n`, `M 100644 inline history.txt\n`, data(`stashed worktree ${s}`));
  }
  return out.join('');
}

/** Fills the (empty, initialised) repository at `dir` and checks main out. */
export function buildManyRefsRepo(dir: string, env: NodeJS.ProcessEnv, options: ManyRefsOptions): void {
  const run = (args: string[], input?: string): void => {
    const result = spawnSync('git', args, { cwd: dir, env, input, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  };
  run(['fast-import', '--quiet', '--done'], `${manyRefsStream(options)}done\n`);
  run(['read-tree', '-u', '--reset', 'refs/heads/main']);
  run(['symbolic-ref', 'HEAD', 'refs/heads/main']);
  const remotes = options.remotes ?? 0;
  if (remotes > 0) {
    const sections = Array.from({ length: remotes }, (_, r) => `[remote "r${r}"]\n\turl = https://example.com/r${r}.git\n\tpushurl = git@example.com:r${r}.git\n\tfetch = +refs/heads/*:refs/remotes/r${r}/*\n`);
    const config = `${dir}/.git/config`;
    fs.appendFileSync(config, sections.join(''));
  }
  // The stash list, oldest entry first (stash@{0} is the last one stored).
  const stashed: string[] = [];
  for (let s = 0; s < (options.stash ?? 0); s++) stashed.push(`delete refs/fixture/stash-${s}\n`);
  for (let s = 0; s < (options.stash ?? 0); s++) run(['update-ref', '--create-reflog', '-m', `On main: stash ${s}`, 'refs/stash', `refs/fixture/stash-${s}`]);
  if (stashed.length > 0) run(['update-ref', '--stdin'], stashed.join(''));
}
