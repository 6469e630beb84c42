/**
 * The programmatic API of git-guard, for other tools: open a repository, take and read snapshots,
 * roll back, classify a shell command. Nothing here prints or exits.
 */
export { GuardError, isGuardError, type ErrorKind } from './errors.js';
export { openRepo, type Repo } from './git/repo.js';
export { loadConfig, type LoadedConfig, type ConfigOverrides } from './config/load.js';
export { compilePolicy, readPolicy } from './config/compile.js';
export { isProtectedBranch, isProtectedPath, modeFor } from './policy/match.js';
export { detectActor, type Actor } from './policy/actor.js';
export { RULES, type GuardConfig, type Policy, type RuleId, type Mode } from './policy/schema.js';
export { appendEvent, readEvents, type JournalEvent, type ReadEventsOptions } from './session/journal.js';
export { startSession, endSession, findSession, listSessions, type SessionRecord, type FoundSession } from './session/store.js';
export { installAgents, uninstallAgents, type AgentSelection } from './agents/install.js';
export {
  classifyCommand,
  fastPathAllows,
  RULES as COMMAND_RULES,
  DEFAULT_PROTECTED_BRANCHES,
  DEFAULT_PROTECTED_PATHS,
  type CommandContext,
  type Verdict as CommandVerdict,
  type VerdictKind as CommandVerdictKind,
} from './policy/command/index.js';
export { installHooks, uninstallHooks, hooksStatus } from './githooks/install/local.js';
export { verifyRange, type VerifyResult } from './githooks/verify.js';
export { watcherStatus, type WatcherStatus } from './watcher/status.js';
export { startWatcher, stopWatcher, startWatcherForSession, spawnWatcherForSession, awaitSessionWatcher } from './watcher/control.js';
export { pushBackup, pushRemote } from './backup/mirror.js';
export { backupStatus, type BackupStatus } from './backup/status.js';
export { listBackups, type BackupInfo } from './backup/catalog.js';
export { planRecovery, applyRecovery, type RecoverPlan, type RecoverResult } from './backup/recover.js';
export { runGc, autoGc, type GcReport } from './backup/gc.js';
