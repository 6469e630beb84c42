# hooks/pre-push.sh: $1 is the remote name, $2 its URL; stdin holds one
# "<local ref> <local oid> <remote ref> <remote oid>" line per ref being pushed.
# `guard hook pre-push` (src/githooks/pre-push.ts) refuses deleting or rewriting a protected
# branch on the remote and pushing refs/guard/* anywhere but the backup remote, and snapshots
# before a push that rewrites or deletes other branches. The common case, fast-forward pushes and
# new branches, is answered here with one `git merge-base --is-ancestor` per pushed branch, and one
# `git rev-list` for the whole push that looks for commits guard wrote (snapshots, or commits built
# on one) among what the remote does not have yet: only the backup remote may receive those.

guard_read_input

# guard's own pushes (the backup) pass.
if guard_setup && ! guard_internal_ok; then
  guard_heal_session sync
  guard_ask_node=
  guard_load_policy || guard_ask_node=1
  while [ -z "$guard_ask_node" ] && read -r guard_local_ref guard_local_oid guard_remote_ref guard_remote_oid; do
    [ -n "$guard_remote_ref" ] || continue
    case $guard_local_ref in refs/guard/*) guard_ask_node=1; continue ;; esac
    case $guard_remote_ref in
      refs/guard/*) guard_ask_node=1 ;;
      refs/heads/*)
        # Deleting a remote branch.
        case $guard_local_oid in *[!0]*) ;; *) guard_ask_node=1; continue ;; esac
        # Creating one.
        case $guard_remote_oid in *[!0]*) ;; *) continue ;; esac
        # A remote commit we do not have makes merge-base fail: counted as a rewrite.
        git merge-base --is-ancestor "$guard_remote_oid" "$guard_local_oid" 2>/dev/null || guard_ask_node=1
        ;;
    esac
  done <<GUARD_INPUT_END
$guard_input
GUARD_INPUT_END
  # Commits guard wrote carry its committer (src/git/objects.ts GUARD_COMMITTER), whatever ref
  # they are pushed under. What the remote already has (the old remote tips, its remote-tracking
  # refs) is not looked at again. The ids go on stdin (awk writes "<local oid>" and "^<remote
  # oid>" lines), so a push of thousands of branches is one process and no shell string grows
  # line by line. A failing rev-list asks Node.
  if [ -z "$guard_ask_node" ] && [ "${1-}" != "$GUARD_BACKUP_REMOTE" ] && [ "${2-}" != "$GUARD_BACKUP_REMOTE" ]; then
    guard_guard_commits() {
      printf '%s' "$guard_input" | awk '$2 ~ /[1-9a-f]/ { print $2 } $4 ~ /[1-9a-f]/ { print "^" $4 }' |
        git rev-list --ignore-missing --max-count=1 --fixed-strings '--committer=git-guard <guard@localhost>' --stdin "$@" -- 2>/dev/null
    }
    case ${1-} in
      '' | -* | *[!A-Za-z0-9._-]*) guard_found=$(guard_guard_commits) || guard_found=error ;;
      *) guard_found=$(guard_guard_commits --not "--remotes=$1") || guard_found=error ;;
    esac
    [ -z "$guard_found" ] || guard_ask_node=1
  fi
  if [ -n "$guard_ask_node" ]; then
    guard_node_decides "$@" || exit $?
  fi
fi

guard_has_chained || exit 0
printf '%s' "$guard_input" | guard_run_chained "$@"
exit $?
