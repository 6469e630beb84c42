# hooks/pre-receive.sh: the server-side hook `guard server install` puts into a bare repository.
# stdin holds one "<old> <new> <ref>" line per ref being pushed. Always goes to Node
# (`guard hook pre-receive`, src/githooks/pre-receive.ts): a push is network-bound, and the server
# checks every new commit for protected-path deletions. A push is accepted or refused as a whole.
# It fails closed: when the check cannot run, the push is refused with a message that says why.

guard_read_input

GUARD_FAIL_CLOSED=1
printf '%s' "$guard_input" | guard_node "$@" || exit $?

guard_has_chained || exit 0
printf '%s' "$guard_input" | guard_run_chained "$@"
exit $?
