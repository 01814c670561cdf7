#!/usr/bin/env bash
# Regenerates the type-system matrix: the cases (generate.py) and Puppet 7's answers (oracle.rb,
# needs Debian's puppet-agent). `cargo test -p bunraku-lang --test types_matrix` compares ours.
set -euo pipefail
cd "$(dirname "$0")"
python3 generate.py
ruby oracle.rb
