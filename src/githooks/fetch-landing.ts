/**
 * `guard hook fetch-landing REF TIP`: started by hooks/landing.sh when `git fetch` moved the
 * remote-tracking ref REF to TIP, a tip git marked for merging in FETCH_HEAD (what it leaves for a
 * `git merge`; reference-transaction, committed state), or (REF `FETCH_HEAD`) when a `git pull`
 * is about to merge or rebase onto TIP (its merge's ORIG_HEAD transaction, its rebase's
 * pre-rebase hook), and something ignored is on disk where TIP tracks a file that HEAD does not.
 *
 * git writes a tracked file over an ignored one without a word (a teammate's `git add -f .env`
 * pulled over the local `.env`; checked with git 2.39: ff, merge and rebase pulls), and no
 * snapshot holds ignored files. `git pull` is not judged by the agent hook (what it merges is
 * unknown before it fetches) and a person's pull by nothing, but the fetch knows the tip before
 * the merge runs: here the ignored files HEAD -> TIP writes over (src/git/tree-landing.ts, the
 * query the agent hook's overwrite-ignored verdict uses: one diff-tree, lstats, one ls-files) that
 * are not regenerable output are captured into a snapshot, as the agent hook's snapshot captures
 * them before `git merge X`, and journaled (`ignored-captured`). Over commands.maxIgnoredCapture
 * nothing is captured and the message says to move them aside first.
 *
 * Never refuses: the fetch has happened, and a snapshot only adds safety. Any error of guard's own
 * becomes one warning line.
 */
import fs from 'node:fs';
import { isRegenerable } from '../git/path-facts.js';
import { exactPathArg, fsPath, pathText, type GitPath } from '../git/path.js';
import { treeLanding } from '../git/tree-landing.js';
import { DEFAULT_CAPTURE_LIMITS } from '../policy/command/state.js';
import { createSnapshot } from '../snapshot/create.js';
import { appendEvent } from '../session/journal.js';
import { readOpenMarker } from '../session/open-marker.js';
import { backupAfterSnapshot } from '../backup/auto-push.js';
import type { HookReport } from './decide.js';
import { hookContext } from './context.js';

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function shortRef(ref: string): string {
  return ref === 'FETCH_HEAD' ? 'what git pull fetched (FETCH_HEAD)' : ref.replace(/^refs\/remotes\//, '');
}

function listed(names: string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

function sizeOf(root: string, file: string): number {
  try {
    return fs.lstatSync(fsPath(root, file as GitPath)).size;
  } catch {
    return 0;
  }
}

export async function fetchLanding(cwd: string, ref: string, tip: string, env: Record<string, string | undefined> = process.env): Promise<HookReport> {
  const name = shortRef(ref);
  try {
    if (!(ref.startsWith('refs/remotes/') || ref === 'FETCH_HEAD') || !OID.test(tip)) return { refused: false, messages: [] };
    const ctx = await hookContext(cwd, env);
    const { repo, policy } = ctx;
    const regenerable = (rel: string): boolean => isRegenerable(rel, policy.commands.regenerable);
    const root = repo.root.replace(/\/+$/, '');
    // A nested repository (`dir/`) is not captured file by file; git does not remove one it finds there.
    const files = treeLanding(repo, { cwd: root, from: 'HEAD', to: tip, toExists: true, pathspecs: [] }, regenerable).filter((f) => !f.endsWith('/') && !regenerable(f));
    if (files.length === 0) return { refused: false, messages: [] };
    const names = files.map((f) => pathText(f as GitPath));
    const bytes = files.reduce((sum, f) => sum + sizeOf(root, f), 0);
    const maxBytes = policy.commands.maxIgnoredCapture;
    if (bytes > maxBytes || files.length > DEFAULT_CAPTURE_LIMITS.maxFiles) {
      appendEvent(repo, { type: 'warned', rule: 'capture-too-large', ref, tip, actor: ctx.actor.kind, reason: `merging ${name} writes over ${files.length} ignored files (${bytes} bytes), more than guard captures (commands.maxIgnoredCapture)` });
      return {
        refused: false,
        messages: [
          `guard: warning: merging ${name}${ref === 'FETCH_HEAD' ? '' : ' (git pull, git merge)'} writes its tracked files over the ignored ${listed(names)} here, without a word; they are more than guard captures (commands.maxIgnoredCapture), so no snapshot holds them.`,
          ref === 'FETCH_HEAD'
            ? '  This pull writes over them right after this message; before the next one, move them aside (or raise commands.maxIgnoredCapture).'
            : '  Move them aside before the merge (a `git pull` already under way merges right after this fetch: copy them back from the merge result only if you need the old bytes).',
        ],
      };
    }
    const open = readOpenMarker(repo);
    const message = `before merging ${name} (${tip.slice(0, 12)}): the ignored files it writes over`;
    const { snapshot, created } = await createSnapshot(repo, {
      trigger: 'hook',
      message,
      session: open?.id ?? null,
      agent: open?.agent ?? null,
      maxFileSize: policy.snapshot.maxFileSize,
      includeIgnored: policy.snapshot.includeIgnored,
      captureIgnored: files,
    });
    appendEvent(repo, { type: 'snapshot', snapshot: snapshot.oid, trigger: 'hook', created, session: open?.id ?? null, agent: open?.agent ?? null });
    appendEvent(repo, { type: 'ignored-captured', rule: 'overwrite-ignored', ref, tip, snapshot: snapshot.oid, capturedIgnored: names, actor: ctx.actor.kind, session: open?.id ?? null, agent: open?.agent ?? null });
    backupAfterSnapshot(repo, created);
    const id = snapshot.oid.slice(0, 12);
    const args = files.map((f) => exactPathArg(f as GitPath)).join(' ');
    return {
      refused: false,
      messages: [
        `guard: ${name} tracks ${listed(names)}, ignored and on disk here: merging it (git pull, git merge) writes over ${files.length > 1 ? 'them' : 'it'} without a word. Captured into snapshot ${id}; to get ${files.length > 1 ? 'them' : 'it'} back after the merge: guard rollback ${id} --paths ${args}`,
      ],
    };
  } catch (error) {
    return { refused: false, messages: [`guard: warning: could not capture the ignored files merging ${name} may write over (${(error as Error).message}); the fetch goes on. Check with: guard status`] };
  }
}
