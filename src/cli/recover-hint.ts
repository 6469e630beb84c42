/**
 * After `rm -rf .git` every command says what to do: when a command finds no repository and a
 * backup of this directory exists, its error points at `guard recover` instead of only saying
 * "not inside a git repository".
 */
import { GuardError, isGuardError } from '../errors.js';
import { age } from './format.js';

/** The sentence for a backup found for a directory without its repository (also used by the agent hook). */
export function recoverAdvice(found: { root: string; newest: string | null }, cwd: string): string {
  const newest = found.newest ? `newest snapshot ${age(found.newest)}` : 'no snapshot in it yet';
  const where = found.root === cwd ? '' : ` (in ${found.root})`;
  return `a backup of this directory exists${where}, ${newest}: run \`guard recover\`${where ? ` there` : ''}`;
}

/** The same error, with the way back when it is "no repository here" and a backup exists. */
export async function withRecoverHint(error: unknown, cwd: string): Promise<unknown> {
  if (!isGuardError(error) || typeof error.details?.notARepository !== 'string') return error;
  const dir = error.details.notARepository;
  const { backupForDirectory } = await import('../backup/locate.js');
  const found = await backupForDirectory(dir);
  if (!found) return error;
  const advice = recoverAdvice(found, dir);
  return new GuardError(error.kind, `${error.message}; ${advice}`, {
    hints: [`Rebuild it (branches, tags, stash, index, files) from the backup with: ${found.root === dir ? '' : `cd ${found.root} && `}guard recover`, 'See what it holds first: guard recover --list'],
    details: { ...error.details, backup: found },
    cause: error,
  });
}
