#!/usr/bin/env bash
# usage: bash bench/cpu-real-clones.sh NAME  (a working clone at $GUARD_CLONES/NAME, default
# /tmp/costaudit/NAME, with user.name/user.email set; a hermetic HOME under /work/lp). Prints the
# CPU (user+sys, /usr/bin/time) and the git processes (trace2) of `git status`, `guard snapshot`
# after a commit and the session-start hook after `git branch -f`, 3 rounds (docs/BENCHMARKS.md).
set -e
N=$1; R=${GUARD_CLONES:-/tmp/costaudit}/$N
export HOME=${GUARD_BENCH_HOME:-/work/lp/home-costaudit}-$N GIT_CONFIG_GLOBAL=/dev/null; unset NODE_EXTRA_CA_CERTS
mkdir -p $HOME
G=$(cd "$(dirname "$0")/.." && pwd)/bin/guard.js
cd $R
cnt() { grep -c '"event":"start"' "$1" 2>/dev/null || echo 0; }
meas() { # label cmd...
  local label=$1; shift; local tr=${TMPDIR:-/tmp}/tr-$N-$label.json; rm -f $tr
  /usr/bin/time -f "%U %S %e" -o ${TMPDIR:-/tmp}/time-$N-$label env GIT_TRACE2_EVENT=$tr GIT_TRACE2_EVENT_NESTING=1 "$@" >/dev/null 2>&1 || echo "($label exit $?)"
  read u s e < ${TMPDIR:-/tmp}/time-$N-$label
  echo "$label: cpu $(echo "$u + $s" | bc) s (wall $e s), git processes $(cnt $tr)"
}
if [ ! -d .git/guard ]; then node $G init --yes --agents claude >/dev/null 2>&1; sleep 5; fi
git status >/dev/null
for round in 1 2 3; do
  echo "round $round"
  echo "x$round$(date +%s%N)" >> guard-bench.txt; git add guard-bench.txt; git commit -q -m "bench $round"
  meas status git status
  meas snapshot node $G snapshot
  sleep 2
  git branch -f bench-branch-$round
  meas status2 git status
  echo "{\"session_id\":\"b$round\",\"cwd\":\"$R\",\"hook_event_name\":\"SessionStart\",\"source\":\"startup\"}" > ${TMPDIR:-/tmp}/payload-$N
  meas session sh -c "node $G agent-hook claude session-start < ${TMPDIR:-/tmp}/payload-$N"
  node $G watch stop >/dev/null 2>&1 || true
  sleep 2
done
