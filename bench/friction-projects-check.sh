#!/bin/bash
# friction-projects-check.sh LINES.tsv OUT.tsv: each line (project, directory, command; # comments
# skipped) through `guard check-command --json` as an agent (CLAUDECODE=1) in its clone at
# $FR_ROOT/PROJECT (made by friction-projects-setup.sh), HOME and git config hermetic. Writes
# project, directory, command, verdict, rule, reason. Nothing is run. G=path/to/bin/guard.js for
# another checkout (the "before" column).
G=${G:-$(cd "$(dirname "$0")/.." && pwd)/bin/guard.js}
FR_ROOT=${FR_ROOT:-/tmp/fr}
out=$2; : > "$out"
export GIT_CONFIG_GLOBAL=/dev/null CLAUDECODE=1; unset NODE_EXTRA_CA_CERTS
grep -v '^#' "$1" | while IFS=$'\t' read -r p dir cmd _; do
  [ -z "$cmd" ] && continue
  j=$(cd "$FR_ROOT/$p/$dir" && HOME=$FR_ROOT/home-$p node "$G" check-command --json "$cmd" 2>/dev/null)
  v=$(printf '%s' "$j" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);console.log([j.verdict,j.rule,(j.reason||"").replace(/\s+/g," ")].join("\t"))}catch{console.log("ERR\t\t"+s.slice(0,200))}})')
  printf '%s\t%s\t%s\t%s\n' "$p" "$dir" "$cmd" "$v" >> "$out"
done
