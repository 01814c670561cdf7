#!/usr/bin/env bash
# Regenerates cases/*/expected.json (or expected-error.txt) with the real Puppet 7.23, run in place
# so that `file` paths are absolute in the case directory (the harness strips that prefix).
#   regenerate.sh [CASE...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tool=${PUPPET_REFERENCE:-/work/shared/tools/puppet-reference}
cd "$here/cases"
cases=("$@"); [[ ${#cases[@]} -gt 0 ]] || cases=(*/)
for c in "${cases[@]}"; do
  c=${c%/}
  dir="$here/cases/$c"
  node=$(tr -d '[:space:]' < "$dir/node.txt")
  if out=$("$tool" --environmentpath "$dir/environments" --node "$node" --facts "$dir/facts.json" 2>"$dir/.stderr"); then
    python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read()), indent=2))' <<<"$out" > "$dir/expected.json"
    rm -f "$dir/expected-error.txt"
    echo "ok    $c"
  else
    # A compile failure: keep Puppet's first error (message with file/line/column, with the
    # continuation lines a template failure has) as the expectation.
    awk '/^Error:/ { n++ } n == 1' "$dir/.stderr" > "$dir/expected-error.txt"
    rm -f "$dir/expected.json"
    echo "error $c: $(cat "$dir/expected-error.txt")"
  fi
  rm -f "$dir/.stderr"
done
