/**
 * Writes that need more than targets.ts's checkWriteTarget:
 *  - spellings that empty a file without naming a delete (`> file`, `: > file`, `cp /dev/null
 *    file`, `dd of=file`) are judged like `truncate`: a snapshot first inside the repository, a
 *    refusal outside it (nothing brings the old content back), except in the scratch directories
 *    (the system temp dir);
 *  - in-place edits of a glob (`sed -i ... src/*.js`, `perl -pi ... src/*.js`) are judged by what
 *    the pattern can reach (`.git`, guard's files, protected paths), not refused for being a glob,
 *    and the ignored files it matches are captured into the snapshot first.
 */
import type { Field } from './expand.js';
import { stricter } from './rules.js';
import { isStrictlyUnder, resolvePath } from './paths.js';
import { checkListedEdit } from './listings.js';
import { checkDeleteTarget, checkEdits, checkWriteTarget, globRelPattern } from './targets.js';
import type { CommandContext, Verdict } from './types.js';

/** Without the caller's scratch directories (the system temp dir, commands.tempIsScratch), /tmp. */
const DEFAULT_SCRATCH = ['/tmp'];

export function checkTruncateTarget(field: Field, cwd: string | null, ctx: CommandContext, source: string, verb: string): Verdict | null {
  const write = checkWriteTarget(field, cwd, ctx, source, `${verb} ${field.display}`);
  if (field.value === null || field.glob) return write;
  // `cd -P DIR > /dev/null` (gradlew): the null device holds nothing to lose, decided by the text
  // alone, without asking git about /dev/null (which kept no allow for the agent hook's shim).
  if (resolvePath(field.value, cwd) === '/dev/null') return write;
  const truncate = checkDeleteTarget(field, cwd, ctx, source, { recursive: false, verb });
  if (truncate.verdict === 'allow' || truncate.rule === 'rm-unknown-target') return write;
  const abs = resolvePath(field.value, cwd);
  // `dd ... of=/dev/null` (a read benchmark), `truncate -s0 /dev/null`: the null device holds nothing to lose.
  if (truncate.rule === 'rm-outside-repo' && abs === '/dev/null') return write;
  if (truncate.rule === 'rm-outside-repo' && abs !== null && (ctx.scratchDirs ?? DEFAULT_SCRATCH).some((dir) => isStrictlyUnder(abs, dir))) return write;
  return write ? stricter(write, truncate) : truncate;
}

/** An in-place edit of every file a glob matches: refused only where the pattern can reach what must not be written. */
export function checkWriteGlob(field: Field, cwd: string | null, ctx: CommandContext, source: string, what: string): Verdict | null {
  // Names a listing prints (`git ls-files | xargs sed -i`): judged by the set it can print.
  if (field.value === null && field.listed) {
    const listed = checkListedEdit(field.listed, cwd, what, ctx, source);
    if (listed !== undefined) return listed;
  }
  if (!field.glob || field.pattern === null) return checkWriteTarget(field, cwd, ctx, source, what);
  const reach = checkDeleteTarget(field, cwd, ctx, source, { recursive: false, verb: what });
  if (reach.verdict === 'deny') {
    if (reach.rule === 'git-dir-write' || reach.rule === 'device-write') return reach;
    if ((reach.rule === 'protected-path' || reach.rule === 'guard-self') && ctx.isAgent) return reach;
  }
  // Once guard has looked: the ignored files the pattern matches (`sed -i ... src/*.js` over an
  // ignored src/config.local.js) are captured into the snapshot first, as for `sed -i` of one.
  const rel = ctx.view?.resolved ? globRelPattern(field.pattern, cwd, ctx) : null;
  const matched = rel === null ? null : (ctx.view?.glob(rel) ?? null);
  return matched ? checkEdits(matched, what, ctx, source, false) : null;
}
