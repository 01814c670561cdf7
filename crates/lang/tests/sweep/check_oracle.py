#!/usr/bin/env python3
"""check_oracle.py [--random N] [CASE...] — checks recorded cases against puppet-reference.

The sweep records Puppet's answers from one long-lived Puppet process (oracle.rb). This script
compiles recorded cases again the slow, reference way, one `puppet catalog find` process per case
(/work/shared/tools/puppet-reference, or $PUPPET_REFERENCE), in an environment laid out as the
sweep's, and compares: the canonicalised catalog must be identical JSON to the record (and
catalog-diff --strict must find no difference), or Puppet's first error line must be the recorded
error. CASE is an id (`ntp::config@debian12`); --random N picks N recorded cases (seeded, so
reruns pick the same). Exits 1 when any case differs.
"""
import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = "/work/shared/tools"


def load():
    records = {}
    for name in sorted(os.listdir(os.path.join(HERE, "data"))):
        with gzip.open(os.path.join(HERE, "data", name), "rt") as f:
            for line in f:
                r = json.loads(line)
                records[r["id"]] = r
    return records


def check(r, corpus, scratch):
    envpath = os.path.join(scratch, r["id"].replace(":", "_").replace("@", "_"), "envs")
    env = os.path.join(envpath, "production")
    os.makedirs(os.path.join(env, "manifests"))
    os.makedirs(os.path.join(env, "modules"))
    for name, target in corpus["links"].items():
        os.symlink(os.path.join(corpus["basemodulepath"], target), os.path.join(env, "modules", name))
    with open(os.path.join(env, "manifests", "site.pp"), "w") as f:
        f.write(r["manifest"])
    node = corpus["nodes"][r["os"]]
    tool = os.environ.get("PUPPET_REFERENCE", os.path.join(TOOLS, "puppet-reference"))
    p = subprocess.run([tool, "--environmentpath", envpath, "--node", node,
                        "--facts", os.path.join(HERE, "facts", f"{r['os']}.json")],
                       capture_output=True, text=True)
    if p.returncode == 0:
        if "catalog" not in r:
            return False, f"Puppet compiles now; the record has error {r.get('error', 'timeout')[:200]!r}"
        doc = json.loads(p.stdout[p.stdout.index("{"):])
        for k in ("version", "catalog_uuid", "code_id"):
            doc.pop(k, None)
        for res in doc["resources"]:
            if isinstance(res.get("file"), str) and res["file"].startswith(env + "/"):
                res["file"] = res["file"][len(env) + 1:]
        ref, rec = os.path.join(envpath, "ref.json"), os.path.join(envpath, "rec.json")
        json.dump(doc, open(ref, "w"))
        json.dump(r["catalog"], open(rec, "w"))
        diff = subprocess.run([os.path.join(TOOLS, "catalog-diff"), rec, ref, "--strict"],
                              capture_output=True, text=True)
        summary = (diff.stdout.strip().splitlines() or [""])[-1]
        ok = doc == r["catalog"] and diff.returncode == 0
        return ok, f"catalog, {'identical JSON' if doc == r['catalog'] else 'JSON differs'}; catalog-diff --strict: {summary}"
    lines, n = [], 0
    for line in p.stderr.splitlines():
        n += line.startswith("Error:")
        if n == 1:
            lines.append(line)
    msg = "\n".join(lines)[len("Error: "):].replace(env + "/", "")
    if msg == r.get("error"):
        return True, "error, identical"
    return False, f"error differs:\n  reference {msg[:300]}\n  recorded  {str(r.get('error'))[:300]}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*")
    ap.add_argument("--random", type=int, default=0, help="also check this many recorded cases picked at random")
    args = ap.parse_args()
    records = load()
    corpus = json.load(open(os.path.join(HERE, "corpus.json")))
    ids = list(args.cases)
    unknown = [i for i in ids if i not in records]
    if unknown:
        sys.exit(f"not recorded: {', '.join(unknown)}")
    ids += random.Random(7).sample(sorted(records), args.random)
    scratch = tempfile.mkdtemp(prefix="bunraku-sweep-check-")
    bad = 0
    try:
        for i in ids:
            ok, what = check(records[i], corpus, scratch)
            bad += not ok
            print(f"{'same' if ok else 'DIFFERENT'}  {i}: {what}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{len(ids) - bad} of {len(ids)} recorded cases are what puppet-reference gives")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
