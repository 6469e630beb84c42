/**
 * What guard adds to a hook manager's own configuration (husky's scripts, lefthook.yml,
 * .pre-commit-config.yaml), so that its checks survive the manager re-installing its hooks
 * (husky re-run by `npm install` writes its stubs over guard's shims).
 *
 * Those files are committed and shared, so the command text holds no machine-specific path and
 * is the same on every machine and every guard version (the idea of src/agents/launcher.ts):
 *
 *   sh -c '<find the launcher>' git-guard <hook> <args>
 *
 * It asks git for the common git directory and runs `<commonDir>/guard/git-hook.sh`, which
 * `guard init` writes on this machine. In a clone where guard is not set up (a teammate's) the
 * launcher is missing: the command says so on stderr and exits 0, so the teammate's commit or
 * push goes on. The launcher runs a copy of guard's shim for that hook
 * (`<commonDir>/guard/managed-hooks/<hook>`), unless git already runs guard's own shim for the
 * same event (then that shim does the check, and running it twice would only cost time).
 */
import { SHIM_MARKER } from '../install/shim.js';

/** The hooks a manager's configuration can run guard for. reference-transaction is not one: no manager writes over it. */
export const MANAGED_HOOKS = ['pre-commit', 'pre-push', 'pre-rebase'] as const;
export type ManagedHook = (typeof MANAGED_HOOKS)[number];

export type ManagerName = 'husky' | 'lefthook' | 'pre-commit';

/** `<commonDir>/guard/<this>`: the per-clone launcher the entries run. */
export const LAUNCHER_FILE = 'git-hook.sh';
/** `<commonDir>/guard/<this>/<hook>`: the shims the launcher runs (no chained hook next to them). */
export const MANAGED_SHIMS_DIR = 'managed-hooks';
/** Every entry guard writes contains this: how guard recognises its own entries. */
export const ENTRY_MARKER = `/guard/${LAUNCHER_FILE}`;

/** `sh -c` script of an entry; $1 is the hook name, the rest its arguments. No ": " (YAML), no "'" (sh quoting). */
const FIND_LAUNCHER =
  `h=$(git rev-parse --git-common-dir 2>/dev/null)${ENTRY_MARKER} && [ -f "$h" ] && exec sh "$h" "$@"; ` +
  'echo "git-guard is not set up in this clone, so its $1 check did not run (guard init sets it up)" >&2';

/**
 * The command for one hook. `args` is how the manager passes the hook's arguments on: husky's
 * scripts get them as "$@"; pre-commit passes none; lefthook: see lefthookCommand.
 */
export function entryCommand(hook: ManagedHook, args: string): string {
  return `sh -c '${FIND_LAUNCHER}' git-guard ${hook}${args ? ` ${args}` : ''}`;
}

/**
 * The lefthook command guard wrote before the arguments went through a here-document: `{1}` `{2}`
 * pasted inside single quotes, which a `'` in a remote URL ends. `guard init` rewrites it.
 */
export function legacyLefthookCommand(hook: ManagedHook): string {
  return entryCommand(hook, hook === 'pre-commit' ? '' : "'{1}' '{2}'");
}

/** Ends the here-document that carries lefthook's `{1}` `{2}` (a line no remote URL or branch is). */
const ARGS_END = 'GIT_GUARD_ARGS';

/**
 * lefthook's command for one hook. lefthook hands a hook's arguments (pre-push: the remote's name
 * and URL; pre-rebase: upstream and branch) only as text pasted over `{1}` `{2}` in the command,
 * unescaped: in quotes, a URL holding `'` (or `"`, `$`) would end them and the check would not
 * run, or run something else. A quoted here-document is the one place sh takes any text
 * literally, so the arguments are read from one (on fd 3; stdin stays the pushed refs) into
 * variables, builtins only, and passed on from there. Several lines, kept on one line of the
 * YAML file by double quotes. (An argument holding a newline cannot be carried; git has none.)
 */
export function lefthookCommand(hook: ManagedHook): string {
  if (hook === 'pre-commit') return entryCommand(hook, '');
  return [
    `exec 3<<'${ARGS_END}'`,
    '{1}',
    '{2}',
    ARGS_END,
    'IFS= read -r guard_arg1 <&3; IFS= read -r guard_arg2 <&3; exec 3<&-',
    entryCommand(hook, '"$guard_arg1" "$guard_arg2"'),
  ].join('\n');
}

/** The launcher `<commonDir>/guard/git-hook.sh` (POSIX sh, builtins and one `git rev-parse`). */
export function launcherScript(): string {
  return `#!/bin/sh
# git-guard: runs guard's check for a hook manager's entry (husky, lefthook, pre-commit).
# Written by \`guard init\` on this machine; \`guard uninstall\` removes it. Do not edit.
guard_managed_hook=\${1-}
[ $# -gt 0 ] && shift
case $guard_managed_hook in
  pre-commit | pre-push | pre-rebase) ;;
  *) printf 'git-guard: %s is not a hook guard runs for hook managers\\n' "$guard_managed_hook" >&2; exit 1 ;;
esac
# git runs guard's own shim for this event (it is the hook in force, or pre-commit's script runs
# it as <hook>.legacy): that shim does the check, once is enough.
guard_is_shim() {
  guard_l1=
  guard_l2=
  { IFS= read -r guard_l1 && IFS= read -r guard_l2; } 2>/dev/null <"$1"
  case $guard_l2 in '${SHIM_MARKER}: '*) return 0 ;; esac
  return 1
}
guard_in_force=$(git rev-parse --git-path "hooks/$guard_managed_hook" 2>/dev/null) || guard_in_force=
if [ -n "$guard_in_force" ] && [ -f "$guard_in_force" ] && [ -x "$guard_in_force" ]; then
  guard_is_shim "$guard_in_force" && exit 0
  case $guard_l2 in
    '# File generated by pre-commit'*)
      [ -f "$guard_in_force.legacy" ] && [ -x "$guard_in_force.legacy" ] && guard_is_shim "$guard_in_force.legacy" && exit 0
      ;;
  esac
fi
exec sh "\${0%/*}/${MANAGED_SHIMS_DIR}/$guard_managed_hook" "$@"
`;
}
