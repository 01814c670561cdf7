#!/usr/bin/env bash
# mkcase.sh NAME CERTNAME < site.pp — creates cases/NAME with that site.pp, node.txt and facts.json.
# Modules, if any, are added by hand under cases/NAME/environments/production/modules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
d="$here/cases/$1"
mkdir -p "$d/environments/production/manifests" "$d/environments/production/modules"
cat > "$d/environments/production/manifests/site.pp"
echo "$2" > "$d/node.txt"
"$here/new-facts.py" "$2" > "$d/facts.json"
