/**
 * The file pass over a command that runs where guard sees no file: in a pod (container-exec.ts,
 * `kubectl exec POD -- rm -rf /data`), on a node through `kubectl debug node/NAME`, on another
 * machine (remote-shell.ts, `ssh prod "rm -rf /srv/data"`). This file owns what those passes
 * share: the file rules judge the command with every path the other side's (under a root that
 * is never looked at, CommandContext.unseenFiles: a write that could replace a file counts as
 * replacing one), its temp directories scratch; a verdict of any other rule is dropped (the
 * caller's data pass judged it); each file verdict is handed back to the caller to word as its
 * own rule (`cluster-data-delete`, `remote-host-delete`), with the command and what it does given
 * back as typed (the mapped paths as the line names them, the repository's words cut off).
 */
import { asTyped, FILE_RULES } from './container-run.js';
import type { Invocation, Runtime, Stdin } from './runtime.js';
import type { Verdict } from './types.js';
import { makeVerdict, type RuleName, unrecoverableKind } from './rules.js';

/** The temp directories under a mapped root: what runs there deletes and writes them freely, as the host's. */
export function scratchUnder(root: string): string[] {
  return ['/tmp', '/var/tmp', '/dev/shm'].map((dir) => `${root}${dir}`);
}

export interface UnseenFiles {
  /** The command as judged: shell code with every path mapped. */
  source: string;
  /** The command as typed, shown where a verdict names the whole of it. */
  typed: string;
  /** Where it runs (mapped). */
  cwd: string;
  /** The root of the files guard cannot see (CommandContext.unseenFiles). */
  unseen: string;
  /** The scratch directories there (they replace the line's). */
  scratchDirs: string[];
  /** A script the line feeds it, with its paths mapped the same way (CommandContext.hostScript). */
  hostScript: (text: string) => string;
  env: Map<string, string | null>;
  stdin: Stdin;
  via: string;
  /** The caller's own mapped names given back as typed (the remote's home as `~`, a node's root as /host), before the container's. */
  unmap: (text: string) => string;
  /** The caller's verdict: `shown` the command as typed, `what` the file rule's reason as typed, its repository words cut off. */
  reword: (shown: string, what: string) => Verdict;
}

/** Judges `pass.source` by the file rules where its files are unseen, each verdict reworded by the caller. */
export function judgeUnseenFiles(inv: Invocation, rt: Runtime, pass: UnseenFiles): void {
  const typed = (text: string): string => asTyped(pass.unmap(text));
  rt.shell(pass.source, {
    cwd: pass.cwd,
    ctx: { ...rt.ctx, scratchDirs: pass.scratchDirs, unseenFiles: pass.unseen, hostScript: pass.hostScript },
    env: pass.env,
    foreignEnv: true,
    stdin: pass.stdin,
    via: pass.via,
    translate: (v) => {
      // git there works on that machine's repository, which no snapshot holds (since 2026-12-07, holes6; before, dropped here and free)
      if (v.rule.startsWith('git-')) return rt.ctx.unseenFiles !== undefined ? v : gitElsewhere(v, typed, rt.ctx.isAgent);
      if (!FILE_RULES.has(v.rule)) return null; // what it sends a server, an unknown word: judged by the caller's data pass
      // the repository's words cut off; where it ran inside that machine kept (`run in the container app`: container-run.ts)
      const reason = typed(v.reason);
      const cut = /, (outside the repository|in a directory guard cannot determine).*$/.exec(reason);
      const inner = cut === null ? [] : [...cut[0].matchAll(/ \((run in [^()]*)\)/g)].map((m) => m[1] as string);
      const what = (cut === null ? reason : reason.slice(0, cut.index)) + (inner.length > 0 ? ` (${inner.join(', ')})` : '');
      const shown = v.command === undefined || v.command === pass.source ? pass.typed : typed(v.command);
      // a pass inside another machine's (`ssh prod kubectl exec db-0 -- rm -rf /data`): the outer pass words it, as
      // that machine's (since 2026-12-07, holes6; before, the outer pass dropped this pass's own rule and it was free)
      if (rt.ctx.unseenFiles !== undefined) return { ...v, command: shown };
      return pass.reword(shown, what);
    },
  }, inv.source);
}

/**
 * A git verdict where git ran on a machine guard cannot see (`ssh prod 'cd /srv/app && git reset
 * --hard'`, `ssh prod git -C /srv/repo branch -D x`): git.ts judged it as git in a directory
 * outside the protected repository (a local change there is refused: no snapshot can be taken
 * first); worded as that machine's, refused for an agent and asked of a person as every other
 * deletion there is, with the rule's own way forward (`git stash`, `git branch -d`, a push
 * without force), which works there too.
 */
function gitElsewhere(v: Verdict, typed: (text: string) => string, isAgent: boolean): Verdict {
  const reason = typed(v.reason).replace(/, (?:outside the repository guard protects \([^)]*\)|in a directory guard does not protect), so guard cannot snapshot it first/, ' on another machine, where guard cannot snapshot the repository first');
  const kind = v.verdict === 'ask' || v.verdict === 'deny' || v.verdict === 'snapshot' ? unrecoverableKind(isAgent) : v.verdict;
  return makeVerdict(kind, v.rule as RuleName, reason.includes('on another machine') ? reason : `${reason}, on another machine, where guard cannot snapshot the repository first`, v.command === undefined ? undefined : typed(v.command), v.instead);
}
