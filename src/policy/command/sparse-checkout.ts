/**
 * `git sparse-checkout set|add|reapply|init|disable`: what guard can give back may run after a
 * snapshot, what it cannot is denied. The snapshot holds the view and the tracked and untracked
 * files (snapshot/sparse-state.ts); in cone mode git also removes every directory leaving the cone
 * that holds only ignored files (packages/vite/dist, `.env.local`), which no snapshot holds. With
 * a view of the repository those files are read before the command (src/git/sparse-leaving.ts)
 * and captured into the snapshot, as for an `rm -rf` of ignored files (targets.ts); regenerable
 * output (commands.regenerable) goes uncaptured, as there. What cannot be captured (a nested
 * repository, too many files to list, a protected path, or a failed read) is denied, and the
 * capture bounds (commands.maxIgnoredCapture) deny in with-state.ts.
 */
import type { Field } from './expand.js';
import { protectedGlob } from './paths.js';
import { makeVerdict } from './rules.js';
import type { SparseCheckoutFacts, SparseCheckoutQuery } from './state.js';
import { listNames } from './targets.js';
import type { CommandContext, Verdict } from './types.js';

export const SPARSE_WRITES = new Set(['set', 'add', 'reapply', 'init', 'disable']);

/** Options of set/add/reapply/init that take no value (git's parse_options; they may follow the directories). */
const FLAGS = new Set(['--cone', '--no-cone', '--sparse-index', '--no-sparse-index', '--skip-checks', '--no-skip-checks', '--stdin', '--no-stdin', '--end-of-options']);

/**
 * The query for the words after the subcommand. `coneForced`: the command line sets
 * core.sparseCheckout* (`-c`), so cone mode is assumed (the larger deletion).
 */
export function sparseQuery(action: 'set' | 'add' | 'reapply' | 'init', words: Field[], cwd: string, coneForced: boolean): SparseCheckoutQuery {
  let cone: boolean | null = coneForced ? true : null;
  let dirs: string[] | null = [];
  let operands = false;
  for (const word of words) {
    const value = word.value;
    if (value === null) {
      // A word guard cannot see may be an option or a directory: the cone is unknown.
      dirs = null;
      continue;
    }
    if (!operands && value === '--') {
      operands = true;
      continue;
    }
    if (!operands && value.startsWith('-')) {
      if (value === '--cone' && !coneForced) cone = true;
      else if (value === '--no-cone' && !coneForced) cone = false;
      else if (value === '--stdin' || !FLAGS.has(value)) dirs = null;
      continue;
    }
    dirs?.push(value);
  }
  return { cwd, action, cone, dirs };
}

function text(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The verdict once the repository has been read (facts null: it could not be). */
export function judgeSparseCheckout(facts: SparseCheckoutFacts | null, what: string, ctx: CommandContext, source: string): Verdict {
  const tracked = `${what} changes which files are on disk: it deletes the tracked files that leave the view`;
  if (!facts) {
    return makeVerdict('deny', 'git-sparse-checkout', `${what} may delete, in cone mode, the ignored files (build output, .env) of the directories leaving the cone, which no snapshot holds, and guard could not read which`, source);
  }
  if (!facts.cone) return makeVerdict('snapshot', 'git-sparse-checkout', `${tracked} (not in cone mode: it deletes no ignored files); guard rollback gives back the view and the files`, source);
  const captured = facts.ignored.filter((entry) => !entry.regenerable);
  for (const entry of captured) {
    if (entry.files === null) {
      return makeVerdict('deny', 'git-sparse-checkout', `${what} deletes ${text(entry.path)} with the directory leaving the cone: more ignored files than guard can list to capture first, and no snapshot holds them`, source);
    }
    for (const file of entry.files) {
      const name = text(file.path);
      // `ls-files --others` shows a nested repository as `dir/`: git removes it, history and all.
      if (name.endsWith('/')) return makeVerdict('deny', 'git-sparse-checkout', `${what} deletes ${name}, an ignored git repository inside a directory leaving the cone, whose history no snapshot holds`, source);
      const glob = protectedGlob(name, ctx);
      if (glob) return makeVerdict('deny', 'protected-path', `${what} deletes ${name}, ignored, with the directory leaving the cone: a protected path (matches "${glob}")`, source);
    }
  }
  ctx.view?.addCapture(captured);
  const names = captured.flatMap((entry) => (entry.files ?? []).map((f) => text(f.path)));
  const output = facts.ignored.filter((entry) => entry.regenerable).map((entry) => text(entry.path));
  const keep = names.length > 0 ? `, and the directories leaving the cone with their ignored files; guard captures the ignored ${listNames(names)} into the snapshot first` : '';
  const rebuilt = output.length > 0 ? `; the regenerable output ${output.slice(0, 3).join(', ')}${output.length > 3 ? ` and ${output.length - 3} more` : ''} goes uncaptured (commands.regenerable)` : '';
  return makeVerdict('snapshot', 'git-sparse-checkout', `${tracked}${keep}${rebuilt}; guard rollback gives back the view and the files`, source);
}
