#!/usr/bin/env bash
# parser-validate.sh — records what `puppet parser validate` (7.23) prints for each case of
# parser-validate/: CASE/args lists the files in the order they are given (or CASE/stdin is the code
# given on standard input); CASE/expected holds the exit
# status on its first line, then Puppet's output with the case's directory written as @DIR@.
# parser_validate.rs runs `bunraku parser validate` the same way and compares.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for case in "$here"/parser-validate/*/; do
  case=${case%/}
  cd "$case"
  # CASE/stdin instead of CASE/args: the code comes on standard input, no file is named.
  set +e
  if [ -f stdin ]; then
    out=$(puppet parser validate --color=false < stdin 2>&1); status=$?
  else
    # shellcheck disable=SC2046
    out=$(puppet parser validate --color=false $(cat args) 2>&1); status=$?
  fi
  set -e
  { echo "$status"; printf '%s\n' "$out" | sed "s#$(pwd -P)#@DIR@#g"; } > expected
done
