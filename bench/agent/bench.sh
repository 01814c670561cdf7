#!/usr/bin/env bash
# bench/agent: Bunraku's agent side beside real Puppet's, on the same input, in the same run.
#   1. first run of a 1,000-resource catalog (1 directory + 998 files + 1 notify) into an empty root
#   2. no-change run of the same catalog
#   3. facts: `bunraku facts --json` beside `facter --json`
# Both tools apply the same catalog JSON (`apply --catalog`), each into its own throwaway root; Puppet
# runs hermetically (confdir/vardir/codedir/publicdir/logdir/rundir in the temp dir, no modules).
# Every round's first run goes into a fresh root, and the roots are removed only at the end: ext4 skips
# inodes freed in the last minute (up to five) when it allocates new ones, so creating 1,000 files
# right after an `rm -rf` of 2,000 costs seconds of kernel time (`recently_deleted` in perf) that a
# node's real first run never pays.
# Peak memory is /usr/bin/time -v's "Maximum resident set size". Prints medians and the ratios.
#
# Env: RUNS (default 5), BUNRAKU (default target/release/bunraku), PUPPET, FACTER, KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-5}
BUNRAKU=${BUNRAKU:-$PWD/target/release/bunraku}
PUPPET=${PUPPET:-puppet}
FACTER=${FACTER:-facter}
N=${N:-1000}
[[ -x $BUNRAKU ]] || { echo "build it first: cargo build --release -p bunraku" >&2; exit 1; }
T=$(mktemp -d /tmp/bunraku-bench-agent.XXXXXX)
cleanup() { if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$T"; else echo "kept $T" >&2; fi; }
trap cleanup EXIT
mkdir -p "$T"/{p/conf,p/var,p/code,p/empty,b/conf,b/var}
printf '[main]\nbasemodulepath = %s\nssldir = %s/ssl\npublicdir = %s/public\ncadir = %s/ca\ncertname = bench.example.com\n' \
  "$T/p/empty" "$T/p/var" "$T/p/var" "$T/p/var" > "$T/p/conf/puppet.conf"
printf '[main]\nvardir = %s\ncertname = bench.example.com\n' "$T/b/var" > "$T/b/conf/puppet.conf"

# The catalog, with the root as a parameter.
catalog() { python3 - "$1" "$N" <<'PY'
import json, sys
root, n = sys.argv[1], int(sys.argv[2])
res = [{"type": "Stage", "title": "main", "tags": ["stage"], "exported": False, "parameters": {"name": "main"}},
       {"type": "Class", "title": "main", "tags": ["class"], "exported": False, "parameters": {"name": "main"}},
       {"type": "File", "title": root, "tags": ["file", "class"], "exported": False,
        "parameters": {"ensure": "directory", "mode": "0755"}}]
for i in range(1, n - 1):
    res.append({"type": "File", "title": f"{root}/f{i:04d}", "tags": ["file", "class"], "exported": False,
                "parameters": {"ensure": "file", "content": f"file {i} managed by puppet\n", "mode": "0644"}})
res.append({"type": "Notify", "title": "bench applied", "tags": ["notify", "class"], "exported": False})
edges = [{"source": "Stage[main]", "target": "Class[main]"}] + \
        [{"source": "Class[main]", "target": f"{r['type']}[{r['title']}]"} for r in res[2:]]
print(json.dumps({"tags": [], "name": "bench.example.com", "version": 1, "code_id": None,
                  "catalog_uuid": "00000000-0000-4000-8000-000000000000", "catalog_format": 1,
                  "environment": "production", "resources": res, "edges": edges, "classes": []}))
PY
}
P=(apply --catalog "$T/p/catalog.json" --color false --confdir "$T/p/conf" --vardir "$T/p/var" --codedir "$T/p/code"
   --publicdir "$T/p/var/public" --logdir "$T/p/var/log" --rundir "$T/p/var/run")
B=(apply --catalog "$T/b/catalog.json" --confdir "$T/b/conf")

# measure LABEL CMD… → appends "secs rss_kb" to $T/LABEL
measure() {
  local label=$1; shift
  /usr/bin/time -v -o "$T/time.txt" "$@" >"$T/out.txt" 2>&1 || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$T/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$T/time.txt")
  echo "$wall $rss" >> "$T/$label"
}

for round in $(seq "$RUNS"); do
  catalog "$T/root-p-$round" > "$T/p/catalog.json"
  catalog "$T/root-b-$round" > "$T/b/catalog.json"
  measure puppet_first "$PUPPET" "${P[@]}"
  measure bunraku_first "$BUNRAKU" "${B[@]}"
  measure puppet_nochange "$PUPPET" "${P[@]}"
  measure bunraku_nochange "$BUNRAKU" "${B[@]}"
  measure facter "$FACTER" --json
  measure bunraku_facts "$BUNRAKU" facts --json
done
[[ $(find "$T/root-b-$RUNS" -type f | wc -l) == $((N - 2)) ]] || { echo "bunraku did not create the files" >&2; exit 1; }
diff <(cd "$T/root-p-$RUNS" && find . -type f | sort | xargs sha256sum) <(cd "$T/root-b-$RUNS" && find . -type f | sort | xargs sha256sum) >/dev/null \
  || { echo "the two roots differ" >&2; exit 1; }

python3 - "$T" "$RUNS" "$N" <<'PY'
import statistics, sys
t, runs, n = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    rows = [l.split() for l in open(f"{t}/{name}")]
    return statistics.median(float(r[0]) for r in rows), statistics.median(int(r[1]) for r in rows)
print(f"# bench/agent: {n}-resource catalog, {runs} runs, medians (wall seconds, peak RSS)")
print("| measurement | Puppet s | Bunraku s | speed-up | Puppet RSS MiB | Bunraku RSS MiB | memory ratio |")
print("|---|---|---|---|---|---|---|")
for label, p, b in [("first run", "puppet_first", "bunraku_first"),
                    ("no-change run", "puppet_nochange", "bunraku_nochange"),
                    ("facts --json", "facter", "bunraku_facts")]:
    (ps, pm), (bs, bm) = load(p), load(b)
    print(f"| {label} | {ps:.3f} | {bs:.3f} | {ps / max(bs, 0.001):.1f}x | {pm/1024:.1f} | {bm/1024:.1f} | {bm/pm:.3f} |")
PY
