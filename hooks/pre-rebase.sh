# hooks/pre-rebase.sh: $1 is the upstream, $2 the branch being rebased (empty: the current one).
#
# No worktree snapshot here, on purpose (docs/hooks.md): git runs pre-rebase only after it has
# checked that the index and the tracked files match HEAD (and after --autostash has stashed),
# and a rebase refuses to overwrite untracked files, so the only state a rebase can lose is ref
# positions. reference-transaction journals every ref move and keeps the old tip of a protected
# branch reachable; this hook records where the rebase started. A Node snapshot would cost more
# than the rebase itself (docs/benchmarks/hooks.md).

guard_run_chained "$@" || exit $?

if guard_setup; then
  guard_detect_actor
  guard_tip=$(git rev-parse -q --verify "${2:-HEAD}^{commit}" 2>/dev/null) || guard_tip=
  guard_json_escape "${1-}"
  guard_upstream=$guard_json
  guard_json_escape "${2-}"
  guard_journal_line rebase-start "\"upstream\":\"$guard_upstream\",\"branch\":\"$guard_json\",\"tip\":\"$guard_tip\",\"actor\":\"$guard_actor\""
fi
exit 0
