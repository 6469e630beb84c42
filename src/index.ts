/**
 * The programmatic API of git-guard, for other tools: open a repository, take and read snapshots,
 * roll back, classify a shell command. Nothing here prints or exits.
 */
export { GuardError, isGuardError, type ErrorKind } from './errors.js';
export { openRepo, type Repo } from './git/repo.js';
