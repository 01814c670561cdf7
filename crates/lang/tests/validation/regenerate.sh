#!/usr/bin/env bash
# regenerate.sh > verdicts.txt — what `puppet parser validate` (7.23) prints for each snippet here,
# one line per diagnostic in Puppet's order:
#   <snippet>\t<error|warning>\t<line or ->\t<column or ->\t<message>
# or `<snippet>\tok` when Puppet prints nothing. The message is Puppet's text without its
# "(file: …, line: …, column: …)" suffix, prefixes included ("Could not parse for environment
# production: " is only there when Puppet raised a single error; a path to this directory is
# written `<dir>/`). validation.rs compares ours.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
cd "$here"
# Snippets in modules/ are validated with modules/ as the modulepath (for the rules on what a
# module's file may hold); their names are their paths.
mapfile -t files < <({ ls *.pp; find modules -name '*.pp'; } | LC_ALL=C sort)
out=$(mktemp -d)
for f in "${files[@]}"; do
  # One process per snippet: a lexer or syntax error ends a run.
  key=${f//\//_}
  puppet parser validate --color=false --modulepath="$here/modules" "$f" >"$out/$key.out" 2>"$out/$key.err" || true
done
python3 - "$out" "$here" "${files[@]}" <<'PY'
import re, sys
out, root, files = sys.argv[1], sys.argv[2], sys.argv[3:]
loc = re.compile(r"^(Error|Warning): (.*?)(?: \(file: ([^,)]+)(?:, line: (\d+))?(?:, column: (\d+))?\))?\s*$")
for f in files:
    lines = []
    key = f.replace("/", "_")
    text = open(f"{out}/{key}.out", errors="replace").read() + open(f"{out}/{key}.err", errors="replace").read()
    for line in text.splitlines():
        m = loc.match(line)
        if not m:
            continue
        level, msg, path, l, c = m.groups()
        # Messages that name a file name it from this directory on (`<dir>/…`).
        msg = msg.replace(root + "/", "<dir>/")
        lines.append(f"{f}\t{level.lower()}\t{l or '-'}\t{c or '-'}\t{msg}")
    print("\n".join(lines) if lines else f"{f}\tok")
PY
rm -rf "$out"
