#!/usr/bin/env bash
# usage: bash bench/first-session.sh NAME GUARD_ROOT LABEL (docs/BENCHMARKS.md, 2026-12-07 sessionstart): a fresh
# clone of /work/.mirror/*+NAME (under $GUARD_CLONES, default /work/lp/ss), git status, guard init, at once the
# session-start hook (the first session), guard watch stop, sleep 10, a second session start.
set -e
N=$1; GR=$2; L=$3
D=${GUARD_CLONES:-/work/lp/ss}/m-$N-$L; rm -rf $D; mkdir -p $D
export HOME=/work/lp/home-sessionstart-$N-$L GIT_CONFIG_GLOBAL=/dev/null; unset NODE_EXTRA_CA_CERTS
rm -rf $HOME; mkdir -p $HOME
git clone -q /work/.mirror/*+$N/repo $D/r; cd $D/r; git config user.name T; git config user.email t@e
G=$GR/bin/guard.js
cnt() { grep -c '"event":"start"' "$1" 2>/dev/null || echo 0; }
meas() { local label=$1; shift; local tr=$D/tr-$label.json
  /usr/bin/time -f "%U %S %e" -o $D/time-$label env GIT_TRACE2_EVENT=$tr GIT_TRACE2_EVENT_NESTING=1 "$@" >/dev/null 2>&1 || echo "($label exit $?)"
  read u s e < $D/time-$label
  echo "$N $L $label: cpu $(echo "$u + $s" | bc) s (wall $e s), git processes $(cnt $tr), pack-objects $(grep -c '"argv":\["[^"]*git","pack-objects' $tr || true)"; }
git status >/dev/null
meas status git status
meas init node $G init --yes --agents claude
echo "{\"session_id\":\"s1\",\"cwd\":\"$PWD\",\"hook_event_name\":\"SessionStart\",\"source\":\"startup\"}" > $D/p1
meas first sh -c "node $G agent-hook claude session-start < $D/p1"
node $G watch stop >/dev/null 2>&1 || true
sleep 10
meas status2 git status
echo "{\"session_id\":\"s2\",\"cwd\":\"$PWD\",\"hook_event_name\":\"SessionStart\",\"source\":\"startup\"}" > $D/p2
meas second sh -c "node $G agent-hook claude session-start < $D/p2"
node $G watch stop >/dev/null 2>&1 || true
grep -v '^ ' .git/guard/backup-push.log 2>/dev/null | cut -c1-160 || true
