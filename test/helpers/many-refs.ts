/**
 * Real-shaped history for tests and benchmarks that count git processes: many branches, many
 * tags (most of them annotated, as release tags are) and a few files, written by one
 * `git fast-import` (a second or two even for thousands of refs) and checked out by one
 * `git read-tree -u`. Everything is deterministic: fixed identity and dates, so the same counts
 * give the same ids in every run.
 */
import { spawnSync } from 'node:child_process';

export interface ManyRefsOptions {
  /** Tags in all; the first `annotated` of them are annotated, the rest lightweight. */
  tags: number;
  annotated: number;
  /** Branches besides main (each on a commit of its own). */
  branches: number;
  /** Files in the first commit (spread over directories of 100). Default 20. */
  files?: number;
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
}
