#!/usr/bin/env bash
# mkcase.sh NAME OS CERTNAME < site.pp — creates NAME (OS: debian12 or redhat9) with that site.pp,
# node.txt and facts.json. The modules come from Debian's packages in /usr/share/puppet/modules
# (Puppet's basemodulepath on Debian). Hiera data, if any, is added by hand under the environment.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
d="$here/$1"
mkdir -p "$d/environments/production/manifests"
cat > "$d/environments/production/manifests/site.pp"
echo "$3" > "$d/node.txt"
"$here/facts.py" "$2" "$3" > "$d/facts.json"
