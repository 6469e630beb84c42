#!/bin/sh
# hooks/agent-hook.sh: the POSIX sh shim every agent hook runs (guard init writes the commands):
#
#   sh <package>/hooks/agent-hook.sh <agent> <event>      (the agent's JSON payload on stdin)
#
# Agents do not run this file directly: their hook command (src/agents/launcher.ts) runs the copy
# `guard init` writes to <commonDir>/guard/agent-hook.sh, which is this file with the package
# root filled in (so the command text holds no path of this machine).
#
# <agent> is claude, codex, gemini, cursor, copilot or opencode; <event> is session-start,
# pre-tool, post-tool, stop or session-end. Everything is decided by `guard agent-hook` (Node),
# except the common case answered here without starting Node (~100 ms): a pre-tool event of a
# shell tool whose command provably contains nothing the command guard could object to.
#
# The fast path is the exact test of src/policy/command/fast-path.ts (a test runs both on the
# same commands) and is sound by construction, see docs/command-guard.md:
#  1. the payload is JSON whose only escape sequence is \" (any other backslash: hand off), so
#     keys and string values can be found without a JSON parser and cannot be spoofed;
#  2. the tool is the agent's shell tool (by tool name / event name, every occurrence);
#  3. every command value (all "command" and "cmd" keys; Copilot's toolArgs decoded once) uses
#     only plain characters (no $, backticks, backslashes, globs, parentheses, braces, newlines),
#     redirects only to /dev/null or a descriptor, and holds no risky word once quotes are removed;
#  4. no word names a file the full check reads as a shell script (`./reset`, `bin/setup`,
#     `. env/setup`: guard_no_script; a binary or another interpreter's script stays here).
# Anything else, or any doubt, goes to Node with the payload unchanged, unless Node kept its allow
# of this very call (guard_kept_allow: an allow decided by the command's text and the files it
# read, such as `npm test` by package.json, none of which changed since; src/agents/answer-cache.ts).
#
# Allow is answered exactly as each agent's formatVerdict answers it (src/agents/<agent>).
# If Node or the package cannot be found, a pre-tool event is denied in the agent's protocol
# (never a silent fail-open) and a hook-error line goes to the journal when the repo is known.

guard_agent=${1-}
guard_event=${2-}
guard_payload=$(cat) || guard_payload=

guard_nl='
'

# guard_values KEY TEXT: sets guard_vals to the string values of every "KEY": in TEXT, joined
# by newlines (values hold no newline: JSON escapes it). Fails when KEY is not followed by a
# string, when a "KEY" appears that is not a key, or when KEY is absent.
guard_values() {
  guard_key="\"$1\""
  guard_rest=$2
  guard_vals=
  guard_found=0
  while :; do
    case $guard_rest in
      *"$guard_key"*) ;;
      *) break ;;
    esac
    guard_rest=${guard_rest#*"$guard_key"}
    case $guard_rest in
      :*) guard_rest=${guard_rest#:} ;;
      *) return 1 ;;
    esac
    while :; do
      case $guard_rest in
        ' '*) guard_rest=${guard_rest# } ;;
        *) break ;;
      esac
    done
    case $guard_rest in
      \"*) guard_rest=${guard_rest#\"} ;;
      *) return 1 ;;
    esac
    # The value runs to the first quote not escaped as \" (there is no \\ in the payload).
    guard_val=
    while :; do
      case $guard_rest in
        *\"*) ;;
        *) return 1 ;;
      esac
      guard_chunk=${guard_rest%%\"*}
      guard_rest=${guard_rest#*\"}
      case $guard_chunk in
        *\\) guard_val=$guard_val${guard_chunk%\\}\" ;;
        *)
          guard_val=$guard_val$guard_chunk
          break
          ;;
      esac
    done
    guard_vals=$guard_vals$guard_val$guard_nl
    guard_found=1
  done
  [ "$guard_found" = 1 ]
}

# guard_all_values_are KEY PATTERN TEXT: KEY is present and every value matches the case PATTERN.
guard_all_values_are() {
  guard_values "$1" "$3" || return 1
  guard_pattern=$2
  guard_list=$guard_vals
  while [ -n "$guard_list" ]; do
    guard_item=${guard_list%%"$guard_nl"*}
    guard_list=${guard_list#*"$guard_nl"}
    eval "case \$guard_item in $guard_pattern) ;; *) return 1 ;; esac"
  done
  return 0
}

# guard_benign COMMAND: the fast-path test of one command line (fast-path.ts, fastPathAllows).
guard_benign() {
  guard_cmd=$1
  [ "${#guard_cmd}" -le 4096 ] || return 1
  case $guard_cmd in
    # Letters spelled out: a range like A-Z depends on the locale in some shells.
    *[!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\ \	_.,:/=@%+^~\'\"\&\|\;\<\>!#-]*) return 1 ;;
  esac
  set -f
  IFS=' 	'
  guard_want_null=0
  for guard_word in $guard_cmd; do
    if [ "$guard_want_null" = 1 ]; then
      [ "$guard_word" = /dev/null ] || return 1
      guard_want_null=0
      continue
    fi
    case $guard_word in
      *'>'*)
        case $guard_word in
          '>/dev/null'|'1>/dev/null'|'2>/dev/null'|'&>/dev/null'|'>>/dev/null'|'1>>/dev/null'|'2>>/dev/null'|'&>>/dev/null'|'2>&1'|'1>&2'|'>&2') ;;
          '>'|'1>'|'2>'|'&>'|'>>'|'1>>'|'2>>'|'&>>') guard_want_null=1 ;;
          *) return 1 ;;
        esac
        ;;
    esac
  done
  [ "$guard_want_null" = 0 ] || return 1
  guard_unquoted=$guard_cmd
  while :; do
    case $guard_unquoted in
      *\'*) guard_unquoted=${guard_unquoted%%\'*}${guard_unquoted#*\'} ;;
      *\"*) guard_unquoted=${guard_unquoted%%\"*}${guard_unquoted#*\"} ;;
      *) break ;;
    esac
  done
  # sort, op, curl and uniq write a file only through some options or operands (FAST_PATH_OPTION_RISKY,
  # uniqMayWrite in fast-path.ts): look at the words once quotes are removed, cut at blanks.
  guard_sort_opt=0 guard_curl_opt=0 guard_uq_words=0 guard_uq_ops=-1 guard_uq_write=0 guard_uq_tokens=0 guard_prog_word=0 guard_inst_word=0
  for guard_word in $guard_unquoted; do
    case $guard_word in -o* | -[!-]*o* | --o*) guard_sort_opt=1 ;; esac
    case $guard_word in -[oOcDJK]* | -[!-]*[oOcDJK]* | -X?* | -[!-]*X?* | --*) guard_curl_opt=1 ;; esac
    if [ "$guard_uq_ops" -ge 0 ]; then
      case $guard_word in
        '|' | '||' | '&&' | ';' | '&' | '|&') guard_uq_ops=-1 ;;
        *[\|\;\&]*) guard_uq_write=1 ;;
        -) guard_uq_ops=$((guard_uq_ops + 1)) ;;
        -*) ;;
        *) guard_uq_ops=$((guard_uq_ops + 1)) ;;
      esac
      [ "$guard_uq_ops" -ge 2 ] && guard_uq_write=1
      continue
    fi
    case $guard_word in [uU][nN][iI][qQ]) guard_uq_words=$((guard_uq_words + 1)) guard_uq_ops=0 ;; esac
  done
  IFS=' 	.,:/=@%+^~&|;<>!#-'
  # kubectl, helm, helmfile, pulumi, gh, glab and the HTTP clients, cdk, cdktf, sst and serverless, sam,
  # amplify, ampx, eksctl, kops, azd, eb, skaffold, doctl, dvc, medusa, adb, emulator, avdmanager, simctl, stripe, dotnet, argocd, mvn, mvnw, mvnd, gradlew, cargo, flutter, swift, go, ninja, samu, cmake, meson and the publishers (mkdocs, gh-pages' pages,
  # hugo, netlify, ntl) are risky only beside one of their subcommand words
  # (FAST_PATH_VERB_RISKY)
  guard_kube=0 guard_helm=0 guard_pulumi=0 guard_v_kube=0 guard_v_helm=0 guard_v_pulumi=0 guard_gh=0 guard_v_gh=0 guard_iac=0 guard_v_iac=0 guard_env=0 guard_v_env=0 guard_do=0 guard_v_do=0 guard_hf=0 guard_v_hf=0 guard_dvc=0 guard_v_dvc=0 guard_adb=0 guard_v_adb=0 guard_dn=0 guard_v_dn=0 guard_argo=0 guard_v_argo=0 guard_pub=0 guard_v_pub=0 guard_bt=0 guard_v_bt=0 guard_cl=0 guard_v_cl=0
  for guard_token in $guard_unquoted; do
    # build-tools.ts: clean* and uninstall* (prefixes, as written) beside mvn, mvnw, mvnd, gradlew
    case $guard_token in
      clean* | uninstall*) guard_v_bt=1 ;;
      [mM][vV][nN] | [mM][vV][nN][wW] | [mM][vV][nN][dD] | [gG][rR][aA][dD][lL][eE][wW]) guard_bt=1 ;;
    esac
    # build-tools.ts: clean and reset beside cargo, flutter, swift, go; ninja-clean.ts: the same and remove,
    # remove_directory, P beside ninja, samu, cmake, meson
    case $guard_token in
      clean | reset | remove | remove_directory | P) guard_v_cl=1 ;;
      [cC][aA][rR][gG][oO] | [fF][lL][uU][tT][tT][eE][rR] | [sS][wW][iI][fF][tT] | [gG][oO] | [nN][iI][nN][jJ][aA] | [sS][aA][mM][uU] | [cC][mM][aA][kK][eE] | [mM][eE][sS][oO][nN]) guard_cl=1 ;;
    esac
    # gh, glab, curl, http, https, xh, xhs: their words in any case (FAST_PATH_VERB_CASELESS)
    case $guard_token in
      [dD][eE][lL][eE][tT][eE] | [xX][dD][eE][lL][eE][tT][eE] | [pP][aA][tT][cC][hH] | [xX][pP][aA][tT][cC][hH] | [gG][rR][aA][pP][hH][qQ][lL]) guard_v_gh=1 ;;
      [gG][hH] | [gG][lL][aA][bB] | [cC][uU][rR][lL] | [hH][tT][tT][pP] | [hH][tT][tT][pP][sS] | [xX][hH] | [xX][hH][sS]) guard_gh=1 ;;
    esac
    # site-publish.ts: force, history, f, deploy, delete beside mkdocs, pages, hugo, netlify, ntl
    case $guard_token in
      force | history | f | deploy | delete) guard_v_pub=1 ;;
      [mM][kK][dD][oO][cC][sS] | [pP][aA][gG][eE][sS] | [hH][uU][gG][oO] | [nN][eE][tT][lL][iI][fF][yY] | [nN][tT][lL]) guard_pub=1 ;;
    esac
    case $guard_token in
      delete) guard_v_kube=1 guard_v_helm=1 guard_v_env=1 guard_v_do=1 guard_v_hf=1 guard_v_argo=1 guard_v_adb=1 ;;
      d) guard_v_do=1 ;;
      drain | replace) guard_v_kube=1 ;;
      prune) guard_v_kube=1 guard_v_argo=1 ;;
      uninstall) guard_v_helm=1 guard_v_adb=1 ;;
      del | un) guard_v_helm=1 ;;
      shell | wipe | reset | void | void_invoice | void_credit_note | reject) guard_v_adb=1 ;;
      destroy) guard_v_pulumi=1 guard_v_iac=1 guard_v_hf=1 guard_v_dvc=1 ;;
      gc | f | force | outs | apply | execute) guard_v_dvc=1 ;;
      remove) guard_v_pulumi=1 guard_v_iac=1 guard_v_env=1 guard_v_argo=1 ;;
      down) guard_v_pulumi=1 guard_v_env=1 ;;
      terminate) guard_v_env=1 ;;
      clear | clean) guard_v_dn=1 ;;
      cancel) guard_v_pulumi=1 guard_v_adb=1 ;;
      up | update | dn | refresh | import | watch | rename | change | state) guard_v_pulumi=1 ;;
      [kK][uU][bB][eE][cC][tT][lL] | [oO][cC] | [kK][uU][bB][eE][cC][oO][lL][oO][rR]) guard_kube=1 ;;
      [hH][eE][lL][mM]) guard_helm=1 ;;
      [hH][eE][lL][mM][fF][iI][lL][eE]) guard_hf=1 ;;
      [pP][uU][lL][uU][mM][iI]) guard_pulumi=1 ;;
      [cC][dD][kK] | [cC][dD][kK][tT][fF] | [sS][sS][tT] | [sS][eE][rR][vV][eE][rR][lL][eE][sS][sS] | [sS][lL][sS]) guard_iac=1 ;;
      [sS][aA][mM] | [aA][mM][pP][lL][iI][fF][yY] | [aA][mM][pP][xX] | [eE][kK][sS][cC][tT][lL] | [kK][oO][pP][sS] | [aA][zZ][dD] | [eE][bB] | [sS][kK][aA][fF][fF][oO][lL][dD]) guard_env=1 ;;
      [dD][oO][cC][tT][lL]) guard_do=1 ;;
      [dD][vV][cC] | [mM][eE][dD][uU][sS][aA]) guard_dvc=1 ;;
      [aA][dD][bB] | [eE][mM][uU][lL][aA][tT][oO][rR] | [aA][vV][dD][mM][aA][nN][aA][gG][eE][rR] | [sS][iI][mM][cC][tT][lL] | [sS][tT][rR][iI][pP][eE]) guard_adb=1 ;;
      [dD][oO][tT][nN][eE][tT]) guard_dn=1 ;;
      [aA][rR][gG][oO][cC][dD]) guard_argo=1 ;;
    esac
    case $guard_token in
      # BEGIN risky words (generated from FAST_PATH_RISKY_WORDS / _PREFIXES; a test keeps them equal)
      [gG][iI][tT]|[gG][uU][aA][rR][dD]|[cC][lL][aA][uU][dD][eE]|[cC][uU][rR][sS][oO][rR]|\
      [cC][oO][dD][eE][xX]|[gG][eE][mM][iI][nN][iI]|[gG][iI][tT][hH][uU][bB]|\
      [oO][pP][eE][nN][cC][oO][dD][eE]|[cC][oO][pP][iI][lL][oO][tT]|[bB][fF][gG]|[sS][tT][dD][iI][nN]|[fF][dD]|[rR][mM]|\
      [uU][nN][lL][iI][nN][kK]|[sS][hH][rR][eE][dD]|[sS][rR][mM]|[rR][iI][mM][rR][aA][fF]|[dD][eE][lL]|\
      [tT][rR][uU][nN][cC][aA][tT][eE]|[fF][iI][nN][dD]|[eE][rR][aA][sS][eE]|[rR][mM][dD][iI][rR]|[rR][dD]|\
      [rR][iI]|[iI][tT][eE][mM]|[dD][dD]|[mM][kK][fF][sS]|[mM][kK][sS][wW][aA][pP]|\
      [wW][iI][pP][eE][fF][sS]|[fF][dD][iI][sS][kK]|[sS][fF][dD][iI][sS][kK]|[cC][fF][dD][iI][sS][kK]|\
      [gG][dD][iI][sS][kK]|[sS][gG][dD][iI][sS][kK]|[pP][aA][rR][tT][eE][dD]|\
      [bB][lL][kK][dD][iI][sS][cC][aA][rR][dD]|[cC][pP]|[mM][vV]|[lL][nN]|\
      [tT][eE][eE]|[sS][eE][dD]|[gG][sS][eE][dD]|[rR][sS][yY][nN][cC]|[cC][hH][mM][oO][dD]|\
      [cC][hH][oO][wW][nN]|[cC][hH][gG][rR][pP]|[sS][uU][dD][oO]|[sS][uU][dD][oO][eE][dD][iI][tT]|\
      [tT][iI][mM][eE]|[tT][aA][rR]|[gG][tT][aA][rR]|[bB][sS][dD][tT][aA][rR]|[uU][nN][zZ][iI][pP]|\
      [cC][pP][iI][oO]|7[zZ]|7[zZ][aA]|7[zZ][rR]|7[zZ][zZ]|[zZ][iI][pP]|\
      [sS][hH]|[bB][aA][sS][hH]|[dD][aA][sS][hH]|[zZ][sS][hH]|[kK][sS][hH]|\
      [mM][kK][sS][hH]|[aA][sS][hH]|[yY][aA][sS][hH]|[pP][oO][sS][hH]|[fF][iI][sS][hH]|[cC][sS][hH]|\
      [tT][cC][sS][hH]|[rR][bB][aA][sS][hH]|[pP][dD][kK][sS][hH]|[oO][kK][sS][hH]|[lL][oO][kK][sS][hH]|\
      [bB][uU][sS][yY][bB][oO][xX]|[tT][oO][yY][bB][oO][xX]|[eE][vV][aA][lL]|[eE][xX][eE][cC]|\
      [sS][oO][uU][rR][cC][eE]|[nN][oO][dD][eE]|[nN][oO][dD][eE][jJ][sS]|[dD][eE][nN][oO]|[bB][uU][nN]|\
      [bB][uU][nN][xX]|[aA][wW][kK]|[gG][aA][wW][kK]|[mM][aA][wW][kK]|[nN][aA][wW][kK]|\
      [lL][uU][aA][jJ][iI][tT]|[oO][sS][aA][sS][cC][rR][iI][pP][tT]|[pP][wW][sS][hH]|\
      [pP][oO][wW][eE][rR][sS][hH][eE][lL][lL]|[kK][iI][lL][lL]|[pP][kK][iI][lL][lL]|\
      [kK][iI][lL][lL][aA][lL][lL]|[mM][aA][kK][eE]|[gG][mM][aA][kK][eE]|[jJ][uU][sS][tT]|[pP][aA][rR][aA][lL][lL][eE][lL]|\
      [aA][pP][pP][lL][yY]_[pP][aA][tT][cC][hH]|[aA][pP][pP][lL][yY][pP][aA][tT][cC][hH]|\
      [wW][gG][eE][tT]|[oO][pP][eE][nN][sS][sS][lL]|[sS][qQ][lL][iI][tT][eE]3|[sS][qQ][lL][iI][tT][eE]|\
      [dD][uU][cC][kK][dD][bB]|[pP][rR][iI][sS][mM][aA]|[mM][aA][nN][aA][gG][eE]|[dD][jJ][aA][nN][gG][oO]|[rR][aA][iI][lL][sS]|[rR][aA][kK][eE]|\
      [aA][lL][eE][mM][bB][iI][cC]|[kK][nN][eE][xX]|[sS][eE][qQ][uU][eE][lL][iI][zZ][eE]|[dD][rR][iI][zZ][zZ][lL][eE]|[tT][yY][pP][eE][oO][rR][mM]|\
      [fF][lL][aA][sS][kK]|[dD][iI][eE][sS][eE][lL]|[sS][qQ][lL][xX]|[oO][rR][mM]|[gG][oO][oO][sS][eE]|[mM][iI][gG][rR][aA][tT][eE]|[aA][tT][lL][aA][sS]|[dD][bB][mM][aA][tT][eE]|\
      [sS][tT][rR][aA][pP][iI]|\
      [aA][rR][tT][iI][sS][aA][nN]|[cC][oO][nN][sS][oO][lL][eE]|[eE][cC][tT][oO]|[mM][iI][xX]|[gG][rR][aA][dD][lL][eE]|[eE][fF]|[sS][eE][qQ][uU][eE][lL]|[hH][aA][nN][aA][mM][iI]|[dD][rR][oO][pP][aA][lL][lL]|[sS][uU][pP][eE][rR][uU][sS][eE][rR]|[cC][oO][mM][pP][oO][sS][eE][rR]|[sS][aA][iI][lL]|\
      [dD][oO][tT][eE][nN][vV]|[dD][oO][tT][eE][nN][vV][xX]|\
      [nN][pP][mM]|[pP][nN][pP][mM]|[yY][aA][rR][nN]|[pP][rR][eE][mM][oO][vV][eE]|\
      [tT][uU][rR][bB][oO]|[lL][eE][rR][nN][aA]|[nN][xX]|\
      [aA][wW][sS]|[gG][sS][uU][tT][iI][lL]|[gG][cC][lL][oO][uU][dD]|[aA][zZ]|[fF][iI][rR][eE][bB][aA][sS][eE]|[hH][eE][rR][oO][kK][uU]|[fF][lL][yY]|[fF][lL][yY][cC][tT][lL]|[sS][uU][pP][aA][bB][aA][sS][eE]|[dD][rR][oO][pP][dD][bB]|[pP][sS][qQ][lL]|[mM][yY][sS][qQ][lL]|[mM][aA][rR][iI][aA][dD][bB]|[rR][eE][dD][iI][sS]|[mM][oO][nN][gG][oO][sS][hH]|[mM][oO][nN][gG][oO]|\
      [sS][qQ][lL][cC][mM][dD]|[cC][lL][iI][cC][kK][hH][oO][uU][sS][eE]|[cC][oO][cC][kK][rR][oO][aA][cC][hH]|\
      [cC][qQ][lL][sS][hH]|[sS][sS][hH]|[aA][nN][sS][iI][bB][lL][eE]|[pP][gG]_[rR][eE][sS][tT][oO][rR][eE]|[mM][oO][nN][gG][oO][rR][eE][sS][tT][oO][rR][eE]|[wW][rR][aA][nN][gG][lL][eE][rR]|[nN][eE][oO][nN]|[nN][eE][oO][nN][cC][tT][lL]|[tT][uU][rR][sS][oO]|[pP][sS][cC][aA][lL][eE]|[bB][qQ]|[mM][cC]|[rR][cC][lL][oO][nN][eE]|[sS]3[cC][mM][dD]|[kK][aA][fF][kK][aA]|[eE][tT][cC][dD][cC][tT][lL]|[cC][oO][nN][sS][uU][lL]|[iI][nN][fF][lL][uU][xX]|[cC][oO][nN][vV][eE][xX]|\
      [tT][eE][rR][rR][aA][fF][oO][rR][mM]|[tT][oO][fF][uU]|[tT][eE][rR][rR][aA][gG][rR][uU][nN][tT]|[dD][oO][cC][kK][eE][rR]|[pP][oO][dD][mM][aA][nN]|[vV][eE][rR][cC][eE][lL]|[tT][rR][aA][sS][hH]|[pP][rR][eE][bB][uU][iI][lL][dD]|[gG][hH][pP]|\
      [pP][yY][tT][hH][oO][nN]*|[pP][yY][pP][yY]*|[pP][eE][rR][lL]*|\
      [rR][uU][bB][yY]*|[pP][hH][pP]*|[lL][uU][aA]*|[gG][iI][tT]_*|[gG][uU][aA][rR][dD]_*|[fF][lL][yY][wW][aA][yY]*|\
      [lL][iI][qQ][uU][iI][bB][aA][sS][eE]*|[rR][oO][lL][lL][bB][aA][cC][kK]*) return 1 ;;
      # END risky words
      [sS][oO][rR][tT]) [ "$guard_sort_opt" = 0 ] || return 1 ;;
      [oO][pP]) [ "$guard_sort_opt" = 0 ] || return 1 ;;
      [cC][uU][rR][lL]) [ "$guard_curl_opt" = 0 ] || return 1 ;;
      [uU][nN][iI][qQ]) guard_uq_tokens=$((guard_uq_tokens + 1)) ;;
      # FAST_PATH_PROGRAM_WORDS: risky only where it may run (guard_operands_only)
      [tT][aA][sS][kK]) guard_prog_word=1 ;;
      # FAST_PATH_SUBCOMMAND_WORDS: risky but as an installer's subcommand (guard_operands_only install)
      [iI][nN][sS][tT][aA][lL][lL]) guard_inst_word=1 ;;
    esac
  done
  [ "$guard_kube$guard_v_kube" != 11 ] && [ "$guard_helm$guard_v_helm" != 11 ] && [ "$guard_pulumi$guard_v_pulumi" != 11 ] && [ "$guard_gh$guard_v_gh" != 11 ] && [ "$guard_iac$guard_v_iac" != 11 ] && [ "$guard_env$guard_v_env" != 11 ] && [ "$guard_do$guard_v_do" != 11 ] && [ "$guard_hf$guard_v_hf" != 11 ] && [ "$guard_dvc$guard_v_dvc" != 11 ] && [ "$guard_adb$guard_v_adb" != 11 ] && [ "$guard_dn$guard_v_dn" != 11 ] && [ "$guard_argo$guard_v_argo" != 11 ] && [ "$guard_pub$guard_v_pub" != 11 ] && [ "$guard_bt$guard_v_bt" != 11 ] && [ "$guard_cl$guard_v_cl" != 11 ] || return 1
  [ "$guard_prog_word" = 0 ] || guard_operands_only task "$guard_cmd" || return 1
  [ "$guard_inst_word" = 0 ] || guard_operands_only install "$guard_cmd" || return 1
  [ "$guard_uq_tokens" = 0 ] || { [ "$guard_uq_write" = 0 ] && [ "$guard_uq_tokens" = "$guard_uq_words" ]; }
}

# guard_operands_only task COMMAND: every part of COMMAND holding the word task (FAST_PATH_PROGRAM_WORDS),
# cut at ; & | outside quotes and with quotes removed, starts with a program that runs none of its
# operands (FAST_PATH_OPERAND_ONLY): `grep -rn task src`, `echo task`. Fails on an unmatched quote.
# (fast-path.ts programWordsOnlyAsOperands.) guard_operands_only install COMMAND: every part holding
# the word install (FAST_PATH_SUBCOMMAND_WORDS) holds it once, as the word after an installer
# (FAST_PATH_INSTALLERS): `pip install -e .`, `bundle install` (installWordsOnlyAsSubcommands).
guard_operands_only() {
  guard_o_mode=$1
  guard_o_rest=$2
  guard_o_part=
  guard_o_stop="'\";&|"
  while :; do
    case $guard_o_rest in
      \'* | \"*)
        guard_o_q=${guard_o_rest%"${guard_o_rest#?}"}
        guard_o_rest=${guard_o_rest#?}
        case $guard_o_rest in
          *"$guard_o_q"*) ;;
          *) return 1 ;;
        esac
        guard_o_part=$guard_o_part${guard_o_rest%%"$guard_o_q"*}
        guard_o_rest=${guard_o_rest#*"$guard_o_q"}
        continue
        ;;
      [';&|']* | '')
        IFS=' 	.,:/=@%+^~&|;<>!#-'
        guard_o_has=0
        for guard_o_w in $guard_o_part; do
          case $guard_o_mode$guard_o_w in
            task[tT][aA][sS][kK] | install[iI][nN][sS][tT][aA][lL][lL]) guard_o_has=$((guard_o_has + 1)) ;;
          esac
        done
        if [ "$guard_o_has" != 0 ]; then
          IFS=' 	'
          # shellcheck disable=SC2086
          set -- $guard_o_part
          if [ "$guard_o_mode" = task ]; then
            case ${1-} in
              echo | printf | grep | egrep | fgrep | cat | head | tail | wc | ls) ;;
              *) return 1 ;;
            esac
          else
            # FAST_PATH_INSTALLERS, then the word itself, held once
            [ "$guard_o_has" = 1 ] && [ "${2-}" = install ] || return 1
            case ${1-} in
              pip | pip3 | pipx | poetry | bundle | gem | brew | cargo | go | pre-commit) ;;
              *) return 1 ;;
            esac
          fi
        fi
        [ -n "$guard_o_rest" ] || return 0
        guard_o_part=
        guard_o_rest=${guard_o_rest#?}
        ;;
      *)
        guard_o_chunk=${guard_o_rest%%[$guard_o_stop]*}
        guard_o_part=$guard_o_part$guard_o_chunk
        guard_o_rest=${guard_o_rest#"$guard_o_chunk"}
        ;;
    esac
  done
}

# ---- Script files (src/policy/command/script-files.ts): a line the fast path passes may still
# run a file the full check reads as a shell script (`./reset`, `bin/setup`, `. env/setup`: no
# risky word), so the shim looks at every word that could name one, with builtins only.

# guard_dirs_of PAYLOAD: guard_wd, the directories the command starts in as Node takes them
# (event.cwd: every "cwd" value), one a line, and guard_wd_known=1; guard_wd_known=0 when the
# shim cannot know them (no cwd, a relative one, Gemini CLI's dir_path/directory under it).
guard_dirs_of() {
  guard_wd=
  guard_wd_known=0
  case $1 in
    *'"dir_path"'* | *'"directory"'*) return 0 ;;
  esac
  guard_values cwd "$1" || return 0
  guard_list=$guard_vals
  while [ -n "$guard_list" ]; do
    guard_item=${guard_list%%"$guard_nl"*}
    guard_list=${guard_list#*"$guard_nl"}
    case $guard_item in
      /*) guard_wd=$guard_wd$guard_item$guard_nl ;;
      *) return 0 ;;
    esac
  done
  guard_wd_known=1
}

# guard_shell_file FILE HOW: does the full check read FILE as a script? HOW is `source`
# (`. FILE`: any file that is not a directory) or `run` (FILE run as a command: an executable
# regular file whose first line is a `#!` naming sh, bash, dash, zsh or ksh, or python, node,
# perl, ruby, php or lua, directly or through env, as runnerOf reads it, or is no `#!` at all and
# not a binary's header). The first line is
# read by the read builtin (no process). read drops NUL bytes, so a binary is known by its magic
# number (ELF, Mach-O), where runnerOf looks for a NUL: a file crafted to start like one passes.
guard_shell_file() {
  if [ "$2" = source ]; then
    [ -e "$1" ] && [ ! -d "$1" ]
    return
  fi
  [ -f "$1" ] && [ -x "$1" ] || return 1
  guard_first=
  { IFS= read -r guard_first <"$1"; } 2>/dev/null
  case $guard_first in
    '#!'*) ;;
    # An empty file runs nothing; an empty first line is a script's.
    '')
      [ -s "$1" ]
      return
      ;;
    # A printable first character: text (a script without `#!`).
    [[:print:]]*) return 0 ;;
    *)
      # Not text: a binary's magic number? One printf (a fork), only for such a first line.
      [ -n "${guard_magic-}" ] || guard_magic=$(printf '\177ELF\n\317\372\355\376\n\316\372\355\376\n\312\376\272\276\n\376\355\372\317\n\376\355\372\316\nx')
      guard_m_list=${guard_magic%x}
      while [ -n "$guard_m_list" ]; do
        guard_m=${guard_m_list%%"$guard_nl"*}
        guard_m_list=${guard_m_list#*"$guard_nl"}
        case $guard_first in
          "$guard_m"*) return 1 ;;
        esac
      done
      return 0
      ;;
  esac
  # The words after `#!`, cut at blanks; env's options and NAME=value words skipped.
  set -f
  guard_ifs=$IFS
  IFS=' 	'
  # shellcheck disable=SC2086
  set -- ${guard_first#??}
  IFS=$guard_ifs
  guard_prog=${1-}
  if [ "${guard_prog##*/}" = env ]; then
    shift
    guard_prog=
    for guard_w in "$@"; do
      case $guard_w in
        -*) continue ;;
        [abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_]*=*)
          case ${guard_w%%=*} in
            *[!abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_]*) ;;
            *) continue ;;
          esac
          ;;
      esac
      guard_prog=$guard_w
      break
    done
  fi
  case ${guard_prog##*/} in
    sh | bash | dash | zsh | ksh) return 0 ;;
    # Another interpreter's script: Node reads its literal calls too (scripts.ts judgeInterpreterFile).
    python* | pypy* | node | nodejs | perl* | ruby* | php* | lua* | luajit) return 0 ;;
  esac
  return 1
}

# guard_script_path WORD HOW: succeeds when WORD names no file guard_shell_file takes, in any
# directory the command may be in at that point (guard_wd); fails (hand off) otherwise.
guard_script_path() {
  case $1 in
    '~' | '~/') return 0 ;;
    '~/'*)
      [ -n "${HOME-}" ] || return 1
      guard_shell_file "$HOME/${1#'~/'}" "$2" && return 1
      ;;
    '~'*) return 1 ;;
  esac
  case $1 in
    /*)
      guard_shell_file "$1" "$2" && return 1
      return 0
      ;;
  esac
  [ "$guard_wd_known" = 1 ] || return 1
  guard_d_list=$guard_wd
  while [ -n "$guard_d_list" ]; do
    guard_d=${guard_d_list%%"$guard_nl"*}
    guard_d_list=${guard_d_list#*"$guard_nl"}
    guard_shell_file "$guard_d/$1" "$2" && return 1
  done
  return 0
}

# guard_cd_to DIR: a `cd DIR` in the line: every directory it may lead to joins guard_wd (the cd
# may fail, so the earlier ones stay). `cd -`, `~user`, popd or a list too long: unknown.
guard_cd_to() {
  [ "$guard_wd_known" = 1 ] || return 0
  guard_to=$1
  case $guard_to in
    '~' | '~/'*)
      [ -n "${HOME-}" ] || { guard_wd_known=0; return 0; }
      guard_to=$HOME${guard_to#'~'}
      ;;
    '~'* | -) guard_wd_known=0; return 0 ;;
  esac
  case $guard_to in
    /*) guard_wd=$guard_wd$guard_to$guard_nl ;;
    *)
      guard_d_list=$guard_wd
      while [ -n "$guard_d_list" ]; do
        guard_d=${guard_d_list%%"$guard_nl"*}
        guard_d_list=${guard_d_list#*"$guard_nl"}
        guard_wd=$guard_wd$guard_d/$guard_to$guard_nl
      done
      ;;
  esac
  [ "${#guard_wd}" -le 4096 ] || guard_wd_known=0
}

# guard_script_word WORD: one word of the line (quotes removed). `.` makes the next word a file
# sourced; `cd`/`pushd` the next a directory; a word with a slash may be a file run.
guard_script_word() {
  case $guard_next in
    source)
      guard_next=
      guard_script_path "$1" source
      return
      ;;
    cd)
      case $1 in
        -) guard_next= && guard_wd_known=0 ;;
        -*) ;;
        *) guard_next= && guard_cd_to "$1" ;;
      esac
      return 0
      ;;
  esac
  case $1 in
    .) guard_next=source && return 0 ;;
    cd | pushd) guard_next=cd && return 0 ;;
    # popd, and a program's option that changes its directory (env -C DIR, --chdir=DIR).
    popd | -C* | --chdir*) guard_wd_known=0 ;;
  esac
  case $1 in
    */*) guard_script_path "$1" run ;;
  esac
}

# guard_script_boundary: a command ends (; & | < > or the line's end): a `cd` with no operand
# goes home, a `.` with none runs nothing.
guard_script_boundary() {
  if [ "$guard_next" = cd ]; then
    guard_next=
    guard_cd_to '~'
  fi
  guard_next=
}

# guard_no_script COMMAND: the words of a command the fast path accepts (only quotes group:
# no $, backquote, backslash or glob), each looked at by guard_script_word. Fails (hand off to
# Node) when some word names a file the full check reads as a shell script.
guard_no_script() {
  case $1 in
    */* | *.*) ;;
    *) return 0 ;;
  esac
  guard_rest=$1
  guard_word=
  guard_inword=0
  guard_next=
  guard_stop="'\" 	;&|<>"
  while [ -n "$guard_rest" ]; do
    case $guard_rest in
      \'* | \"*)
        guard_q=${guard_rest%"${guard_rest#?}"}
        guard_rest=${guard_rest#?}
        # An unmatched quote: the shell rejects the whole line, nothing runs.
        case $guard_rest in
          *"$guard_q"*) ;;
          *) return 0 ;;
        esac
        guard_word=$guard_word${guard_rest%%"$guard_q"*}
        guard_rest=${guard_rest#*"$guard_q"}
        guard_inword=1
        ;;
      [' 	;&|<>']*)
        case $guard_rest in
          [' 	']*) guard_sep=0 ;;
          *) guard_sep=1 ;;
        esac
        guard_rest=${guard_rest#?}
        if [ "$guard_inword" = 1 ]; then
          guard_script_word "$guard_word" || return 1
          guard_word=
          guard_inword=0
        fi
        [ "$guard_sep" = 0 ] || guard_script_boundary
        ;;
      *)
        guard_chunk=${guard_rest%%[$guard_stop]*}
        guard_word=$guard_word$guard_chunk
        guard_rest=${guard_rest#"$guard_chunk"}
        guard_inword=1
        ;;
    esac
  done
  if [ "$guard_inword" = 1 ]; then
    guard_script_word "$guard_word" || return 1
  fi
  return 0
}

# guard_fast_allow: the whole fast path for this payload.
guard_fast_allow() {
  guard_single=
  [ "$guard_event" = pre-tool ] || return 1
  guard_p=$guard_payload
  [ "${#guard_p}" -le 65536 ] || return 1
  # Only \" may be escaped: then quotes delimit strings exactly and keys cannot be faked.
  case $guard_p in
    *'\\'*) return 1 ;;
  esac
  guard_probe=$guard_p
  while :; do
    case $guard_probe in
      *'\"'*) guard_probe=${guard_probe%%'\"'*}${guard_probe#*'\"'} ;;
      *) break ;;
    esac
  done
  case $guard_probe in
    *\\*) return 1 ;;
  esac
  # The directories the command starts in (before Copilot's toolArgs replaces guard_p).
  guard_dirs_of "$guard_p"
  case $guard_agent in
    claude) guard_all_values_are tool_name 'Bash' "$guard_p" || return 1 ;;
    codex) guard_all_values_are tool_name 'Bash|shell|local_shell|exec_command' "$guard_p" || return 1 ;;
    gemini) guard_all_values_are tool_name 'run_shell_command' "$guard_p" || return 1 ;;
    cursor) guard_all_values_are hook_event_name 'beforeShellExecution' "$guard_p" || return 1 ;;
    opencode) guard_all_values_are tool 'bash' "$guard_p" || return 1 ;;
    copilot)
      guard_all_values_are toolName 'bash' "$guard_p" || return 1
      # toolArgs is an object, or a JSON string holding one (older releases): decode it once.
      case $guard_p in
        *'"toolArgs":"'* | *'"toolArgs": "'*)
          guard_values toolArgs "$guard_p" || return 1
          guard_p=${guard_vals%"$guard_nl"}
          case $guard_p in
            *"$guard_nl"* | *\\*) return 1 ;;
          esac
          ;;
      esac
      ;;
    *) return 1 ;;
  esac
  guard_commands=
  guard_have=0
  for guard_k in command cmd; do
    if guard_values "$guard_k" "$guard_p"; then
      guard_commands=$guard_commands$guard_vals
      guard_have=1
    else
      # Absent is fine (the other key may hold it); present in any other shape is not.
      case $guard_p in
        *"\"$guard_k\""*) return 1 ;;
      esac
    fi
  done
  [ "$guard_have" = 1 ] || return 1
  # The payload is read exactly and its tool is the shell: with one command, guard_kept_allow may answer it.
  case $guard_commands in
    *"$guard_nl"?*) ;;
    *) guard_single=${guard_commands%"$guard_nl"} ;;
  esac
  while [ -n "$guard_commands" ]; do
    guard_one=${guard_commands%%"$guard_nl"*}
    guard_commands=${guard_commands#*"$guard_nl"}
    guard_benign "$guard_one" || return 1
    guard_no_script "$guard_one" || return 1
  done
  return 0
}

# guard_kept_allow: the one command of this pre-tool payload (guard_single, set by guard_fast_allow
# once the payload is read exactly and its tool is the shell) is one Node allowed and kept in
# <commonDir>/guard/answers/ (src/agents/answer-cache.ts: an allow decided by the command's text
# and the files it read, such as `npm test` by package.json), for the same agent, cwd, HOME and
# temp directory, and what it depends on holds: no `c` path's status changed after the time the
# entry's mtime holds (one find: -cnewer), no `a` path exists, every `e` path does. Every agent
# whose cwd is the payload's one "cwd" (Gemini CLI's dir_path/directory move it: Node answers;
# Copilot's toolArgs string is read from the payload, not from guard_p), from the launcher only
# (the answers are in its directory). Builtins but for that find (and a cat where the paths are many).
guard_kept_allow() {
  case $guard_agent in
    claude | codex | cursor | copilot | opencode) ;;
    gemini)
      case $guard_payload in
        *'"dir_path"'* | *'"directory"'*) return 1 ;;
      esac
      ;;
    *) return 1 ;;
  esac
  [ -n "$guard_single" ] || return 1
  [ -z "${GIT_DIR-}${GIT_WORK_TREE-}${GIT_INDEX_FILE-}${GIT_COMMON_DIR-}${GIT_OBJECT_DIRECTORY-}${GIT_ALTERNATE_OBJECT_DIRECTORIES-}${GIT_QUARANTINE_PATH-}${GIT_CEILING_DIRECTORIES-}${GIT_DISCOVERY_ACROSS_FILESYSTEM-}" ] || return 1
  [ -n "${HOME-}" ] || return 1
  guard_one_value cwd "$guard_payload" || return 1
  guard_k_cwd=$guard_val
  case $guard_k_cwd in
    /*) ;;
    *) return 1 ;;
  esac
  guard_k_tmp=${TMPDIR:-${TMP:-${TEMP-}}}
  case $0 in
    */agent-hook.sh) ;;
    *) return 1 ;;
  esac
  for guard_k_file in "${0%/*}/answers/${#guard_single}-"*; do
    [ -f "$guard_k_file" ] || continue
    guard_k_count=
    guard_k_lines=
    {
      IFS= read -r guard_k_line && [ "$guard_k_line" = 'git-guard answer 1' ] &&
        IFS= read -r guard_k_line && [ "$guard_k_line" = "=$guard_agent" ] &&
        IFS= read -r guard_k_line && [ "$guard_k_line" = "=$guard_single" ] &&
        IFS= read -r guard_k_line && [ "$guard_k_line" = "=$guard_k_cwd" ] &&
        IFS= read -r guard_k_line && [ "$guard_k_line" = "=$HOME" ] &&
        IFS= read -r guard_k_line && [ "$guard_k_line" = "=$guard_k_tmp" ] &&
        IFS= read -r guard_k_line && guard_k_count=${guard_k_line#=} &&
        case $guard_k_count in
          '' | *[!0-9]*) false ;;
          *)
            # A few lines are read here; many cost less through one cat than read's byte-by-byte reads.
            if [ "$guard_k_count" -le 32 ]; then
              while IFS= read -r guard_k_line; do
                guard_k_lines=$guard_k_lines$guard_k_line$guard_nl
              done
            fi
            ;;
        esac
    } <"$guard_k_file" || continue
    if [ "$guard_k_count" -gt 32 ]; then
      guard_k_lines=$(cat "$guard_k_file") || return 1
      for guard_k_n in 1 2 3 4 5 6 7; do
        case $guard_k_lines in
          *"$guard_nl"*) guard_k_lines=${guard_k_lines#*"$guard_nl"} ;;
          *) return 1 ;;
        esac
      done
      guard_k_lines=$guard_k_lines$guard_nl
    fi
    guard_k_n=0
    guard_k_find=
    while [ -n "$guard_k_lines" ]; do
      guard_k_line=${guard_k_lines%%"$guard_nl"*}
      guard_k_lines=${guard_k_lines#*"$guard_nl"}
      guard_k_n=$((guard_k_n + 1))
      case $guard_k_line in
        c/*) guard_k_find=$guard_k_find${guard_k_line#c}$guard_nl ;;
        a/*) [ ! -e "${guard_k_line#a}" ] || return 1 ;;
        e/*) [ -e "${guard_k_line#e}" ] || return 1 ;;
        *) return 1 ;;
      esac
    done
    [ "$guard_k_n" = "$guard_k_count" ] && [ -n "$guard_k_find" ] || return 1
    set -f
    IFS=$guard_nl
    # shellcheck disable=SC2086
    set -- $guard_k_find
    unset IFS
    set +f
    # No path's status changed after the entry's time (ctime: content, rename, chmod, an mtime set
    # back): find runs false, and fails, for any that did; it fails too for a path gone or unreadable.
    find "$@" -prune -cnewer "$guard_k_file" -exec false {} + >/dev/null 2>&1 || return 1
    return 0
  done
  return 1
}

# What each agent's formatVerdict prints for "allow" on a pre-tool event.
guard_print_allow() {
  case $guard_agent in
    gemini) printf '%s\n' '{}' ;;
    cursor) printf '%s\n' '{"permission":"allow"}' ;;
  esac
}

# guard_fail MESSAGE: guard cannot run its full check. Deny a pre-tool event in the agent's
# protocol (fail closed), let lifecycle events pass, and journal the error when possible.
guard_fail() {
  guard_reason="git-guard cannot check this tool call ($1), so it is blocked. Instead: reinstall git-guard (npm install git-guard) or run guard init again."
  printf 'git-guard: %s\n' "$1" >&2
  guard_root=$(git rev-parse --show-toplevel 2>/dev/null) || guard_root=
  guard_common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || guard_common=
  if [ -n "$guard_common" ] && [ -d "$guard_common/guard" ]; then
    guard_time=$(date -u +%Y-%m-%dT%H:%M:%S.000Z 2>/dev/null) || guard_time=
    [ -e "$guard_common/guard/journal.jsonl" ] || (umask 077 && : >>"$guard_common/guard/journal.jsonl") 2>/dev/null
    printf '%s\n' "{\"time\":\"$guard_time\",\"type\":\"hook-error\",\"worktree\":\"$guard_root\",\"agent\":\"$guard_agent\",\"event\":\"$guard_event\",\"error\":\"$1\"}" >>"$guard_common/guard/journal.jsonl" 2>/dev/null
  fi
  if [ "$guard_event" != pre-tool ]; then
    case $guard_agent in
      gemini | cursor) printf '%s\n' '{}' ;;
    esac
    exit 0
  fi
  case $guard_agent in
    claude | codex) printf '%s\n' "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"$guard_reason\"}}" ;;
    gemini) printf '%s\n' "{\"decision\":\"deny\",\"reason\":\"$guard_reason\"}" ;;
    cursor) printf '%s\n' "{\"permission\":\"deny\",\"user_message\":\"$guard_reason\",\"agent_message\":\"$guard_reason\"}" ;;
    copilot) printf '%s\n' "{\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"$guard_reason\"}" ;;
    *) printf '%s\n' "{\"decision\":\"deny\",\"reason\":\"$guard_reason\"}" ;;
  esac
  exit 0
}

# guard_one_value KEY TEXT: guard_val is the single string value of KEY in TEXT, or empty when KEY
# is absent. Fails when KEY appears more than once or not as a string key.
guard_one_value() {
  guard_val=
  case $2 in
    *"\"$1\""*) ;;
    *) return 0 ;;
  esac
  guard_values "$1" "$2" || return 1
  guard_val=${guard_vals%"$guard_nl"}
  case $guard_val in
    *"$guard_nl"*) return 1 ;;
  esac
  return 0
}

# guard_post_tool_step: the post-tool event of Claude Code or Codex while the watcher of this
# worktree runs, answered without Node (docs/timeline.md): one step-end line in the journal,
# then a line in <gitDir>/guard/step-flush, which makes the watcher take the snapshot that
# closes the step (O(changes)). The payload is read up to "tool_response" (the tool's output,
# which may be large and full of escapes) with the same reader as the fast path; anything it
# cannot read exactly, or no running watcher, goes to Node, which does the same or snapshots.
guard_post_tool_step() {
  case $guard_agent in
    claude | codex) ;;
    *) return 1 ;;
  esac
  guard_p=${guard_payload%%,\"tool_response\"*}
  guard_p=${guard_p%%, \"tool_response\"*}
  [ "${#guard_p}" -le 65536 ] || return 1
  case $guard_p in
    *'\\'*) return 1 ;;
  esac
  guard_probe=$guard_p
  while :; do
    case $guard_probe in
      *'\"'*) guard_probe=${guard_probe%%'\"'*}${guard_probe#*'\"'} ;;
      *) break ;;
    esac
  done
  case $guard_probe in
    *\\* | *"$guard_nl"*) return 1 ;;
  esac
  guard_one_value tool_name "$guard_p" || return 1
  guard_tool=$guard_val
  [ -n "$guard_tool" ] || return 1
  guard_one_value session_id "$guard_p" || return 1
  guard_sid=$guard_val
  guard_one_value command "$guard_p" || return 1
  guard_cmd_json=$guard_val
  guard_one_value file_path "$guard_p" || return 1
  guard_file_json=$guard_val
  guard_step_repo=$(git rev-parse --path-format=absolute --show-toplevel --git-dir --git-common-dir 2>/dev/null) || return 1
  guard_top=${guard_step_repo%%"$guard_nl"*}
  guard_rest=${guard_step_repo#*"$guard_nl"}
  guard_gitdir=${guard_rest%%"$guard_nl"*}
  guard_common=${guard_rest#*"$guard_nl"}
  case $guard_top in
    *[\"\\]* | *[[:cntrl:]]*) return 1 ;;
  esac
  [ -d "$guard_gitdir/guard" ] && [ -f "$guard_common/guard/journal.jsonl" ] || return 1
  # guard's own files due to come back after a clean (src/restore/own-files.ts): Node puts them back.
  [ -e "$guard_common/guard/put-back.json" ] && return 1
  # File paths relative to the worktree, as Node records them; anything outside it goes to Node.
  case $guard_file_json in
    '') ;;
    "$guard_top"/*) guard_file_json=${guard_file_json#"$guard_top"/} ;;
    /* | ../* | */../* | ./* | */./*) return 1 ;;
    *) [ "$PWD" = "$guard_top" ] || return 1 ;;
  esac
  # The watcher runs (pid alive) and watches (its state file says running).
  guard_wpid=
  # "<pid> host=<name>;pidns=<inode>" (or a bare pid from an older guard): the pid is the first field.
  [ -f "$guard_gitdir/guard/watcher.pid" ] && IFS=' ' read -r guard_wpid guard_wspace <"$guard_gitdir/guard/watcher.pid"
  case $guard_wpid in
    '' | *[!0-9]*) return 1 ;;
  esac
  kill -0 "$guard_wpid" 2>/dev/null || return 1
  guard_running=
  while IFS= read -r guard_line; do
    case $guard_line in
      *'"state": "running"'*) guard_running=1 ;;
    esac
  done <"$guard_gitdir/guard/watcher.json"
  [ -n "$guard_running" ] || return 1
  # The time without starting `date`: guard_clock of the git hooks' prelude (whole seconds;
  # the journal's line order is what orders steps).
  guard_lib=$guard_pkg/hooks/lib.sh
  [ -f "$guard_lib" ] || return 1
  . "$guard_lib"
  GUARD_DIR=$guard_common/guard
  guard_now=
  guard_clock
  [ -n "$guard_now" ] || return 1
  guard_time=$guard_now
  guard_mark="sh$$-$guard_time"
  guard_fields="\"agent\":\"$guard_agent\",\"tool\":\"$guard_tool\""
  [ -n "$guard_sid" ] && guard_fields="$guard_fields,\"agentSession\":\"$guard_sid\""
  case $guard_tool in
    Bash | shell | local_shell | exec_command) guard_fields="$guard_fields,\"kind\":\"shell\",\"command\":\"$guard_cmd_json\"" ;;
    *) [ -n "$guard_file_json" ] && guard_fields="$guard_fields,\"kind\":\"file-edit\",\"paths\":[\"$guard_file_json\"]" ;;
  esac
  printf '%s\n' "{\"time\":\"$guard_time\",\"type\":\"step-end\",\"worktree\":\"$guard_top\",$guard_fields,\"mark\":\"$guard_mark\",\"via\":\"sh\"}" >>"$guard_common/guard/journal.jsonl" || return 1
  printf '%s\n' "$guard_mark" >>"$guard_gitdir/guard/step-flush" || return 1
  return 0
}

# guard_start_watcher: at a session start, starts this worktree's watcher daemon here, beside the
# hook's own Node rather than after it (its start is most of what a session start waits for), as
# spawnWatcher (src/watcher/control.ts) starts it: `node bin/guard.js watch --daemon` with the same
# Node flags (DAEMON_NODE_FLAGS; a test keeps them equal), in the worktree's root, in a session of
# its own (setsid: it outlives the agent's process group), output appended to
# <gitDir>/guard/watcher.log, the repository handed over (GUARD_WATCHER_REPO), and its pid claimed
# in watcher.pid (noclobber: a starter that got there first keeps it, and this daemon then sees
# that one and exits). `--session +<agent>`: the session has no id yet; the daemon takes the one
# that opens. Only the plain case: guard's directory is there and no watcher.pid at all (a
# watcher that runs, or one that left its file, is for Node to judge), no GIT_* variable shapes
# the repository, and setsid exists. Sets guard_wpid (Node then waits for that daemon).
guard_start_watcher() {
  [ -z "${GIT_DIR-}${GIT_WORK_TREE-}${GIT_INDEX_FILE-}${GIT_COMMON_DIR-}${GIT_OBJECT_DIRECTORY-}${GIT_ALTERNATE_OBJECT_DIRECTORIES-}${GIT_QUARANTINE_PATH-}" ] || return 1
  # Four absolute paths, one a line (a path holding a newline: Node starts the watcher).
  guard_w_top=${guard_repo%%"$guard_nl"*}
  guard_w_rest=${guard_repo#*"$guard_nl"}
  guard_w_dir=${guard_w_rest%%"$guard_nl"*}/guard
  guard_w_rest=${guard_w_rest#*"$guard_nl"}
  case $guard_w_rest in
    *"$guard_nl"*"$guard_nl"*) return 1 ;;
    /*"$guard_nl"/*) ;;
    *) return 1 ;;
  esac
  case $guard_w_top$guard_w_dir in
    /*/*) ;;
    *) return 1 ;;
  esac
  [ -d "$guard_w_dir" ] && [ ! -e "$guard_w_dir/watcher.pid" ] || return 1
  command -v setsid >/dev/null 2>&1 || return 1
  # The daemon runs in the worktree's root: the package by an absolute path.
  case $guard_pkg in
    /*) guard_w_pkg=$guard_pkg ;;
    *) guard_w_pkg=$PWD/$guard_pkg ;;
  esac
  # The log is kept under 1 MB as spawnWatcher keeps it.
  if [ -f "$guard_w_dir/watcher.log" ]; then
    guard_w_size=$(wc -c 2>/dev/null <"$guard_w_dir/watcher.log") || guard_w_size=0
    [ "${guard_w_size:-0}" -gt 1048576 ] 2>/dev/null && mv -f "$guard_w_dir/watcher.log" "$guard_w_dir/watcher.log.1"
  fi
  (
    cd "$guard_w_top" || exit 1
    GUARD_WATCHER_REPO=$guard_repo$guard_nl
    export GUARD_WATCHER_REPO
    exec setsid node --max-semi-space-size=1 --max-old-space-size=512 "$guard_w_pkg/bin/guard.js" watch --daemon --session "+$guard_agent"
  ) </dev/null >>"$guard_w_dir/watcher.log" 2>&1 &
  guard_wpid=$!
  (set -C && printf '%s\n' "$guard_wpid" >"$guard_w_dir/watcher.pid") 2>/dev/null || return 1
}

# ---- main (everything above only defines functions; tests load them by this marker)
# The launcher guard init writes into <commonDir>/guard/ (src/agents/launcher.ts) is this file
# with the next two lines filled in: the package root, and the stamp of the package it was copied
# from (its dist/hooks.stamp; `-` when it had none); run from the package itself, both are empty.
guard_pkg_installed=
guard_stamp_installed=
# Is the package still the one this launcher was copied from? An upgrade (or a downgrade) in place
# leaves this copy's sh, whose fast path may allow what the installed version sends to Node
# (npm sets every file's mtime to one fixed date: no `-nt`). One read of the package's stamp, no
# process; another stamp hands every answer below to Node, which rewrites the launcher (and the git
# hook shims) and journals it (install-refreshed). A stamp file gone while bin/guard.js is there
# (an older package) counts too; both gone (the package is) does not: Node could only deny, and
# the fast path's allows still stand.
guard_changed=
if [ -n "$guard_stamp_installed" ]; then
  guard_stamp=-
  # A test (stat) rather than 2>/dev/null around the read: one system call instead of four.
  [ -f "$guard_pkg_installed/dist/hooks.stamp" ] && IFS= read -r guard_stamp <"$guard_pkg_installed/dist/hooks.stamp"
  if [ "$guard_stamp" != "$guard_stamp_installed" ]; then
    [ "$guard_stamp" != - ] || [ -f "$guard_pkg_installed/bin/guard.js" ] && guard_changed=1
  fi
fi
# guard's own files a broad clean deleted are due to come back (src/restore/own-files.ts): the
# launcher's directory, <commonDir>/guard, holds put-back.json until they are; Node puts them back.
guard_put_back_due=
case $0 in
  */*) [ -e "${0%/*}/put-back.json" ] && guard_put_back_due=1 ;;
esac
if [ -z "$guard_put_back_due$guard_changed" ] && guard_fast_allow; then
  guard_print_allow
  exit 0
fi
unset IFS
set +f

if [ -n "$guard_pkg_installed" ]; then
  guard_pkg=$guard_pkg_installed
else
  case $0 in
    */*) guard_pkg=${0%/*}/.. ;;
    *) guard_pkg=.. ;;
  esac
fi

# pre-tool: an allow Node kept for this very call, none of whose files changed since (guard_kept_allow).
if [ -z "$guard_put_back_due$guard_changed" ] && [ -n "$guard_pkg_installed" ] && [ "$guard_event" = pre-tool ] && guard_kept_allow; then
  guard_print_allow
  exit 0
fi

# post-tool: record the step without Node when the watcher can close it (prints nothing: an
# allow after the tool ran, as Claude Code's and Codex's formatVerdict answer it).
if [ -z "$guard_changed" ] && [ "$guard_event" = post-tool ] && guard_post_tool_step; then
  exit 0
fi
command -v node >/dev/null 2>&1 || guard_fail 'node was not found on PATH'
if [ ! -f "$guard_pkg/bin/guard.js" ]; then
  printf 'git-guard: not found: %s\n' "$guard_pkg/bin/guard.js" >&2
  guard_fail 'the git-guard package is missing'
fi
# The repository of this directory, as openRepo (src/git/repo.ts) asks git for it: one git
# process here costs less than spawning it from Node. Node uses it only for this directory (its
# own cwd, since exec keeps it) and asks git itself for any other; empty means "ask git".
guard_repo=$(git rev-parse --path-format=absolute --show-toplevel --git-dir --git-common-dir --git-path index 2>/dev/null) || guard_repo=
# guard's own Node (this hook and the watcher daemon below) starts without NODE_EXTRA_CA_CERTS, which
# Node 20 loads at every start (guard_run_node in hooks/lib.sh says why); bin/guard.js puts it back
# from GUARD_NODE_EXTRA_CA_CERTS before it starts anything. After this line the shim starts
# nothing else that could use it (wc, mv and setsid for the watcher, then Node).
if [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then
  GUARD_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  export GUARD_NODE_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
fi
if [ "$guard_event" = session-start ] && [ -n "$guard_repo" ] && guard_start_watcher; then
  GUARD_SHIM_WATCHER=$guard_wpid
  export GUARD_SHIM_WATCHER
fi
GUARD_SHIM_REPO=$guard_repo
export GUARD_SHIM_REPO
# The launcher running, <commonDir>/guard/agent-hook.sh: a superproject's when the agent is inside
# one of its submodules (src/agents/launcher.ts), where Node judges the event instead.
# With it, the stamp baked into it: Node refreshes the launcher when that is not its package's
# (after an upgrade; or a launcher older than the stamp, which sets none).
if [ -n "$guard_pkg_installed" ]; then
  GUARD_SHIM_LAUNCHER=$0
  GUARD_SHIM_STAMP=$guard_stamp_installed
  export GUARD_SHIM_LAUNCHER GUARD_SHIM_STAMP
fi
exec node "$guard_pkg/bin/guard.js" agent-hook "$guard_agent" "$guard_event" <<GUARD_PAYLOAD_END
$guard_payload
GUARD_PAYLOAD_END
