# hooks/reference-transaction.sh: git runs it for every ref transaction, with the state in $1
# and one "<old> <new> <ref>" line per ref on stdin:
#   prepared   the refs are locked and a non-zero exit aborts the transaction: guard refuses here
#              (deleting a protected branch, touching refs/guard/* unless guard itself does, a
#              non-fast-forward move of a protected branch when the rule says so);
#   committed  the refs changed: every line goes to the journal (`ref-update`), never blocking;
#   aborted    nothing changed: nothing to record.
# It runs about a hundred times in a 10-commit rebase, so the common case is answered here
# without Node and without forks: lines that touch neither refs/guard/* nor a possibly protected
# branch, and fast-forward moves of protected branches (one `git merge-base`). Everything else
# goes to `guard hook reference-transaction` (src/githooks/reference-transaction.ts), which
# decides exactly.

guard_state=${1-}
# An aborted transaction changed nothing; git ignores SIGPIPE for this hook, so its input need
# not even be read.
[ "$guard_state" = aborted ] && ! guard_has_chained && exit 0

guard_read_input

# A transaction of nothing but "<zero> <zero> <name>" lines for pseudorefs (names outside refs/,
# not HEAD) deletes, without an old value, what may not even be there: git 2.45 and later remove
# AUTO_MERGE that way after every commit (aborted, prepared, committed: three runs of this hook
# more per commit), and the sequencer CHERRY_PICK_HEAD and REBASE_HEAD at every rebase step.
# Nothing guard protects or journals: leave at once, builtins only (the chained hook still runs).
guard_pseudo_noop() {
  [ -n "$guard_input" ] || return 1
  guard_rest=$guard_input
  while [ -n "$guard_rest" ]; do
    case $guard_rest in
      *"$guard_nl"*) guard_l=${guard_rest%%"$guard_nl"*} guard_rest=${guard_rest#*"$guard_nl"} ;;
      *) guard_l=$guard_rest guard_rest= ;;
    esac
    guard_o=${guard_l%% *}
    guard_t=${guard_l#* }
    guard_n=${guard_t%% *}
    guard_r=${guard_t#* }
    case $guard_o$guard_n in '' | *[!0]*) return 1 ;; esac
    case $guard_r in '' | refs/* | HEAD | *' '*) return 1 ;; esac
  done
  return 0
}
if guard_pseudo_noop; then
  guard_has_chained || exit 0
  printf '%s' "$guard_input" | guard_run_chained "$@"
  guard_chained_rc=$?
  # Only a prepared run's status can abort the transaction; the others report after the fact.
  [ "$guard_state" = prepared ] && exit $guard_chained_rc
  exit 0
fi

# A prepared transaction is guard's business only when a line names a branch or a guard ref
# (the checks below) or deletes a ref under refs/ without an old value (noted for the committed
# run); anything else (HEAD while detached, ORIG_HEAD, REBASE_HEAD, tags, remote-tracking refs:
# all but one of a rebase's prepared runs) passes here, as it would below, whether or not guard
# is set up in this repository.
if [ "$guard_state" = prepared ] && ! guard_has_chained; then
  case $guard_input in
    *" refs/heads/"* | *" refs/guard/"*) ;;
    *"0000000000000000000000000000000000000000 0000000000000000000000000000000000000000 refs/"*) ;;
    *"0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000000 refs/"*) ;;
    *) exit 0 ;;
  esac
fi

# Everything above runs before sh has parsed the bulk of hooks/lib.sh (lib.sh's @early-part).
# @rest-of-lib.sh

if ! guard_setup; then
  # guard is not set up in this repository (a shared hooks directory): only chain.
  guard_has_chained || exit 0
  printf '%s' "$guard_input" | guard_run_chained "$@"
  exit $?
fi

# `git pack-refs --prune` (run by `git gc`) deletes each loose ref it just packed, one
# transaction per ref, and that shows here as a deletion. It is one when: the ref is in
# packed-refs with exactly the old value and packed-refs is not locked. A real deletion of a
# packed ref holds packed-refs.lock while this hook runs; a loose-only ref is not in packed-refs.
guard_is_prune() {
  case $1 in *[!0]*) ;; *) return 1 ;; esac
  [ ! -e "$GUARD_COMMON_DIR/packed-refs.lock" ] && [ -f "$GUARD_COMMON_DIR/packed-refs" ] &&
    grep -qxF "$1 $2" "$GUARD_COMMON_DIR/packed-refs" 2>/dev/null
}

# A write that leaves the ref where it is (pack-refs copying loose refs into packed-refs reports
# "<zero> <oid>" for each): nothing changes.
guard_is_noop() {
  case $1 in *[!0]*) ;; *) return 1 ;; esac
  guard_current=$(git rev-parse -q --verify "$2" 2>/dev/null) || return 1
  [ "$guard_current" = "$1" ]
}

# `git pack-refs` copying a loose ref into packed-refs reports "<zero> <oid>" while it holds
# packed-refs.lock, with the value it read from the loose file. When guard's own background
# snapshot moved that loose ref meanwhile (or a commit moved a branch while `gc --auto` packed),
# the copy differs from the ref's value now (guard_is_noop fails; for a branch it can look like a
# rewrite), yet changes nothing: the loose ref is what git reads, and the prune that follows deletes
# the loose file only if it still holds the packed value. Anyone writing the loose ref itself holds
# its own lock (`<ref>.lock`) while this hook runs, so a packed-refs.lock made by hand does not
# pass a real write. (Refusing the copy failed `git gc` and `git gc --auto` after a commit.)
guard_is_pack_copy() {
  case $1 in *[!0]*) return 1 ;; esac
  case $2 in *[!0]*) ;; *) return 1 ;; esac
  [ -e "$GUARD_COMMON_DIR/packed-refs.lock" ] && [ -f "$GUARD_COMMON_DIR/$3" ] && [ ! -e "$GUARD_COMMON_DIR/$3.lock" ]
}

# A fast-forward (or a creation, or no move at all) of ref $3 from $1 to $2.
guard_is_fast_forward() {
  guard_old=$1
  case $guard_old in
    *[!0]*) ;;
    # The caller gave no old value: the ref still holds it while prepared.
    *) guard_old=$(git rev-parse -q --verify "$3" 2>/dev/null) || return 0 ;;
  esac
  [ "$guard_old" = "$2" ] && return 0
  git merge-base --is-ancestor "$guard_old" "$2" 2>/dev/null
}

# git deletes a ref without naming its old value when its caller gave none (`git branch -D`,
# `git update-ref -d NAME`, `git fetch --prune`): the line reads "<zero> <zero> <ref>", and the
# committed run, where the ref is gone, could only journal a deletion of nothing. While prepared
# the ref still holds its value: one `git cat-file --batch-check` for all such lines notes them in
# <guardDir>/deleting.<git's pid> for the committed run of the same git process, which journals
# them and removes the file. Appended, not replaced: deleting a packed ref runs a transaction for
# packed-refs first (the ref still resolves there) and then one for the loose ref, where a
# packed-only ref no longer resolves. An aborted run cannot tell a refused deletion from the
# abort git reports between those two halves, so it leaves the file; a snapshot removes the
# files of git processes that have ended once an hour old (a pid may be a live git's in another
# pid namespace; removeStaleTempFiles, src/snapshot/temp-index.ts).
# Only deletions without an old value pay for any of this.
guard_deleting_file="$GUARD_DIR/deleting.$PPID"
if [ "$guard_state" = prepared ]; then
  case $guard_input in
    *"0000000000000000000000000000000000000000 0000000000000000000000000000000000000000 refs/"* | *"0000000000000000000000000000000000000000000000000000000000000000 0000000000000000000000000000000000000000000000000000000000000000 refs/"*)
      printf '%s' "$guard_input" | awk '$1 !~ /[1-9a-f]/ && $2 !~ /[1-9a-f]/ && $3 ~ /^refs\// { print $3, $3 }' |
        git cat-file --batch-check='%(objectname) %(rest)' 2>/dev/null | awk '$2 != "missing"' >>"$guard_deleting_file" 2>/dev/null || :
      ;;
  esac
fi

# guard's own writes (snapshots, keep, rollback, recover) pass: they are undoable themselves.
if [ "$guard_state" = prepared ] && ! guard_internal_ok; then
  # Most transactions (HEAD while detached in a rebase, tags, remote-tracking refs, ORIG_HEAD)
  # touch no branch and no guard ref: they need neither the policy nor any check.
  case $guard_input in
    *" refs/heads/"* | *" refs/guard/"*)
      guard_ask_node=
      # A missing or stale policy may not know a protected branch yet: Node recompiles it.
      guard_load_policy || guard_ask_node=1
      while [ -z "$guard_ask_node" ] && read -r guard_old_oid guard_new_oid guard_ref; do
        # git >= 2.46 writes `ref:<target>` for a symbolic-ref value: not an object id, so not
        # for the checks below; Node decides on branches and guard refs (HEAD passes).
        case $guard_new_oid$guard_old_oid in
          *ref:*)
            case $guard_ref in
              refs/guard/*) guard_ask_node=1 ;;
              refs/heads/*) guard_branch_maybe_protected "${guard_ref#refs/heads/}" && guard_ask_node=1 ;;
            esac
            continue
            ;;
        esac
        case $guard_ref in
          refs/guard/*)
            guard_is_noop "$guard_new_oid" "$guard_ref" && continue
            guard_is_prune "$guard_old_oid" "$guard_ref" && continue
            guard_is_pack_copy "$guard_old_oid" "$guard_new_oid" "$guard_ref" && continue
            guard_ask_node=1
            ;;
          refs/heads/*)
            guard_branch_maybe_protected "${guard_ref#refs/heads/}" || continue
            case $guard_new_oid in
              *[!0]*) guard_is_fast_forward "$guard_old_oid" "$guard_new_oid" "$guard_ref" || guard_is_pack_copy "$guard_old_oid" "$guard_new_oid" "$guard_ref" || guard_ask_node=1 ;;
              *) guard_is_prune "$guard_old_oid" "$guard_ref" || guard_ask_node=1 ;;
            esac
            ;;
        esac
      done <<GUARD_INPUT_END
$guard_input
GUARD_INPUT_END
      if [ -n "$guard_ask_node" ]; then
        guard_node_decides "$guard_state" || exit $?
      fi
      ;;
  esac
  guard_has_chained || exit 0
  printf '%s' "$guard_input" | guard_run_chained "$@"
  exit $?
fi

# Lines that changed nothing are not journaled: while packed-refs.lock is held, git is writing
# packed-refs (`pack-refs` copying loose refs, or the packed half of a deletion, which the loose
# half reports again); a "deleted" ref that still resolves was only pruned after packing; and
# the sequencer's clean-up of pseudo-refs it may not have set (CHERRY_PICK_HEAD, REBASE_HEAD:
# "delete whatever is there", about thirty times in a rebase) records no value.
if [ "$guard_state" = committed ]; then
  guard_detect_actor
  guard_heal_session async
  # What changes during an agent session carries its id (guard log --session, the summary).
  guard_open_session
  guard_session_field=
  [ -n "$guard_session_id" ] && guard_session_field=",\"session\":\"$guard_session_id\""
  guard_packing=
  [ -e "$GUARD_COMMON_DIR/packed-refs.lock" ] && guard_packing=1
  # Deleted refs that still resolve are left out, for all deletions at once: one `git cat-file
  # --batch-check` resolves every deleted name (as rev-parse does; "<name> missing" when gone) and
  # one awk drops the lines of those that resolve. A transaction deleting thousands of refs then
  # costs three processes, not one per ref, and no per-line lookup in a growing shell string.
  guard_journal_input=$guard_input
  case $guard_input in
    *" 0000000000000000000000000000000000000000 refs/"* | *" 0000000000000000000000000000000000000000000000000000000000000000 refs/"*)
      guard_journal_input=$(
        {
          printf '%s' "$guard_input" | awk '$1 ~ /[1-9a-f]/ && $2 !~ /[1-9a-f]/ && $3 ~ /^refs\// { print $3, $3 }' |
            git cat-file --batch-check='%(objectname) %(rest)' 2>/dev/null | awk '$2 != "missing" { print $2 }'
          echo
          printf '%s' "$guard_input"
        } | awk 'BEGIN { listing = 1 } listing { if ($0 == "") listing = 0; else resolves[$0] = 1; next } !($1 ~ /[1-9a-f]/ && $2 !~ /[1-9a-f]/ && ($3 in resolves))'
      )
      ;;
  esac
  # Deletions git gave no old value for get the one the prepared run noted (above), once the
  # loose half is done: while packed-refs.lock is held, the same deletions are reported again
  # by the transaction that follows.
  if [ -z "$guard_packing" ] && [ -f "$guard_deleting_file" ]; then
    guard_journal_input=$(
      {
        cat "$guard_deleting_file"
        echo
        printf '%s' "$guard_journal_input"
      } | awk -v rest="$guard_deleting_file.rest" 'BEGIN { listing = 1 } listing { if ($0 == "") listing = 0; else was[$2] = $1; next } $1 !~ /[1-9a-f]/ && $2 !~ /[1-9a-f]/ && ($3 in was) { $1 = was[$3]; used[$3] = 1 } { print } END { for (r in was) if (!(r in used)) print was[r], r > rest }'
    )
    # git 2.39's `fetch --prune` deletes packed refs in one transaction, then each loose one in a
    # transaction of its own (prepared and committed once per ref): the values this run did not
    # use stay for the next ones (removing the file at the first run left the others without).
    if [ -s "$guard_deleting_file.rest" ]; then
      mv -f "$guard_deleting_file.rest" "$guard_deleting_file"
    else
      rm -f "$guard_deleting_file" "$guard_deleting_file.rest"
    fi
  fi
  # Remote-tracking refs deleted with a known old tip ("<old> <ref>" lines): kept below.
  guard_dropped=
  while read -r guard_old_oid guard_new_oid guard_ref; do
    [ -n "$guard_ref" ] || continue
    # guard's own snapshot writes are journaled as snapshots, not as someone's ref move.
    case $guard_ref in
      refs/guard/*) guard_internal_ok && continue ;;
    esac
    case $guard_new_oid in
      *[!0]*) case $guard_old_oid in *[!0]*) ;; *) [ -n "$guard_packing" ] && continue ;; esac ;;
      *)
        case $guard_old_oid in
          *[!0]*) ;; # a deleted ref that still resolves was dropped above
          *)
            [ -n "$guard_packing" ] && continue
            case $guard_ref in refs/*) ;; *) continue ;; esac
            ;;
        esac
        ;;
    esac
    guard_json_escape "$guard_ref"
    guard_journal_line ref-update "\"ref\":\"$guard_json\",\"old\":\"$guard_old_oid\",\"new\":\"$guard_new_oid\",\"actor\":\"$guard_actor\"$guard_session_field"
    case $guard_ref:$guard_new_oid:$guard_old_oid in
      refs/remotes/*:*[!0]*:*) ;;
      refs/remotes/*:*:*[!0]*) guard_dropped="$guard_dropped$guard_old_oid $guard_ref$guard_nl" ;;
    esac
  done <<GUARD_INPUT_END
$guard_journal_input
GUARD_INPUT_END
  # `git fetch --prune`, `git remote prune`, `git branch -dr`, `git remote remove`: snapshots do
  # not hold remote-tracking refs and a deleted ref's reflog goes with it, so the commits of a
  # branch the remote deleted were left to gc. Their tips go into the keep chain: appended to
  # <guardDir>/dropped-remotes here (builtins), kept by one Node process in the background
  # (src/githooks/dropped-remotes.ts), started by the run that made the file: git 2.39's
  # fetch --prune deletes each loose ref in a transaction of its own, so one per ref would cost a
  # Node start per pruned branch. The way back is said here. Never blocks.
  if [ -n "$guard_dropped" ] && ! guard_internal_ok; then
    guard_dropped_file=$GUARD_DIR/dropped-remotes
    guard_dropped_new=
    [ -f "$guard_dropped_file" ] || guard_dropped_new=1
    # A file no run took for a minute: its run could not start (no Node then, killed before it
    # took the file), and appending alone would leave every later tip waiting too. Started again
    # (a run that is only slow to start loses the rename to this one, harmlessly). One `find`,
    # only where the file is there already (before this append moves its time).
    if [ -z "$guard_dropped_new" ] && [ -n "$(find "$guard_dropped_file" -prune -mmin +1 2>/dev/null)" ]; then
      guard_dropped_new=1
    fi
    if printf '%s' "$guard_dropped" >>"$guard_dropped_file" 2>/dev/null; then
      guard_dropped_ours=0
      while read -r guard_old_oid guard_ref; do
        [ -n "$guard_ref" ] || continue
        guard_dropped_ours=$((guard_dropped_ours + 1))
        printf 'guard: %s was %s; it stays reachable (refs/guard/keep/head). Back: git update-ref %s %s\n' "${guard_ref#refs/remotes/}" "$guard_old_oid" "$guard_ref" "$guard_old_oid" >&2
      done <<GUARD_INPUT_END
$guard_dropped
GUARD_INPUT_END
      # The file was there at the check above, but a run may have taken it (renamed) between that
      # check and this append, which then made a new file no run will take: the tips would wait a
      # minute for the stale check (seen: fetch --prune's third transaction, under load). A file
      # that holds this run's lines alone is one this run made: start a run for it. A file with
      # more is one whose maker started a run that has not taken it yet. Read in a subshell (a
      # fork, no exec): a file gone meanwhile (taken, these lines with it) is then no error here.
      if [ -z "$guard_dropped_new" ]; then
        guard_dropped_held=$( { guard_n=0; while read -r guard_old_oid guard_ref; do [ -z "$guard_ref" ] || guard_n=$((guard_n + 1)); done <"$guard_dropped_file"; echo "$guard_n"; } 2>/dev/null)
        [ "$guard_dropped_held" != "$guard_dropped_ours" ] || guard_dropped_new=1
      fi
      if [ -n "$guard_dropped_new" ]; then
        guard_find_node
        if [ -n "$GUARD_NODE_BIN" ] && [ -f "$GUARD_PKG/bin/guard.js" ]; then
          (guard_run_node "$GUARD_NODE_BIN" "$GUARD_PKG/bin/guard.js" hook keep-dropped >/dev/null 2>&1 </dev/null &)
        else
          printf 'guard: warning: cannot start Node to keep these tips now (they wait in %s); `guard status` keeps them\n' "$guard_dropped_file" >&2
        fi
      fi
    fi
  fi
fi

# A hook manager re-run (husky by `npm install`) writes its stubs over guard's pre-commit, pre-push
# and pre-rebase in this directory without a word; it has no stub for this hook, so this one still
# runs and says so, once per change (<commonDir>/guard/hooks-replaced holds what was reported).
# A replaced hook whose check the manager's own configuration runs (`guard init` added the entry
# and wrote <commonDir>/guard/managed-hooks/<hook>, src/githooks/managers/) is only noted.
# Judged per hook: the configuration must hold an entry (a line that is not a comment) that runs
# the launcher for that very hook (`.../guard/git-hook.sh' git-guard <hook>`, entry.ts); an entry
# for pre-commit covers nothing else. Builtins only: two line reads per sibling, and each
# configuration file named in managed-hooks/<hook>.from (relative to the worktree root, where git
# runs hooks) read once per run, however many hooks name it (lefthook.yml serves all three); no
# fork unless there is something to say.
guard_nl='
'
# Configuration files read so far, and "<hook> <file>" for each hook one of them runs guard for.
guard_cfg_read=$guard_nl
guard_cfg_runs=$guard_nl
guard_config_runs_guard() {
  guard_from=
  { IFS= read -r guard_from || [ -n "$guard_from" ]; } 2>/dev/null <"$GUARD_DIR/managed-hooks/$1.from" || return 1
  [ -n "$guard_from" ] || return 1
  case $guard_cfg_read in
    *"$guard_nl$guard_from$guard_nl"*) ;;
    *)
      guard_cfg_read="$guard_cfg_read$guard_from$guard_nl"
      [ -f "$guard_from" ] || return 1
      # IFS= read keeps leading blanks: a comment line (`#`, `  # run: ...`) is not an entry.
      while IFS= read -r guard_cl || [ -n "$guard_cl" ]; do
        case ${guard_cl#"${guard_cl%%[![:space:]]*}"} in
          '#'*) ;;
          *'/guard/git-hook.sh'*)
            for guard_h in pre-commit pre-push pre-rebase; do
              case $guard_cl in
                *"git-guard $guard_h" | *"git-guard $guard_h "* | *"git-guard $guard_h\""* | *"git-guard $guard_h'"*) guard_cfg_runs="$guard_cfg_runs$guard_h $guard_from$guard_nl" ;;
              esac
            done
            ;;
        esac
      done <"$guard_from"
      ;;
  esac
  case $guard_cfg_runs in *"$guard_nl$1 $guard_from$guard_nl"*) return 0 ;; esac
  return 1
}
if [ "$guard_state" = committed ]; then
  guard_gone=
  guard_covered=
  for guard_sibling in pre-commit pre-push pre-rebase; do
    guard_l1=
    guard_l2=
    { IFS= read -r guard_l1 && IFS= read -r guard_l2; } 2>/dev/null <"${0%/*}/$guard_sibling"
    case $guard_l2 in
      '# git-guard hook shim: '*) ;;
      *)
        if [ -f "$GUARD_DIR/managed-hooks/$guard_sibling" ] && guard_config_runs_guard "$guard_sibling"; then
          guard_covered="$guard_covered $guard_sibling"
        else
          guard_gone="$guard_gone $guard_sibling"
        fi
        ;;
    esac
  done
  guard_reported=
  [ -f "$GUARD_DIR/hooks-replaced" ] && IFS= read -r guard_reported <"$GUARD_DIR/hooks-replaced"
  if [ "$guard_gone/$guard_covered" != "$guard_reported" ]; then
    if [ -n "$guard_gone" ]; then
      printf 'guard: warning: guard'"'"'s%s hook(s) in %s were replaced (a hook manager such as husky re-installed its own), so their checks no longer run.\n  Run `guard init` to put them back: it keeps the new hooks and runs them after guard'"'"'s.\n' "$guard_gone" "${0%/*}" >&2
    fi
    if [ -n "$guard_covered" ]; then
      printf 'guard: note: guard'"'"'s%s hook(s) in %s were replaced by a hook manager; its configuration runs guard'"'"'s checks instead (`guard status` verifies it).\n' "$guard_covered" "${0%/*}" >&2
    fi
    if [ -n "$guard_gone$guard_covered" ]; then
      guard_json_escape "${0%/*}"
      guard_journal_line hooks-replaced "\"hooks\":\"${guard_gone# }\",\"throughManager\":\"${guard_covered# }\",\"dir\":\"$guard_json\""
    fi
    printf '%s\n' "$guard_gone/$guard_covered" >"$GUARD_DIR/hooks-replaced" 2>/dev/null || :
  fi
fi

# guard's agent hooks taken out by a person's git command. Where a project tracks the agent's
# settings file (`.claude/settings.json` committed without guard's entries), guard's entries are an
# uncommitted change of it, and a person's `git reset --hard` or `git stash` reverts it: the
# agent's next session runs without guard's checks, and no agent hook runs to notice (an agent's
# own such command is written back by its hooks: src/agents/rehook.ts). `guard init` lists the
# files and the text of guard's entry in <gitDir>/guard/agent-hook-files (src/agents/install.ts);
# here each is checked with builtins once it changed since the last look that found them all
# (agent-hooks-seen: a `-nt` test per file is all a transaction costs then). A file gone or without
# the entry is said once per change (agent-hooks-reported), on stderr and in the journal
# (`agent-hooks-gone`); `guard status` reports it too, and `guard init --agents ID` puts them back.
# Not written back from here: after a person's `git stash`, entries written back would make the
# later `git stash pop` refuse. A `git checkout -f`/`git restore` (no ref transaction in git 2.39)
# is seen at the next transaction that follows it (a commit, a reset, a pull) or by `guard status`.
if [ "$guard_state" = committed ] && [ "$guard_actor" = human ] && [ -f "$guard_wt_git/guard/agent-hook-files" ]; then
  guard_ah_seen=$guard_wt_git/guard/agent-hooks-seen
  guard_ah_gone=
  guard_ah_ids=
  guard_ah_tab='	'
  while IFS=$guard_ah_tab read -r guard_af guard_am guard_an guard_ai; do
    [ -n "$guard_af" ] || continue
    if [ -f "$guard_af" ]; then
      # Skipped only when the last look is strictly newer: a file rewritten in the same clock tick
      # as that look (git stash: its ref transaction, then at once the reset) has the same mtime.
      [ -f "$guard_ah_seen" ] && [ "$guard_ah_seen" -nt "$guard_af" ] && continue
      guard_found=
      while IFS= read -r guard_l || [ -n "$guard_l" ]; do
        case $guard_l in *"$guard_am"*) guard_found=1 && break ;; esac
      done <"$guard_af"
      [ -n "$guard_found" ] && continue
    fi
    guard_ah_gone="$guard_ah_gone${guard_ah_gone:+, }${guard_af#"$PWD"/} ($guard_an)"
    guard_ah_ids="$guard_ah_ids${guard_ah_ids:+,}$guard_ai"
  done <"$guard_wt_git/guard/agent-hook-files"
  # All there: looked at again only once one of them changes.
  [ -n "$guard_ah_gone" ] || echo >"$guard_ah_seen" 2>/dev/null || :
  guard_reported=
  [ -f "$guard_wt_git/guard/agent-hooks-reported" ] && IFS= read -r guard_reported <"$guard_wt_git/guard/agent-hooks-reported"
  if [ "$guard_ah_gone" != "$guard_reported" ]; then
    if [ -n "$guard_ah_gone" ]; then
      printf 'guard: warning: guard'"'"'s agent hooks are gone from %s: the agent'"'"'s next session runs without guard'"'"'s checks (a git command reverted or removed the file).\n  Put them back: guard init --agents %s (after a git stash, git stash pop brings them back instead)\n' "$guard_ah_gone" "$guard_ah_ids" >&2
      guard_json_escape "$guard_ah_gone"
      guard_journal_line agent-hooks-gone "\"files\":\"$guard_json\",\"agents\":\"$guard_ah_ids\",\"actor\":\"$guard_actor\""
    fi
    printf '%s\n' "$guard_ah_gone" >"$guard_wt_git/guard/agent-hooks-reported" 2>/dev/null || :
  fi
fi

# committed and aborted are after the fact: report, never block.
guard_has_chained && { printf '%s' "$guard_input" | guard_run_chained "$@" || :; }

# A fetch moves a remote-tracking ref before the merge that may follow it: the new tip is known
# here and the working tree is still untouched. git replaces an ignored file with a tracked one
# without a word (a teammate's `git add -f .env` is merged over the local `.env`), and no snapshot
# holds ignored files; so when the tip a merge would take lands on ignored files that are on disk,
# they are captured into a snapshot now. Which tip: the one git marked for merging in FETCH_HEAD
# (the lines before the first `not-for-merge`; written, and flushed, before each ref's
# transaction; per worktree): the current branch's upstream. Other remote-tracking refs are not
# what a merge takes, and checking each would cost a git process per ref. Last in the file,
# behind exits, so that a transaction with no refs/remotes/ line (or none moved to a tip marked
# for merging) does not even parse what follows. The checks themselves are in hooks/landing.sh
# (sourced from the package only when a tip is to be checked; pre-rebase uses them too).
# Cost: one `case` unless a refs/remotes/ line moves; then builtins read FETCH_HEAD, and only a
# line whose new value is marked for merging pays one `git diff-tree` (once per tip and git
# process: <guardDir>/fetch-landing) and builtin tests of what it adds; one `git ls-files` only
# where something is on disk there; Node (the exact query, src/git/tree-landing.ts, and the
# snapshot: src/githooks/fetch-landing.ts) only where an ignored file is. Never blocks the fetch.
#
# `git pull` (GIT_REFLOG_ACTION "pull ..." for its fetch, merge and rebase alike) is checked once,
# when it is about to write the tree, not at its fetch: its merge's first transaction sets
# ORIG_HEAD before the tree is written (git 2.39, ff and not), and its rebase runs pre-rebase
# first (hooks/pre-rebase.sh). There FETCH_HEAD holds what the pull's fetch marked for merging,
# whether that fetch moved a remote-tracking ref (a new tip), moved none (a tip fetched earlier,
# or in another worktree) or has none (a pull from a URL or a path).
[ "$guard_state" = committed ] || exit 0
guard_at_merge=
case $guard_input in
  *" refs/remotes/"*)
    case ${GIT_REFLOG_ACTION-} in pull | "pull "*) exit 0 ;; esac
    ;;
  *" ORIG_HEAD$guard_nl"*)
    case ${GIT_REFLOG_ACTION-} in pull | "pull "*) ;; *) exit 0 ;; esac
    guard_at_merge=1
    ;;
  *) exit 0 ;;
esac
# A worktree's top (git runs hooks there), not a bare repository; not guard's own writes.
guard_open_session
[ -e .git ] && [ -f "$guard_wt_git/FETCH_HEAD" ] || exit 0
guard_internal_ok && exit 0
# A rebase's ORIG_HEAD comes once it has written the tree: its pre-rebase checked.
[ -n "$guard_at_merge" ] && { [ -d "$guard_wt_git/rebase-merge" ] || [ -d "$guard_wt_git/rebase-apply" ]; } && exit 0
if ! . "$GUARD_PKG/hooks/landing.sh" 2>/dev/null; then
  printf 'guard: warning: cannot check what this fetch brings over ignored files (%s is missing); check with: guard status\n' "$GUARD_PKG/hooks/landing.sh" >&2
  exit 0
fi
if [ -n "$guard_at_merge" ]; then
  # ORIG_HEAD's new value is HEAD's.
  guard_head_oid=
  while read -r guard_old_oid guard_new_oid guard_ref; do
    [ "$guard_ref" = ORIG_HEAD ] && guard_head_oid=$guard_new_oid
  done <<GUARD_INPUT_END
$guard_input
GUARD_INPUT_END
  guard_land_fetch_head "$guard_head_oid"
  exit 0
fi
guard_read_merge_oids
# `git fetch --atomic` truncates FETCH_HEAD when it starts and writes it only after its one
# transaction: empty here. The tip a merge takes is then the upstream's (one rev-parse, only then).
guard_upstream=
[ -s "$guard_wt_git/FETCH_HEAD" ] || guard_upstream=$(git rev-parse -q --symbolic-full-name '@{upstream}' 2>/dev/null) || guard_upstream=
[ -n "$guard_merge_oids$guard_upstream" ] || exit 0
while read -r guard_old_oid guard_new_oid guard_ref; do
  case $guard_ref in refs/remotes/*) ;; *) continue ;; esac
  [ "$guard_old_oid" != "$guard_new_oid" ] || continue
  case "$guard_merge_oids " in *" $guard_new_oid "*) ;; *) [ "$guard_ref" = "$guard_upstream" ] || continue ;; esac
  guard_land "$guard_ref" "$guard_new_oid"
done <<GUARD_INPUT_END
$guard_input
GUARD_INPUT_END
exit 0
