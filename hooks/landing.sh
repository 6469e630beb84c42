# hooks/landing.sh: sourced from the package by the reference-transaction and pre-rebase shims
# (after guard_setup and guard_open_session) only when a tip is to be checked, so that the
# common hook run does not parse it. Checks whether a tip lands on ignored files on disk and, if
# so, has Node capture them (`guard hook fetch-landing`, src/githooks/fetch-landing.ts).

# The tips FETCH_HEAD marks for merging (the lines before the first `not-for-merge`), into
# guard_merge_oids, with builtins.
guard_read_merge_oids() {
  guard_merge_oids=
  guard_tab='	'
  while IFS= read -r guard_l; do
    case ${guard_l#*"$guard_tab"} in
      "$guard_tab"*) guard_merge_oids="$guard_merge_oids ${guard_l%%"$guard_tab"*}" ;;
      *) break ;;
    esac
  done <"$guard_wt_git/FETCH_HEAD"
}

# Run by xargs over the paths the tip adds (NUL-separated, any bytes): for each, the entry git
# would replace (the path, or the first file or link above it where the tree needs a directory);
# then one ls-files says whether any of them is ignored and untracked.
guard_landing_scan='
n=$#
while [ "$n" -gt 0 ]; do
  p=$1
  shift
  n=$((n - 1))
  e=
  d=
  r=$p
  while :; do
    case $r in
      */*) s=${r%%/*} r=${r#*/} ;;
      *) { [ -e "$p" ] || [ -L "$p" ]; } && e=$p; break ;;
    esac
    d=${d:+$d/}$s
    [ -d "$d" ] && [ ! -L "$d" ] && continue
    { [ -e "$d" ] || [ -L "$d" ]; } && e=$d
    break
  done
  [ -n "$e" ] && set -- "$@" "$e"
done
[ "$#" -gt 0 ] || exit 0
[ -n "$(git --literal-pathspecs ls-files -o -i --exclude-standard -- "$@" 2>/dev/null)" ] && echo ignored
exit 0
'

# Checks tip $2 (of ref $1: a remote-tracking ref, or FETCH_HEAD) against HEAD, once per tip and
# git process. On an unborn HEAD (diff-tree fails: no HEAD to compare with) every path of the tip
# is one it adds (git merge, reset --hard and switch -c X TIP write over ignored files there too).
guard_land() {
  guard_seen=
  [ -f "$GUARD_DIR/fetch-landing" ] && read -r guard_seen <"$GUARD_DIR/fetch-landing"
  [ "$guard_seen" = "$PPID $2" ] && return 0
  printf '%s\n' "$PPID $2" >"$GUARD_DIR/fetch-landing" 2>/dev/null || :
  guard_landing=$({ git diff-tree -r -z --name-only --no-renames --diff-filter=AT HEAD "$2" -- 2>/dev/null || git ls-tree -r -z --name-only "$2" 2>/dev/null; } | xargs -0 sh -c "$guard_landing_scan" guard-landing 2>/dev/null)
  [ -n "$guard_landing" ] || return 0
  guard_find_node
  if [ -z "$GUARD_NODE_BIN" ] || [ ! -f "$GUARD_PKG/bin/guard.js" ]; then
    printf 'guard: warning: %s brings files over ignored ones here, and guard cannot run to capture them (node or the package is missing); move them aside before merging it.\n' "${1#refs/remotes/}" >&2
    return 0
  fi
  guard_run_node "$GUARD_NODE_BIN" "$GUARD_PKG/bin/guard.js" hook fetch-landing "$1" "$2" </dev/null || :
}

# A pull about to write the tree: each tip its fetch marked for merging, but HEAD's own ($1, when
# known: an up-to-date pull still writes ORIG_HEAD, and a tip equal to HEAD lands nothing).
guard_land_fetch_head() {
  guard_read_merge_oids
  for guard_oid in $guard_merge_oids; do
    [ "$guard_oid" = "${1-}" ] && continue
    guard_land FETCH_HEAD "$guard_oid"
  done
}
