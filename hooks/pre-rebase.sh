# hooks/pre-rebase.sh: $1 is the upstream, $2 the branch being rebased (empty: the current one).
#
# git runs pre-rebase only after it has checked that the index and the tracked files match HEAD
# (and after --autostash has stashed), and a rebase refuses to overwrite untracked files, so what
# a person's rebase can lose is ref positions: reference-transaction journals every ref move and
# keeps the old tip of a protected branch reachable, and this hook records where the rebase
# started. That costs no Node start (a snapshot would cost more than the rebase itself,
# docs/benchmarks/hooks.md). A rebase run by an agent also gets a full snapshot first: agents are
# the ones that rebase without looking, and `guard rollback` then puts everything back at once.

guard_run_chained "$@" || exit $?

if guard_setup; then
  guard_heal_session sync
  guard_detect_actor
  guard_tip=$(git rev-parse -q --verify "${2:-HEAD}^{commit}" 2>/dev/null) || guard_tip=
  guard_json_escape "${1-}"
  guard_upstream=$guard_json
  guard_json_escape "${2-}"
  guard_journal_line rebase-start "\"upstream\":\"$guard_upstream\",\"branch\":\"$guard_json\",\"tip\":\"$guard_tip\",\"actor\":\"$guard_actor\""
  # A pull's rebase (`git pull --rebase`, pull.rebase; GIT_REFLOG_ACTION "pull ..."): the tips its
  # fetch marked for merging in FETCH_HEAD land now, before the rebase writes the tree (a rebase
  # writes it before its first ref transaction). reference-transaction leaves every pull to this
  # hook or to its merge's ORIG_HEAD, so each pull is checked once, whether its fetch brought the
  # tip, found it fetched already, or came from a URL (hooks/landing.sh). $1 is no help: pull
  # passes the fork point there when it finds one.
  case ${GIT_REFLOG_ACTION-} in
    pull | "pull "*)
      guard_open_session
      if [ -e .git ] && [ -f "$guard_wt_git/FETCH_HEAD" ]; then
        if . "$GUARD_PKG/hooks/landing.sh" 2>/dev/null; then
          guard_land_fetch_head
        else
          printf 'guard: warning: cannot check what this pull brings over ignored files (%s is missing); check with: guard status\n' "$GUARD_PKG/hooks/landing.sh" >&2
        fi
      fi
      ;;
  esac
  if [ "$guard_actor" = agent ]; then
    guard_find_node
    # A snapshot only adds safety: if it cannot be taken, say so and let the rebase go on.
    if [ -z "$GUARD_NODE_BIN" ] || [ ! -f "$GUARD_PKG/bin/guard.js" ] ||
      ! guard_run_node "$GUARD_NODE_BIN" "$GUARD_PKG/bin/guard.js" snapshot --trigger hook --quiet -m "before a rebase by an agent" >/dev/null 2>&1; then
      printf 'guard: warning: no snapshot before this rebase (its ref moves are still journaled); check with: guard status\n' >&2
    fi
  fi
fi
exit 0
