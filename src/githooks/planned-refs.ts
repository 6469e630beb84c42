/**
 * Judges the ref changes a command announces (src/policy/command/ref-changes.ts) against the
 * repository as it is now, with the rules reference-transaction applies (branch-violations.ts,
 * decide.ts's wouldRefuse). The agent hooks ask this before a command starts, so what git would
 * refuse part-way (`git reset --hard HEAD~1` on protected main: git resets the working tree, and
 * only then does reference-transaction refuse to move main) is refused whole, with nothing done.
 * It is also the only layer left for agents that run git with hooks switched off (Gemini CLI sets
 * core.hooksPath to "" for every shell command).
 *
 * Cost: nothing without a ref change. For a change of the checked-out branch (`reset`, `commit
 * --amend`, `rebase`), one `git rev-parse` says which branch HEAD is on, its tip and the revision
 * the command names (headAndBase); only where that form cannot answer exactly does it take one
 * `git symbolic-ref` and, for a protected branch, one `cat-file --batch-check` (the branch's tip
 * and the target together; `rev-parse --verify` for the tip alone). Unless the target is written as the branch's own ancestor (`HEAD~1`),
 * one `merge-base --is-ancestor` more. All synchronously: this is the agent hook's path, where
 * the first asynchronous spawn costs more than git itself (runGitSync).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGitSync } from '../git/run.js';
import { isAncestorSync, resolveRevSync, resolveRevsSync } from '../git/revs.js';
import { protectingBranchGlob } from '../policy/match.js';
import type { RefChange } from '../policy/command/ref-changes.js';
import { survives } from '../policy/command/branch-names.js';
import { branchDeleteViolation, branchRewriteViolation } from './branch-violations.js';
import type { HookContext } from './context.js';
import { wouldRefuse } from './decide.js';
import { configuredAt } from './messages.js';
import { policyPathspecs } from './pathspecs.js';
import { commitViolations } from './pre-commit.js';
import { commitChangesSync, type StagedChange } from './staged-changes.js';
import type { Violation } from './messages.js';
import { refNameOf } from '../git/ref-name.js';
import { escapedBytes, escapedText, shownEscaped } from '../util/escaped-text.js';

/** refs/heads/<name> HEAD points to, or null (detached, or no repository state to read). */
function symbolicFullName(repo: Repo, rev: string): string | null {
  const args = rev === 'HEAD' ? ['symbolic-ref', '-q', 'HEAD'] : ['rev-parse', '--symbolic-full-name', '--end-of-options', rev];
  const result = runGitSync(args, { cwd: repo.root, okCodes: [1, 128] });
  const name = result.code === 0 ? escapedText(result.stdout).trim() : '';
  return name.startsWith('refs/heads/') ? name : null;
}

/** resolveRevsSync, answered from `known` (what headAndBase resolved) when it holds every revision. */
function resolveKnown(repo: Repo, revs: string[], known: ReadonlyMap<string, string | null>): Array<string | null> {
  if (revs.every((rev) => known.has(rev))) return revs.map((rev) => known.get(rev) ?? null);
  return revs.length === 1 ? [resolveRevSync(repo, revs[0]!)] : resolveRevsSync(repo, revs);
}

const OBJECT_NAME = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * What `git symbolic-ref -q HEAD` and `cat-file --batch-check` of the branch's tip and of
 * `base^{commit}` would say, from one `git rev-parse HEAD [base^{commit}] --symbolic-full-name
 * HEAD --` (the revisions are printed as object names, then HEAD's branch; `--` keeps them from
 * being read as paths). When HEAD is on a branch, HEAD's commit is that branch's tip. Null where
 * this form cannot answer exactly, so the caller asks the usual way: an unborn HEAD or a base that
 * does not resolve (rev-parse fails), and a base rev-parse would read as something other than one
 * revision (an option, a range `a..b`, `^a`, `a^!`, `a^@`), which is not tried at all.
 */
function headAndBase(repo: Repo, base: string | null): { head: string | null; tip: string; base: string | null } | null {
  if (base !== null && !/^[A-Za-z0-9_@{}~^/.+-]+$/.test(base)) return null;
  if (base !== null && (base.startsWith('-') || base.startsWith('^') || base.includes('..') || /\^[@!-]/.test(base))) return null;
  const revs = base === null ? ['HEAD'] : ['HEAD', `${base}^{commit}`];
  const result = runGitSync(['rev-parse', ...revs, '--symbolic-full-name', 'HEAD', '--'], { cwd: repo.root, okCodes: [128] });
  if (result.code !== 0) return null;
  const lines = escapedText(result.stdout).split('\n');
  if (lines.length !== revs.length + 3 || lines[revs.length + 1] !== '--' || lines[revs.length + 2] !== '') return null;
  const oids = lines.slice(0, revs.length);
  if (!oids.every((line) => OBJECT_NAME.test(line))) return null;
  const name = lines[revs.length]!;
  // Detached: rev-parse names HEAD itself, as symbolic-ref -q names nothing.
  if (name !== 'HEAD' && !name.startsWith('refs/heads/')) return null;
  return { head: name === 'HEAD' ? null : name, tip: oids[0]!, base: base === null ? null : oids[1]! };
}

/** A byte escape-text.ts wrote as a lone surrogate: the name is not UTF-8. */
const ESCAPED = /[\udc80-\udcff]/;

/**
 * Names here are escaped text (escaped-text.ts), whether read from git or typed in the command:
 * a name that is not UTF-8 (`git branch $'caf\xe9'`) stays the name it is, resolves by its bytes
 * (revs.ts) and equals the typed word. Until 2026-12-07 (helper bytes3) git's were decoded as
 * UTF-8: the name became U+FFFD, which resolved to nothing, so a protected branch read as unborn
 * and its rewrite went unrefused. The hooks see a ref as ref-name.ts writes it (`caf\351`), and
 * protect.branches globs are matched there: this is that form, for matching and messages.
 */
function hookRef(ref: string): string {
  return ESCAPED.test(ref) ? refNameOf(escapedBytes(ref)) : ref;
}

function fullRef(name: string): string {
  return name.startsWith('refs/') ? name : `refs/heads/${name}`;
}

/**
 * After a switch earlier in the line, `HEAD~1` names a commit of the branch switched to, not of
 * the one checked out now.
 */
function onBranch(rev: string, switchedTo: string | null): string {
  if (switchedTo === null) return rev;
  return rev.replace(/^(HEAD|@)(?=$|[~^])/, switchedTo);
}

/** The revision a change moves its branch to, or replays it onto; null when it names none. */
function baseOf(change: Exclude<RefChange, { kind: 'switch' | 'abort' | 'push-lease' | 'commit' | 'delete-unnamed' }>, switchedTo: string | null): string | null {
  return change.kind === 'move' && change.to !== null
    ? onBranch(change.to, switchedTo)
    : change.kind === 'rebase' && change.upstream !== null && change.upstream !== '--root'
      ? change.upstream === '@{upstream}' && switchedTo !== null
        ? `${switchedTo}@{upstream}`
        : onBranch(change.upstream, switchedTo)
      : null;
}

function violationOf(ctx: HookContext, change: Exclude<RefChange, { kind: 'switch' | 'abort' | 'push-lease' | 'commit' | 'delete-unnamed' }>, ref: string, switchedTo: string | null, known: ReadonlyMap<string, string | null>): Violation | null {
  const glob = protectingBranchGlob(ctx.policy, hookRef(ref));
  if (glob === null) return null;
  // The branch's tip, and the revision it would move to (or be replayed onto), in one batch.
  const base = baseOf(change, switchedTo);
  const [old, target] = base === null ? [resolveKnown(ctx.repo, [ref], known)[0] ?? null, null] : resolveKnown(ctx.repo, [ref, `${base}^{commit}`], known);
  if (!old) return null; // an unborn branch has no history to lose
  switch (change.kind) {
    case 'delete':
      return branchDeleteViolation(ctx, hookRef(ref), glob, old);
    case 'rewrite':
      return branchRewriteViolation(ctx, hookRef(ref), glob, old, 'a new commit beside it', change.how);
    case 'move': {
      if (change.to === null) return branchRewriteViolation(ctx, hookRef(ref), glob, old, 'a revision guard cannot see before the command runs', change.how);
      // Not a revision: git reads it as a path (`git reset file`) or fails; either way no ref moves.
      if (!target || target === old) return null;
      // `HEAD~1`, `HEAD^2` of the branch being moved name its own ancestors: another commit than its
      // tip is then never a fast-forward, and no merge-base needs to say so (the common reset).
      const ownAncestor = change.ref === 'HEAD' && /^(HEAD|@)(?:[~^]\d*)+$/.test(change.to);
      if (!ownAncestor && isAncestorSync(ctx.repo, old, target)) return null;
      return branchRewriteViolation(ctx, hookRef(ref), glob, old, target, change.how);
    }
    case 'rebase': {
      if (change.upstream === null || change.upstream === '--root') {
        return branchRewriteViolation(ctx, hookRef(ref), glob, old, change.upstream === null ? 'a base guard cannot see' : 'all of its history replayed', change.how);
      }
      if (!target) return null; // git refuses to start (no such upstream)
      // Replaying nothing of its own onto a descendant is a fast-forward.
      if (isAncestorSync(ctx.repo, old, target)) return null;
      return branchRewriteViolation(ctx, hookRef(ref), glob, old, `its commits replayed onto ${shownEscaped(change.upstream)}`, change.how);
    }
  }
}

/**
 * Where an abort moves the checked-out branch back to, as git decides it: `git am --abort` goes to
 * ORIG_HEAD and a cherry-pick's or revert's to the commit in sequencer/head, each only while its
 * state directory is there and its abort-safety names HEAD (otherwise git says HEAD moved and
 * does not rewind). Read from this worktree's git dir, no git process; null: nothing moves.
 */
function abortTarget(repo: Repo, operation: 'am' | 'sequencer', headTip: () => string | null): string | null {
  const dir = path.join(repo.gitDir, operation === 'am' ? 'rebase-apply' : 'sequencer');
  const read = (name: string): string | null => {
    try {
      return fs.readFileSync(path.join(dir, name), 'latin1').trim();
    } catch {
      return null;
    }
  };
  const target = operation === 'am' ? (fs.existsSync(dir) ? 'ORIG_HEAD' : null) : read('head');
  if (target === null) return null;
  // git reads a missing abort-safety as "no commit", which HEAD never is: no rewind then either.
  const safety = read('abort-safety');
  return safety !== null && safety === headTip() ? target : null;
}

type PushLease = Extract<RefChange, { kind: 'push-lease' }>;

/** A remote's short name as the remote-tracking refs use it (a URL or path has none). */
const REMOTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Where `git push --force-with-lease [remote]` (no refspec) sends the checked-out branch `head`,
 * as git decides it: the branch's push destination (`%(push)`: its remote-tracking name, which
 * follows push.default, the upstream, remote.pushDefault and remote.<name>.push; `%(push:remoteref)`
 * where push refspecs are configured), unless push.default is `matching` (every branch with a
 * counterpart on the remote goes, protected ones too). Two git processes, only for this form.
 * A string is the destination branch and its remote; null: git's answer is none guard can judge.
 *
 * Names are escaped text (a branch whose name is not UTF-8 is itself, not U+FFFD): such a `head`
 * cannot go on for-each-ref's command line, so then every local branch is listed with its
 * refname and the line whose bytes are `head`'s answers (still one process).
 */
function defaultPushDestination(repo: Repo, head: string, remote: string | null): { remote: string; branch: string } | null {
  const mode = runGitSync(['config', '--get', 'push.default'], { cwd: repo.root, okCodes: [1] }).stdout.toString('utf8').trim();
  if (mode === 'matching') return null;
  const byBytes = ESCAPED.test(head);
  const format = `${byBytes ? '%(refname)%00' : ''}%(push:remotename)%00%(push)%00%(push:remoteref)`;
  const out = escapedText(runGitSync(['for-each-ref', `--format=${format}`, '--end-of-options', byBytes ? 'refs/heads/' : head], { cwd: repo.root }).stdout);
  const line = byBytes ? (out.split('\n').find((l) => l.startsWith(`${head}\0`))?.slice(head.length + 1) ?? '') : out.replace(/\n$/, '');
  const [pushRemote = '', tracking = '', remoteRef = ''] = line.split('\0');
  if (!pushRemote || (remote !== null && remote !== pushRemote)) return null;
  if (remoteRef) return remoteRef.startsWith('refs/heads/') ? { remote: pushRemote, branch: remoteRef.slice('refs/heads/'.length) } : null;
  const prefix = `refs/remotes/${pushRemote}/`;
  return tracking.startsWith(prefix) ? { remote: pushRemote, branch: tracking.slice(prefix.length) } : null;
}

/**
 * A lease push judged against the repository: each destination resolved (`HEAD`: the checked-out
 * branch; none named: git's push destination), a protected one refused as the pre-push hook
 * refuses it, one guard cannot determine refused too (it could be protected). The remote-tracking
 * refs of the destinations go to `keep`: the tips the lease lets git overwrite.
 */
function pushLeaseViolation(ctx: HookContext, change: PushLease, head: string | null, keep: string[]): Violation | null {
  const remote = change.remote;
  const shownRemote = remote ?? 'the remote';
  const unknown = (why: string): Violation => ({
    rule: 'protected-branch-force-push',
    what: `force-push with a lease to a branch guard cannot determine (${why}), which could be a protected one`,
    subject: `${shownRemote} (unknown branch)`,
    instead: [`name the branch: git push --force-with-lease ${remote ?? 'origin'} <branch>`],
  });
  const resolved: Array<{ remote: string | null; branch: string }> = [];
  // A name that is not UTF-8 is escaped text, judged by its bytes as any other (until 2026-12-07,
  // helper friction8, it was refused as unknown): defaultPushDestination finds it by its bytes,
  // protect.branches matches it as the pre-push hook sees it (hookRef).
  if (change.destinations === null) {
    if (head === null) return unknown('HEAD is detached');
    const found = defaultPushDestination(ctx.repo, head, remote);
    if (found === null) return unknown(`git's push destination for ${shownEscaped(head.replace(/^refs\/heads\//, ''))} depends on push.default, the upstream or the remote named`);
    resolved.push(found);
  } else {
    for (const destination of change.destinations) {
      if (destination !== 'HEAD') resolved.push({ remote, branch: destination });
      else if (head === null) return unknown('HEAD is detached');
      else resolved.push({ remote, branch: head.replace(/^refs\/heads\//, '') });
    }
  }
  for (const { remote: to, branch } of resolved) {
    const glob = protectingBranchGlob(ctx.policy, hookRef(`refs/heads/${branch}`));
    if (glob !== null) {
      return {
        rule: 'protected-branch-force-push',
        what: `rewrite the protected branch ${shownEscaped(branch)} on ${to ?? shownRemote} (a force-push; --force-with-lease is no exemption)`,
        subject: `${to ?? shownRemote} ${shownEscaped(`refs/heads/${branch}`)}`,
        why: `${shownEscaped(branch)} is protected: it matches '${glob}' (${configuredAt(ctx.policy, 'protect.branches', ctx.repo.root)})`,
        instead: [`git fetch ${to ?? 'origin'} && git rebase ${shownEscaped(`${to ?? 'origin'}/${branch}`)} (or merge), then push without --force`, 'or push your work to a new branch and open a pull request'],
      };
    }
    if (to !== null && REMOTE_NAME.test(to)) keep.push(`refs/remotes/${to}/${branch}`);
  }
  return null;
}

/**
 * `git branch -d`/`-D` of names guard cannot read before the command runs: refused where a local
 * branch matches a protected glob and git would delete it, that is, it is checked out in no
 * worktree (git refuses to delete a checked-out branch; after a switch earlier in the line, the
 * branch switched to is the one checked out here, `switchedTo`), and, where the names are words of
 * `git branch` lines (`change.lines`: `git branch --merged | grep -v main | xargs git branch -d`),
 * its line `  NAME` is listed and gets through the line's grep filters (branch-names.ts). One `git
 * for-each-ref`; a second (`--merged=REV`) only where a protected branch gets through the filters
 * and the listing is `--merged`.
 */
function unnamedDeleteViolation(ctx: HookContext, change: Extract<RefChange, { kind: 'delete-unnamed' }>, switchedTo: string | null | undefined): Violation | null {
  // Escaped text: a name that is not UTF-8 stays itself, equal to the same name typed as `$'caf\xe9'`
  // in a grep filter (decoded as UTF-8 it was U+FFFD, which no filter matched as git's line would).
  const out = escapedText(runGitSync(['for-each-ref', '--format=%(refname)%00%(worktreepath)%00%(HEAD)', 'refs/heads/'], { cwd: ctx.repo.root }).stdout);
  const branches = out.split('\n').filter((line) => line !== '').map((line) => line.split('\0') as [string, string, string]);
  // On no branch (detached, or after a detaching switch), `git branch` prints a `* (HEAD detached ...)`
  // line whose words guard does not model: the filters are not relied on then.
  const current = switchedTo === undefined ? (branches.find(([, , head]) => head === '*')?.[0] ?? null) : switchedTo;
  // Globbed words (`git branch -d $(git branch | grep -v main)`): where the `* NAME` line gets
  // through, its `*` becomes the names of the files in the directory, which could be any branch's.
  const globbed = current !== null && change.lines?.globbed === true && survives(`* ${current.replace(/^refs\/heads\//, '')}`, change.lines.filters);
  // xargs removes quotes from its input (`ma''in` is the word main), and a branch name may hold
  // them; a branch named `+` is also the marker word of another worktree's line.
  const quoted = branches.some(([ref]) => /['"]/.test(ref) || ref === 'refs/heads/+');
  const lines = current !== null && !globbed && !quoted ? change.lines : undefined;
  let merged: Set<string> | null = null;
  const listed = (ref: string): boolean => {
    if (!lines || lines.merged === null) return true;
    if (merged === null) {
      const result = runGitSync(['for-each-ref', '--format=%(refname)', `--merged=${lines.merged}`, 'refs/heads/'], { cwd: ctx.repo.root, okCodes: [128, 129] });
      // A revision git cannot resolve: git branch --merged fails too, but guard does not rely on that.
      merged = result.code === 0 ? new Set(escapedText(result.stdout).split('\n').filter(Boolean)) : new Set(branches.map(([name]) => name));
    }
    return merged.has(ref);
  };
  const candidates: string[] = [];
  for (const [ref = '', worktree = ''] of branches) {
    const here = worktree !== '' && path.resolve(worktree) === path.resolve(ctx.repo.root);
    if (switchedTo === undefined ? worktree !== '' : ref === switchedTo || (worktree !== '' && !here)) continue;
    const glob = protectingBranchGlob(ctx.policy, hookRef(ref));
    if (glob === null) continue;
    const name = ref.replace(/^refs\/heads\//, '');
    if (lines && !survives(`  ${name}`, lines.filters)) continue;
    candidates.push(ref);
  }
  for (const ref of candidates) {
    if (!listed(ref)) continue;
    const glob = protectingBranchGlob(ctx.policy, hookRef(ref)) as string;
    const violation = branchDeleteViolation(ctx, hookRef(ref), glob, null);
    const name = hookRef(ref).replace(/^refs\/heads\//, '');
    const typed = shownEscaped(ref.replace(/^refs\/heads\//, ''));
    const listing = lines ? `git branch${lines.merged !== null ? ` --merged${lines.merged === 'HEAD' ? '' : ` ${lines.merged}`}` : ''}` : '';
    const why = lines
      ? `its line \`  ${name}\` in \`${listing}\` gets through the filters`
      : globbed
        ? `the line of the checked-out branch gets through the filters, and the shell expands its \`*\` to the names of the files where git runs`
        : change.lines && current === null
          ? 'HEAD is on no branch, and its line in `git branch` is not read'
          : change.lines && quoted
            ? 'a local branch name holds a quote, which xargs removes, so a line may name another branch'
            : 'any local branch could be among them';
    return {
      ...violation,
      what: `delete branches guard cannot name before it runs (${change.how}), among which could be the protected branch ${name} (${why})`,
      partWay: `the branches named before ${name} are deleted by then`,
      instead: [
        lines
          ? `leave ${name} out of the names (\`| grep -vF ${typed}\` before xargs), or name the branches to delete (git branch -d feature-x)`
          : globbed
            ? `leave the checked-out branch's line out (\`grep -v '^\\*'\`) or hand the names over with \`| xargs git branch -d\`, which globs nothing`
            : `list them first (git branch --merged) and name the ones to delete (git branch -d feature-x)`,
        `git never deletes the checked-out branch, so this also runs while ${name} is checked out`,
        ...violation.instead.slice(1),
      ],
    };
  }
  return null;
}

/**
 * What an agent's `git commit` would commit under the protected paths, as the pre-commit hook
 * would be asked (its fast path's pathspecs; pre-commit.ts decides on the names): a plain commit
 * (or --amend) the index, `-a` the working tree of the tracked files, `git commit <pathspec>` the
 * working tree of those paths, -i those and the index. One git process for a plain commit or -a;
 * none without protected paths. Where guard cannot see what is committed (a pathspec it cannot
 * read, --patch), both the index and the working tree, a superset.
 */
function committed(ctx: HookContext, change: Extract<RefChange, { kind: 'commit' }>): StagedChange[] {
  const specs = policyPathspecs(ctx.policy);
  if (specs.length === 0) return [];
  const named = change.pathspecs !== null && change.pathspecs.length > 0 && !change.interactive && change.cwd !== null;
  if (named && !change.include) return commitChangesSync(ctx.repo, { cached: false, pathspecs: change.pathspecs!, cwd: change.cwd! });
  if (change.pathspecs !== null && change.pathspecs.length === 0 && !change.interactive && !change.include) return commitChangesSync(ctx.repo, { cached: !change.all, pathspecs: specs });
  const both = [
    ...commitChangesSync(ctx.repo, { cached: true, pathspecs: specs }),
    ...(named ? commitChangesSync(ctx.repo, { cached: false, pathspecs: change.pathspecs!, cwd: change.cwd! }) : commitChangesSync(ctx.repo, { cached: false, pathspecs: specs })),
  ];
  const seen = new Set<string>();
  return both.filter((c) => {
    const key = `${c.status}\0${c.from}\0${c.to}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

/**
 * The first announced change the git layer would refuse, or null. `keep` receives the refs whose
 * tips the changes let git overwrite where guard must keep them first (a lease push's
 * remote-tracking refs).
 */
export async function refusedRefChange(ctx: HookContext, changes: readonly RefChange[], keep: string[] = []): Promise<Violation | null> {
  if (changes.length === 0) return null;
  let head: string | null | undefined;
  let switched = false;
  // Revisions already resolved (headAndBase), as resolveRevsSync would resolve them now.
  const known = new Map<string, string | null>();
  for (const announced of changes) {
    if (announced.kind === 'commit') {
      // A person's pre-commit hook runs and decides; an agent's may not (Gemini CLI: hooks off).
      if (ctx.actor.kind !== 'agent') continue;
      for (const violation of await commitViolations(ctx, committed(ctx, announced))) {
        if (await wouldRefuse(ctx, violation)) return violation;
      }
      continue;
    }
    if (announced.kind === 'delete-unnamed') {
      const violation = unnamedDeleteViolation(ctx, announced, switched ? (head ?? null) : undefined);
      if (violation && (await wouldRefuse(ctx, violation))) return violation;
      continue;
    }
    // An abort is a move back to where the operation started, when git would rewind at all.
    const to = announced.kind === 'abort' ? abortTarget(ctx.repo, announced.operation, () => resolveRevSync(ctx.repo, 'HEAD')) : null;
    if (announced.kind === 'abort' && to === null) continue;
    const change: Exclude<RefChange, { kind: 'abort' | 'commit' | 'delete-unnamed' }> = announced.kind === 'abort' ? { kind: 'move', ref: 'HEAD', to, how: announced.how, command: announced.command } : announced;
    if (change.kind === 'push-lease') {
      if (head === undefined) head = symbolicFullName(ctx.repo, 'HEAD');
      const violation = pushLeaseViolation(ctx, change, head, keep);
      if (violation && (await wouldRefuse(ctx, violation))) return violation;
      continue;
    }
    if (change.kind === 'switch') {
      // The branch is a word of the command line: escaped text, as git's names are read here.
      switched = true;
      if (change.branch === null) head = null;
      else if (change.branch.startsWith('@{')) head = symbolicFullName(ctx.repo, change.branch);
      // `git checkout X` of a path switches nothing: only an existing (or new) branch counts.
      else if (change.created || resolveRevSync(ctx.repo, fullRef(change.branch)) !== null) head = fullRef(change.branch);
      continue;
    }
    let ref: string | null;
    if (change.ref === 'HEAD') {
      if (head === undefined && !switched) {
        // Nothing switched yet: HEAD's branch, its tip and the target from one git process.
        const base = baseOf(change, null);
        const found = headAndBase(ctx.repo, base);
        if (found) {
          head = found.head;
          if (head !== null) known.set(head, found.tip);
          if (base !== null) known.set(`${base}^{commit}`, found.base);
        }
      }
      if (head === undefined) head = symbolicFullName(ctx.repo, 'HEAD');
      ref = head;
    } else ref = fullRef(change.ref);
    if (ref === null) continue; // detached HEAD: no branch moves
    const violation = violationOf(ctx, change, ref, switched ? ref : null, known);
    if (violation && (await wouldRefuse(ctx, violation))) return violation;
  }
  return null;
}
