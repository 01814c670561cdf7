#!/usr/bin/env bash
# codes.sh — the issue codes `puppet parser validate` can raise on a manifest, found mechanically
# in Puppet's source, and how many snippets here trigger each (`CODE.pp`, `CODE.N.pp`; near misses
# are `CODE.near*.pp`). Output: `<code>\t<where Puppet raises it>\t<snippets>`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pops=${PUPPET_POPS:-/usr/lib/ruby/vendor_ruby/puppet/pops}
{
  # Issues the 4.x checker accepts, and those the lexer and parser raise.
  for f in validation/checker4_0.rb parser/lexer2.rb parser/lexer_support.rb parser/slurp_support.rb \
           parser/heredoc_support.rb parser/parser_support.rb parser/epp_support.rb; do
    grep -o 'Issues::[A-Z][A-Z_0-9]*' "$pops/$f" | sed "s|Issues::||; s|\$|\t$(basename "$f")|"
  done
  # The heredoc syntax checkers' dynamic issues (`Issues::issue(:ILLEGAL_JSON)`).
  grep -ho 'issue(:[A-Z_0-9]*)' "$pops"/../syntax_checkers/*.rb | sed 's/issue(:\(.*\))/\1\tsyntax_checkers/'
} | LC_ALL=C sort -u | awk -F'\t' '$1 != "I" { w[$1] = w[$1] ? w[$1] "," $2 : $2 } END { for (c in w) print c "\t" w[c] }' \
  | LC_ALL=C sort | while IFS=$'\t' read -r code where; do
    # Snippets named for the code, and those in modules/ whose first line names it.
    n=$(cd "$here" && { ls | grep -E "^${code}(\.[0-9]+)?\.pp$"; grep -rlx "# ${code}.*" modules || true; } | wc -l)
    printf '%s\t%s\t%s\n' "$code" "$where" "$n"
  done
