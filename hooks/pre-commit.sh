# hooks/pre-commit.sh: refuses a commit that deletes a protected path or moves one out of its
# protected location; changes to protected paths follow the protected-path-modify mode. The
# decision is made by `guard hook pre-commit` (src/githooks/pre-commit.ts). The common case, a
# commit that touches no protected path, is answered here with one `git diff --cached --quiet`
# limited to pathspecs that match at least every protected path (no Node, no name parsing).

# The chained hook runs first: hooks such as lint-staged change the index, and guard must judge
# the index that will be committed.
guard_run_chained "$@" || exit $?

guard_setup || exit 0
guard_heal_session sync

if guard_load_policy && [ -z "$GUARD_CONFIG_ERROR" ]; then
  [ -z "$GUARD_PROTECTED_PATHS" ] && exit 0
  # <commonDir>/guard/protected-pathspecs.sh is derived from policy.json by the Node side
  # (src/githooks/pathspecs.ts); it is only trusted while it is newer than policy.sh and was
  # made for the same policy.
  guard_pathspecs="$GUARD_DIR/protected-pathspecs.sh"
  if [ "$guard_pathspecs" -nt "$guard_policy_sh" ]; then
    guard_pathspecs_key=
    guard_pathspecs_count=0
    . "$guard_pathspecs"
    if [ "$guard_pathspecs_key" = "$GUARD_POLICY_HASH $GUARD_PROTECTED_PATHS" ] && [ "$guard_pathspecs_count" -gt 0 ]; then
      # Exit 0: no staged change under any protected path. 1: some (ask Node). 128: error (ask Node).
      git diff --cached --quiet --no-ext-diff -- "$@" 2>/dev/null && exit 0
    fi
  fi
fi

GUARD_FAIL_CLOSED=1
guard_node
exit $?
