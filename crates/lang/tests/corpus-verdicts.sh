#!/usr/bin/env bash
# corpus-verdicts.sh > corpus-verdicts.txt — Puppet 7.23's `puppet parser validate` verdict on every
# `.pp` file of Debian's puppet-module-* packages (installed under /usr/share/puppet/modules.available).
# One line per file, sorted: `<path relative to modules.available>\tok` or
# `<path>\terror\t<line or ->\t<column or ->\t<message>`. corpus.rs compares our parser with these.
set -euo pipefail
root=${CORPUS_ROOT:-/usr/share/puppet/modules.available}
cd "$root"
mapfile -t files < <(find . -name '*.pp' -type f | sed 's|^\./||' | LC_ALL=C sort)
errs=$(mktemp)
# One Puppet process validates every file and reports each failure (it does not stop at the first).
puppet parser validate --color=false "${files[@]}" 2>"$errs" >/dev/null || true
python3 - "$errs" "$(pwd -P)" "${files[@]}" <<'PY'
import re, sys
errs, root, files = sys.argv[1], sys.argv[2], sys.argv[3:]
verdict = {}
for line in open(errs):
    m = re.match(r"Error: Could not parse for environment production: (.*) \(file: (?:\./)?([^,)]+)(?:, line: (\d+))?(?:, column: (\d+))?\)\s*$", line)
    if not m:
        continue
    msg, path, l, c = m.groups()
    path = path[len(root) + 1:] if path.startswith(root + "/") else path
    verdict.setdefault(path, f"error\t{l or '-'}\t{c or '-'}\t{msg}")
for f in files:
    print(f"{f}\t{verdict.get(f, 'ok')}")
PY
rm -f "$errs"
