#!/usr/bin/env bash
# invalid-verdicts.sh > invalid/verdicts.txt — what `puppet parser validate` (7.23) says about each
# snippet in invalid/: `<file>\terror\t<line or ->\t<column or ->\t<first message>` or `<file>\tok`.
# invalid.rs checks that our first error has the same line and column.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/invalid"
mapfile -t files < <(ls *.pp | LC_ALL=C sort)
errs=$(mktemp)
for f in "${files[@]}"; do
  # One process per snippet: validation errors ("Language validation logged N errors") end a run.
  puppet parser validate --color=false "$f" 2>>"$errs" >/dev/null || true
done
python3 - "$errs" "$(pwd -P)" "${files[@]}" <<'PY'
import re, sys
errs, root, files = sys.argv[1], sys.argv[2], sys.argv[3:]
verdict = {}
for line in open(errs):
    m = re.match(r"Error: (?:Could not parse for environment production: )?(.*) \(file: ([^,)]+)(?:, line: (\d+))?(?:, column: (\d+))?\)\s*$", line)
    if not m:
        continue
    msg, path, l, c = m.groups()
    path = path[len(root) + 1:] if path.startswith(root + "/") else path
    verdict.setdefault(path, f"error\t{l or '-'}\t{c or '-'}\t{msg}")
for f in files:
    print(f"{f}\t{verdict.get(f, 'ok')}")
PY
rm -f "$errs"
