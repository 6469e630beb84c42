# hooks/lib.sh: the shared prelude of every git-guard hook shim.
#
# `guard init` writes each installed hook as one self-contained POSIX sh file: a header that sets
# GUARD_HOOK, GUARD_PKG, GUARD_NODE and GUARD_HOOKS_IN_COMMON_DIR, then this file, then
# hooks/<name>.sh (src/githooks/install/shim.ts assembles them). The common path must not start
# Node (~150 ms) and should start as few external commands as possible (each git call is ~2 ms,
# and reference-transaction runs about a hundred times in a 10-commit rebase), so everything
# here is builtins unless a comment says why not.
#
# Fail-open vs fail-closed is decided per hook (docs/hooks.md): a check that protects data and
# cannot run (no node, no guard package) refuses; snapshots and journal lines that cannot be
# written never block git.

guard_nl='
'

# Reads the hook's whole stdin into guard_input (each line ending in a newline). The usual few
# lines are read with builtins (no fork); past 32 lines the rest comes from one `cat`, because
# appending to a shell variable copies it: a read loop over thousands of lines (one transaction
# creating or deleting 8k refs, a push of every branch) costs O(n^2), ~100 s at 8k refs.
guard_read_input() {
  guard_input=
  guard_count=0
  while [ "$guard_count" -lt 32 ]; do
    if ! IFS= read -r guard_line; then
      [ -z "$guard_line" ] || guard_input="$guard_input$guard_line$guard_nl"
      return 0
    fi
    guard_input="$guard_input$guard_line$guard_nl"
    guard_count=$((guard_count + 1))
  done
  # The x keeps the trailing newlines that $(...) would strip.
  guard_rest=$(cat; echo x)
  guard_input="$guard_input${guard_rest%x}"
}

# `guard status` proves that git really runs this file: it runs the hook through git's own hook
# resolution (`git hook run`) with GUARD_HOOK_PROBE set and looks for this answer. The probe
# exits non-zero on purpose, so setting the variable can only ever make a hook refuse, never
# make it skip a check.
if [ -n "${GUARD_HOOK_PROBE-}" ]; then
  guard_probe_node=missing
  if { [ -n "$GUARD_NODE" ] && [ -x "$GUARD_NODE" ]; } || command -v node >/dev/null 2>&1; then
    guard_probe_node=ok
  fi
  guard_probe_pkg=missing
  [ -f "$GUARD_PKG/bin/guard.js" ] && guard_probe_pkg=ok
  printf 'guard-hook-alive hook=%s probe=%s node=%s pkg=%s\n' "$GUARD_HOOK" "$GUARD_HOOK_PROBE" "$guard_probe_node" "$guard_probe_pkg" >&2
  exit 97
fi

# Where guard's shared files live (<commonDir>/guard). When the hook was installed into
# <commonDir>/hooks (no core.hooksPath), git runs it as <commonDir>/hooks/<name>, so $0 already
# says where the common dir is and no `git rev-parse` (a fork and exec) is needed.
guard_find_common_dir() {
  GUARD_COMMON_DIR=
  if [ "${GUARD_HOOKS_IN_COMMON_DIR-}" = 1 ]; then
    case $0 in
      */*/*) GUARD_COMMON_DIR=${0%/*/*} ;;
      */*) GUARD_COMMON_DIR=. ;;
    esac
    [ -n "$GUARD_COMMON_DIR" ] && [ -d "$GUARD_COMMON_DIR/refs" ] || GUARD_COMMON_DIR=
  fi
  if [ -z "$GUARD_COMMON_DIR" ]; then
    GUARD_COMMON_DIR=$(git rev-parse --git-common-dir 2>/dev/null) || GUARD_COMMON_DIR=
  fi
  GUARD_DIR="$GUARD_COMMON_DIR/guard"
}

# The package upgraded (or downgraded) under this clone since `guard init` wrote this shim: its
# dist/hooks.stamp (a hash of hooks/ and the fast path's words, scripts/build.mjs) is no longer
# GUARD_STAMP. A stat and one read, no process; npm sets every file's mtime to one fixed date, so
# `-nt` cannot tell. Node then brings guard's copies to the installed version (`guard hook
# refresh-copies`: this shim, the other hooks', the agent hook launcher; journal
# install-refreshed) and the shim runs again as it now is, with the same arguments and the stdin
# nothing has read yet. Once: the second run does not look (GUARD_HOOK_REFRESHED). Node notes the
# stamp it refreshed for in <commonDir>/guard/hooks-stamp-seen: a shim it left as it is (edited,
# another install's) then runs on as before without starting Node at every run, at the cost of
# finding the common dir. Neither does a shim whose package has no stamp file and no bin/guard.js
# (gone: its checks refuse or warn as they do), nor one in a repository without guard (a shared
# hooks directory).
if [ -n "${GUARD_HOOK_REFRESHED-}" ]; then
  unset GUARD_HOOK_REFRESHED
elif [ -n "${GUARD_STAMP-}" ]; then
  guard_stamp=-
  [ -f "$GUARD_PKG/dist/hooks.stamp" ] && IFS= read -r guard_stamp <"$GUARD_PKG/dist/hooks.stamp"
  if [ "$guard_stamp" != "$GUARD_STAMP" ] && [ -f "$GUARD_PKG/bin/guard.js" ] && guard_find_common_dir && [ -n "$GUARD_COMMON_DIR" ] && [ -f "$GUARD_DIR/hooks-manifest.json" ]; then
    guard_seen=
    [ -f "$GUARD_DIR/hooks-stamp-seen" ] && IFS= read -r guard_seen <"$GUARD_DIR/hooks-stamp-seen"
    if [ "$guard_seen" != "$guard_stamp" ]; then
      guard_seen=node
      [ -n "$GUARD_NODE" ] && [ -x "$GUARD_NODE" ] && guard_seen=$GUARD_NODE
      "$guard_seen" "$GUARD_PKG/bin/guard.js" hook refresh-copies "$GUARD_HOOK" </dev/null >&2
      GUARD_HOOK_REFRESHED=1
      export GUARD_HOOK_REFRESHED
      # A copy a hook manager's entry runs is started as `sh FILE` (src/githooks/managers/entry.ts).
      [ -x "$0" ] && exec "$0" "$@"
      exec sh "$0" "$@"
    fi
  fi
fi

# Runs the hook that was in place before guard (moved to "<name>.guard-chained" by `guard init`),
# with the same arguments; the caller provides stdin. Scripts for sh or bash are run so that $0
# still names the original path: hook managers' stubs find their files from $0 (husky's
# `. "${0%/*}/h"` and its `basename "$0"`). Anything else is executed directly, as git would.
# Returns the chained hook's exit status (0 when there is none, as git treats a missing hook).
guard_run_chained() {
  guard_chained="$0.guard-chained"
  guard_has_chained || return 0
  guard_first_line=
  IFS= read -r guard_first_line <"$guard_chained" || :
  case $guard_first_line in
    '#!/bin/sh' | '#!/usr/bin/env sh' | '#!/bin/dash' | '#!/usr/bin/env dash')
      sh -c '. "$0.guard-chained"' "$0" "$@"
      ;;
    '#!/bin/bash' | '#!/usr/bin/env bash')
      bash -c '. "$0.guard-chained"' "$0" "$@"
      ;;
    *)
      "$guard_chained" "$@"
      ;;
  esac
}

# Is there a chained hook? Callers test this before building a pipeline (each pipeline costs
# forks, and reference-transaction runs a hundred times in a rebase). A non-executable hook is
# ignored by git; it stays ignored here.
guard_has_chained() {
  [ -f "$0.guard-chained" ] && [ -x "$0.guard-chained" ]
}

# @early-part
# The installed shim is this file down to the line above, then the early part of hooks/<name>.sh
# (what is above its "# @rest-of-lib.sh" line, if it has one), then the rest of this file and of
# the hook (src/githooks/install/shim.ts). sh parses a file as it runs it, so a run that ends in
# the early part never parses what follows: reference-transaction leaves there for aborted
# transactions, the sequencer's pseudo-refs and prepared runs that touch no branch, about eighty
# of the hundred runs of a 10-commit rebase. An early part may use only what is above.

# Is guard set up in this repository? Sets GUARD_COMMON_DIR and GUARD_DIR. A hooks directory
# can be shared by repositories without guard (a global core.hooksPath): there the shim only
# runs the chained hook. The manifest `guard init` writes is the sign.
guard_setup() {
  guard_find_common_dir
  [ -n "$GUARD_COMMON_DIR" ] && [ -f "$GUARD_DIR/hooks-manifest.json" ]
}

# Loads <commonDir>/guard/policy.sh (written by src/config/compile.ts); call after guard_setup.
# Returns 0 when the policy is loaded and fresh, 2 when it is missing or older than .guard.yaml
# (ask Node, which recompiles it).
guard_load_policy() {
  guard_policy_sh="$GUARD_DIR/policy.sh"
  [ -f "$guard_policy_sh" ] || return 2
  GUARD_CONFIG_ERROR=
  GUARD_POLICY_SOURCE=
  GUARD_POLICY_COMMON_DIR=
  . "$guard_policy_sh" || return 2
  # compile.ts sets policy.sh's mtime just past the source's: an edited .guard.yaml is newer.
  if [ -n "$GUARD_POLICY_SOURCE" ] && [ "$GUARD_POLICY_SOURCE" -nt "$guard_policy_sh" ]; then
    return 2
  fi
  # Written for another repository (this one is a copy, or was moved): its source is not ours.
  if [ -n "${GUARD_POLICY_COMMON_DIR-}" ] && ! [ "$GUARD_POLICY_COMMON_DIR" -ef "$GUARD_COMMON_DIR" ]; then
    return 2
  fi
  return 0
}

# Agent markers (src/policy/actor.ts), for the journal's actor field. Generous on purpose (any
# value but an explicit "off" counts): markers may only tighten policy, and every decision that
# depends on who is acting is made by Node with the exact rules.
guard_detect_actor() {
  guard_actor=human
  for guard_marker in "${CLAUDECODE-}" "${CURSOR_AGENT-}" "${GEMINI_CLI-}" "${OPENCODE-}" "${COPILOT_CLI-}" "${GUARD_AGENT-}"; do
    case $guard_marker in
      '' | 0 | false | no | off | FALSE | False | NO | No | OFF | Off) ;;
      *) guard_actor=agent; return 0 ;;
    esac
  done
  [ -n "${CODEX_THREAD_ID-}" ] && guard_actor=agent
  return 0
}

# The agent the environment markers name, in src/policy/actor.ts's order and with the same ids
# as the agent integrations: guard_agent_id, empty for a person (or GUARD_AGENT, whose `guard run`
# opens its own session). Returns 1 when no agent marker is set.
guard_marker_agent() {
  guard_agent_id=
  for guard_pair in "claude:${CLAUDECODE-}" "cursor:${CURSOR_AGENT-}" "gemini:${GEMINI_CLI-}" "opencode:${OPENCODE-}" "copilot:${COPILOT_CLI-}"; do
    case ${guard_pair#*:} in
      '' | 0 | false | no | off | FALSE | False | NO | No | OFF | Off) ;;
      *) guard_agent_id=${guard_pair%%:*}; return 0 ;;
    esac
  done
  [ -n "${CODEX_THREAD_ID-}" ] && guard_agent_id=codex && return 0
  return 1
}

# The open agent session of this worktree (src/session/open-marker.ts): guard_session_id (empty
# when none is open) and guard_session_agent, with builtins only. git runs hooks at the top of
# the worktree, where .git is the git directory or a file naming it (a linked worktree).
guard_open_session() {
  guard_session_id=
  guard_session_agent=
  if [ -d .git ]; then
    guard_wt_git=$PWD/.git
  elif [ -f .git ]; then
    IFS= read -r guard_wt_git <.git || guard_wt_git=
    guard_wt_git=${guard_wt_git#gitdir: }
    case $guard_wt_git in
      /*) ;;
      '') guard_wt_git=$GUARD_COMMON_DIR ;;
      *) guard_wt_git=$PWD/$guard_wt_git ;;
    esac
  else
    guard_wt_git=$GUARD_COMMON_DIR
  fi
  [ -f "$guard_wt_git/guard/session-open" ] || return 0
  read -r guard_session_id guard_session_agent <"$guard_wt_git/guard/session-open" || :
  # Only what guard writes there (it goes into journal lines as is).
  case $guard_session_id in *[!A-Za-z0-9._-]*) guard_session_id= ;; esac
}

# Self-healing (issue 10): an agent runs git here (its marker is set), yet no session is open,
# so its own hooks did not run (not installed, not trusted, or an agent without hooks). Node then
# takes a snapshot, opens a session for that agent, starts the watcher and journals plainly that
# the agent runs without guard's agent hooks and how to fix it (`guard session start
# --without-agent-hooks`). The common cases cost builtins only: a person (no marker), or an
# agent whose session is open (one file test). "$1": sync (before the git command goes on: the
# session's baseline precedes it) or async (reference-transaction: git holds ref locks).
guard_heal_session() {
  [ -z "${GUARD_INTERNAL_TOKEN-}" ] || return 0
  guard_marker_agent || return 0
  guard_open_session
  [ -z "$guard_session_id" ] || return 0
  [ -d "$guard_wt_git/guard" ] || return 0
  # One healer at a time (hooks run in parallel); Node removes the lock when it is done. The lock
  # names its holder (pid): one that is gone (killed before Node removed the lock) is taken over,
  # else no session would ever be opened here again.
  guard_heal_lock=$guard_wt_git/guard/session-heal.lock
  if ! mkdir "$guard_heal_lock" 2>/dev/null; then
    guard_heal_pid=
    [ -f "$guard_heal_lock/pid" ] && IFS= read -r guard_heal_pid <"$guard_heal_lock/pid"
    case $guard_heal_pid in
      '' | *[!0-9]*) return 0 ;;
    esac
    kill -0 "$guard_heal_pid" 2>/dev/null && return 0
    rm -f "$guard_heal_lock/pid"
    rmdir "$guard_heal_lock" 2>/dev/null
    mkdir "$guard_heal_lock" 2>/dev/null || return 0
  fi
  printf '%s\n' "$$" 2>/dev/null >"$guard_heal_lock/pid"
  guard_find_node
  if [ -z "$GUARD_NODE_BIN" ] || [ ! -f "$GUARD_PKG/bin/guard.js" ]; then
    rm -f "$guard_heal_lock/pid"
    rmdir "$guard_heal_lock" 2>/dev/null
    return 0
  fi
  # Said on the git command's stderr, which the agent shows the model and the person: its hooks
  # are off. Sync: Node's line, with the session and the fix; async: this line, before Node runs.
  if [ "$1" = sync ]; then
    guard_run_node "$GUARD_NODE_BIN" "$GUARD_PKG/bin/guard.js" session start --agent "$guard_agent_id" --without-agent-hooks >&2 2>/dev/null </dev/null || :
  else
    printf "git-guard: %s runs git here without guard's agent hooks, so its commands are not checked before they run; guard opens a session and takes a snapshot. \`guard status\` names the fix.\n" "$guard_agent_id" >&2
    # In its own session (setsid) where there is one: Codex ends the process group of a command
    # when the command is done, which killed this Node before it opened the session.
    guard_heal_setsid=
    command -v setsid >/dev/null 2>&1 && guard_heal_setsid=setsid
    # shellcheck disable=SC2086
    guard_run_node $guard_heal_setsid "$GUARD_NODE_BIN" "$GUARD_PKG/bin/guard.js" session start --agent "$guard_agent_id" --without-agent-hooks >/dev/null 2>&1 </dev/null &
    printf '%s\n' "$!" 2>/dev/null >"$guard_heal_lock/pid"
  fi
}

# Is "$1" (a branch name without refs/heads/) possibly protected? GUARD_PROTECTED_BRANCHES holds
# case patterns that match at least what the globs match (policy-sh.ts): no match is a sure no.
guard_branch_maybe_protected() {
  set -f
  for guard_pattern in $GUARD_PROTECTED_BRANCHES; do
    # shellcheck disable=SC2254
    case $1 in
      $guard_pattern) set +f; return 0 ;;
    esac
  done
  set +f
  return 1
}

# guard's own ref writes carry GUARD_INTERNAL_TOKEN and hold <commonDir>/guard/internal/<token>
# while they run (src/git/internal-token.ts); the variable alone is not enough.
guard_internal_ok() {
  case ${GUARD_INTERNAL_TOKEN-} in
    '' | *[!A-Za-z0-9-]*) return 1 ;;
  esac
  [ -f "$GUARD_DIR/internal/$GUARD_INTERNAL_TOKEN" ]
}

# Escapes "$1" for a JSON string into guard_json. The common case (no quote, backslash or control
# character) costs nothing; control characters are replaced by '?' (a worktree path is the only
# value that can hold them; ref names cannot).
guard_json_escape() {
  guard_json=$1
  case $guard_json in
    *[\"\\]* | *[[:cntrl:]]*)
      guard_json=$(printf '%s' "$1" | tr '[:cntrl:]' '?' | sed 's/[\\"]/\\&/g')
      ;;
  esac
}

# The current UTC time (ISO 8601) into guard_now, once per hook run, without starting `date`
# when possible: a fork and exec costs 1-2 ms, and reference-transaction journals about fifty
# times in a 10-commit rebase. On Linux, <commonDir>/guard/clock holds "<boot id> <boot time in
# epoch centiseconds>", so the time is that plus /proc/uptime (which counts suspended time too),
# converted with shell arithmetic. Elsewhere, or after a reboot, `date` answers (and refreshes
# the file). guard's Node side rewrites the file too (src/githooks/clock.ts), which also corrects
# any drift from wall-clock changes since.
guard_clock() {
  [ -z "$guard_now" ] || return 0
  if [ -r /proc/uptime ] && [ -r /proc/sys/kernel/random/boot_id ]; then
    IFS= read -r guard_boot_id </proc/sys/kernel/random/boot_id
    read -r guard_uptime guard_rest </proc/uptime
    guard_up_cs=${guard_uptime%.*}${guard_uptime#*.}
    guard_up_cs=${guard_up_cs#"${guard_up_cs%%[!0]*}"}
    guard_clock_id=
    guard_clock_btime=
    [ -f "$GUARD_DIR/clock" ] && read -r guard_clock_id guard_clock_btime <"$GUARD_DIR/clock"
    if [ "$guard_clock_id" = "$guard_boot_id" ] && [ -n "$guard_clock_btime" ]; then
      guard_iso $(((guard_clock_btime + ${guard_up_cs:-0}) / 100))
      return 0
    fi
    guard_epoch=$(date -u +%s 2>/dev/null) || guard_epoch=
    if [ -n "$guard_epoch" ]; then
      printf '%s %s\n' "$guard_boot_id" "$((guard_epoch * 100 - ${guard_up_cs:-0}))" >"$GUARD_DIR/clock" 2>/dev/null || :
      guard_iso "$guard_epoch"
      return 0
    fi
  fi
  guard_now=$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null) || guard_now=
}

# Epoch seconds -> guard_now, "YYYY-MM-DDTHH:MM:SSZ" (days to civil date: H. Hinnant's algorithm).
guard_iso() {
  guard_s=$(($1 % 86400))
  guard_z=$(($1 / 86400 + 719468))
  guard_era=$((guard_z / 146097))
  guard_doe=$((guard_z - guard_era * 146097))
  guard_yoe=$(((guard_doe - guard_doe / 1460 + guard_doe / 36524 - guard_doe / 146096) / 365))
  guard_doy=$((guard_doe - (365 * guard_yoe + guard_yoe / 4 - guard_yoe / 100)))
  guard_mp=$(((5 * guard_doy + 2) / 153))
  guard_day=$((guard_doy - (153 * guard_mp + 2) / 5 + 1))
  guard_month=$((guard_mp < 10 ? guard_mp + 3 : guard_mp - 9))
  guard_year=$((guard_yoe + guard_era * 400 + (guard_month <= 2 ? 1 : 0)))
  guard_hour=$((guard_s / 3600))
  guard_min=$((guard_s % 3600 / 60))
  guard_sec=$((guard_s % 60))
  # Zero padding without $(printf ...), which would fork.
  [ "$guard_month" -ge 10 ] || guard_month=0$guard_month
  [ "$guard_day" -ge 10 ] || guard_day=0$guard_day
  [ "$guard_hour" -ge 10 ] || guard_hour=0$guard_hour
  [ "$guard_min" -ge 10 ] || guard_min=0$guard_min
  [ "$guard_sec" -ge 10 ] || guard_sec=0$guard_sec
  guard_now=$guard_year-$guard_month-${guard_day}T$guard_hour:$guard_min:${guard_sec}Z
}

# Appends one line to the event journal (src/session/journal.ts owns the format): one printf of
# one short line onto an O_APPEND descriptor, so concurrent writers never interleave. Never
# fails the hook.
guard_now=
guard_journal_line() {
  guard_clock
  # git runs hooks from the top of the worktree, so $PWD is the worktree root.
  guard_json_escape "$PWD"
  # The journal holds command lines: private (0600). Created here only when missing (one subshell).
  [ -e "$GUARD_DIR/journal.jsonl" ] || (umask 077 && : >>"$GUARD_DIR/journal.jsonl") 2>/dev/null
  printf '{"time":"%s","type":"%s","worktree":"%s",%s}\n' "$guard_now" "$1" "$guard_json" "$2" >>"$GUARD_DIR/journal.jsonl" 2>/dev/null || :
}

guard_find_node() {
  GUARD_NODE_BIN=
  if [ -n "$GUARD_NODE" ] && [ -x "$GUARD_NODE" ]; then
    GUARD_NODE_BIN=$GUARD_NODE
  elif command -v node >/dev/null 2>&1; then
    GUARD_NODE_BIN=node
  fi
}

# Runs "$@", guard's own Node ("$GUARD_NODE_BIN" "$GUARD_PKG/bin/guard.js" ...), without
# NODE_EXTRA_CA_CERTS: Node 20 reads and parses every certificate of that file as it starts, before
# any JavaScript (about 37 ms of CPU for Debian's 144-certificate bundle, more than the rest of
# its start), and guard itself opens no TLS connection. The value rides along in
# GUARD_NODE_EXTRA_CA_CERTS and bin/guard.js puts it back first thing, so every process guard
# starts (git, its hooks and filters, a credential helper) gets the variable as it was.
guard_run_node() {
  if [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then
    GUARD_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS NODE_EXTRA_CA_CERTS= "$@"
  else
    "$@"
  fi
}

# Hands the hook's input ($guard_input) to Node, which decides. Fail closed: if Node cannot run
# or the config is broken, the hook refuses rather than let through what it could not check.
guard_node_decides() {
  GUARD_FAIL_CLOSED=1
  printf '%s' "$guard_input" | guard_node "$@"
}

# Runs `guard hook <name> "$@"` (the Node side, src/cli/commands/hook.ts) with the caller's
# stdin and returns its status. When Node or the package is gone, a check that protects data
# fails closed ($GUARD_FAIL_CLOSED=1) with a message that says how to get out; otherwise it
# warns and lets git go on.
guard_node() {
  guard_find_node
  if [ -z "$GUARD_NODE_BIN" ] || [ ! -f "$GUARD_PKG/bin/guard.js" ]; then
    {
      printf 'guard: cannot run the %s check: ' "$GUARD_HOOK"
      if [ -z "$GUARD_NODE_BIN" ]; then printf 'node is not installed (looked for %s and on PATH)\n' "$GUARD_NODE"; else printf '%s/bin/guard.js is missing\n' "$GUARD_PKG"; fi
      if [ "${GUARD_FAIL_CLOSED-}" = 1 ]; then
        printf '  Refused: this check protects data, so guard fails closed.\n'
      else
        printf '  Allowed: this check only takes a snapshot, so guard lets git go on.\n'
      fi
      printf '  Fix: reinstall git-guard and run `guard init`, or remove its hooks with `guard uninstall`\n'
      printf '  (by hand: delete %s; if %s.guard-chained exists, rename it back to %s).\n' "$0" "$0" "$0"
    } >&2
    [ "${GUARD_FAIL_CLOSED-}" = 1 ] && return 1
    return 0
  fi
  guard_run_node "$GUARD_NODE_BIN" "$GUARD_PKG/bin/guard.js" hook "$GUARD_HOOK" "$@"
}
