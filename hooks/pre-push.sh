# hooks/pre-push.sh: $1 is the remote name, $2 its URL; stdin holds one
# "<local ref> <local oid> <remote ref> <remote oid>" line per ref being pushed.
# `guard hook pre-push` (src/githooks/pre-push.ts) refuses deleting or rewriting a protected
# branch on the remote and pushing refs/guard/* anywhere but the backup remote, and snapshots
# before a push that rewrites or deletes other branches. The common case, fast-forward pushes and
# new branches, is answered here with one `git merge-base --is-ancestor` per pushed branch, and one
# `git rev-list` for the whole push that looks for commits guard wrote (snapshots, or commits built
# on one) among what the remote does not have yet: only the backup remote may receive those.

guard_input=
while IFS= read -r guard_line || [ -n "$guard_line" ]; do
  guard_input="$guard_input$guard_line$guard_nl"
done

# guard's own pushes (the backup) pass.
if guard_setup && ! guard_internal_ok; then
  guard_ask_node=
  guard_load_policy || guard_ask_node=1
  guard_tips=
  guard_bases=
  while [ -z "$guard_ask_node" ] && read -r guard_local_ref guard_local_oid guard_remote_ref guard_remote_oid; do
    [ -n "$guard_remote_ref" ] || continue
    case $guard_local_oid in *[!0]*) guard_tips="$guard_tips $guard_local_oid" ;; esac
    case $guard_remote_oid in *[!0]*) guard_bases="$guard_bases $guard_remote_oid" ;; esac
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
  # refs) is not looked at again. A failing rev-list asks Node.
  if [ -z "$guard_ask_node" ] && [ -n "$guard_tips" ] && [ "${1-}" != "$GUARD_BACKUP_REMOTE" ] && [ "${2-}" != "$GUARD_BACKUP_REMOTE" ]; then
    guard_remotes=
    case ${1-} in '' | -* | *[!A-Za-z0-9._-]*) ;; *) guard_remotes="--remotes=$1" ;; esac
    # shellcheck disable=SC2086
    guard_found=$(git rev-list --ignore-missing --max-count=1 --fixed-strings '--committer=git-guard <guard@localhost>' $guard_tips --not $guard_bases $guard_remotes -- 2>/dev/null) || guard_found=error
    [ -z "$guard_found" ] || guard_ask_node=1
  fi
  if [ -n "$guard_ask_node" ]; then
    guard_node_decides "$@" || exit $?
  fi
fi

guard_has_chained || exit 0
printf '%s' "$guard_input" | guard_run_chained "$@"
exit $?
