#!/usr/bin/env python3
"""fuzz.py [--minutes M] [--seed S] [--out DIR] — generated manifests (gen.py) compiled by Puppet
7.23 (../sweep/oracle.rb, through ../evaluation/puppet_oracle.py) and by Bunraku (the `oracle`
example of bunraku-lang), compared: the verdict (catalog or error), then the error's message and
location, or the catalogs (resources with their parameters and tags, edges, classes).

Every difference is written to DIR (default target/tmp/fuzz-oracle) as `NNNN.pp` with
`NNNN.txt` (both answers); the run's figures are printed at the end and written to DIR/summary.txt.
Build the Bunraku side first: `cargo build -p bunraku-lang --example oracle`.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "evaluation"))
from puppet_oracle import PuppetOracle  # noqa: E402

import gen  # noqa: E402


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR") or os.path.join(HERE, "..", "..", "..", "..", "target")


class Bunraku:
    def __init__(self, exe):
        self.proc = subprocess.Popen([exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.n = 0

    def compile(self, manifest):
        self.n += 1
        self.proc.stdin.write(json.dumps({"id": self.n, "manifest": manifest, "settings": {}}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        return json.loads(line) if line else None

    def close(self):
        self.proc.kill()


def normalise_error(e):
    e = e.replace("Could not parse for environment production: ", "")
    for marker in (" by #<Puppet::Resource::Type:0x",):
        a = e.find(marker)
        b = e.find("> at (file: ", a)
        if a >= 0 and b > a:
            e = e[:a] + e[b + 1:]
    for cls in ("Puppet::PreformattedError: ", "Puppet::Error: ", "Puppet::ParseError: "):
        if e.startswith(cls):
            e = e[len(cls):]
    return e.strip()


def catalog_view(doc):
    res = {}
    for r in doc.get("resources", []):
        key = (r.get("type"), r.get("title"))
        if key == ("Class", "Settings"):
            continue
        res[key] = {
            "parameters": json.dumps(r.get("parameters", {}), sort_keys=True),
            "tags": sorted(r.get("tags", [])),
            "line": r.get("line"),
            "exported": r.get("exported", False),
        }
    edges = sorted((e["source"], e["target"]) for e in doc.get("edges", [])
                   if "Class[Settings]" not in (e["source"], e["target"]))
    return res, edges, doc.get("classes", [])


def catalog_diff(a, b):
    ra, ea, ca = catalog_view(a)
    rb, eb, cb = catalog_view(b)
    out = []
    for k in sorted(set(ra) | set(rb), key=str):
        if k not in rb:
            out.append(f"missing {k[0]}[{k[1]}]")
        elif k not in ra:
            out.append(f"extra {k[0]}[{k[1]}]")
        else:
            for f in ra[k]:
                if ra[k][f] != rb[k][f]:
                    out.append(f"{k[0]}[{k[1]}] {f}: puppet {ra[k][f]} bunraku {rb[k][f]}")
    if ea != eb:
        out.append(f"edges: puppet {ea} bunraku {eb}")
    if ca != cb:
        out.append(f"classes: puppet {ca} bunraku {cb}")
    return out


def compare(p, b):
    if p is None:
        return ["puppet gave no answer (timeout)"]
    if b is None:
        return ["bunraku gave no answer (crash)"]
    if ("error" in p) != ("error" in b):
        return [f"verdict: puppet {'error' if 'error' in p else 'catalog'}, "
                f"bunraku {'error' if 'error' in b else 'catalog'}"]
    if "error" in p:
        pe, be = normalise_error(p["error"]), normalise_error(b["error"])
        return [] if pe == be else [f"error: puppet {pe!r}\n       bunraku {be!r}"]
    return catalog_diff(p["catalog"], b["catalog"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--max", type=int, default=1_000_000, help="stop after this many manifests")
    ap.add_argument("--out", default=os.path.join(target_dir(), "tmp", "fuzz-oracle"))
    ap.add_argument("--exe", default=os.path.join(target_dir(), "debug", "examples", "oracle"))
    ap.add_argument("--recheck", metavar="DIR", help="compile the .pp files of an earlier run's DIR again "
                    "and print those that still differ, grouped by their first difference")
    args = ap.parse_args()
    if args.recheck:
        return recheck(args)
    os.makedirs(args.out, exist_ok=True)
    bunraku = Bunraku(args.exe)
    tried = differing = 0
    verdicts = {"both ok": 0, "both error": 0}
    kinds = {}
    deadline = time.monotonic() + args.minutes * 60
    with PuppetOracle(timeout=30) as puppet:
        i = 0
        while time.monotonic() < deadline and tried < args.max:
            import random
            manifest = gen.Gen(random.Random(f"{args.seed}:{i}")).manifest()
            i += 1
            p = puppet.compile(manifest)
            b = bunraku.compile(manifest)
            if b is None:
                bunraku = Bunraku(args.exe)
            tried += 1
            if p and b and ("error" in p) == ("error" in b):
                verdicts["both error" if "error" in p else "both ok"] += 1
            d = compare(p, b)
            if d:
                differing += 1
                # The kind of difference, without the resource it is about.
                kind = re.sub(r"^(missing|extra) .*", r"\1 resource", d[0].split(":")[0])
                kind = re.sub(r"^\S+\[.*\] (\w+)$", r"resource \1", kind)
                kinds[kind] = kinds.get(kind, 0) + 1
                name = os.path.join(args.out, f"{args.seed}-{i - 1:05d}")
                with open(name + ".pp", "w") as f:
                    f.write(manifest)
                with open(name + ".txt", "w") as f:
                    f.write("\n".join(d) + "\n")
                    f.write("\npuppet:  " + json.dumps(p)[:4000] + "\nbunraku: " + json.dumps(b)[:4000] + "\n")
    bunraku.close()
    summary = (f"seed {args.seed}: {tried} manifests, {differing} differences "
               f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}); "
               f"same verdict: {verdicts['both ok']} both compiled, {verdicts['both error']} both failed")
    print(summary)
    with open(os.path.join(args.out, "summary.txt"), "a") as f:
        f.write(summary + "\n")


def recheck(args):
    names = sorted(f for f in os.listdir(args.recheck) if f.endswith(".pp"))
    bunraku = Bunraku(args.exe)
    groups = {}
    with PuppetOracle(timeout=30) as puppet:
        for n in names:
            manifest = open(os.path.join(args.recheck, n)).read()
            d = compare(puppet.compile(manifest), bunraku.compile(manifest))
            if d:
                key = re.sub(r"[0-9]+", "N", d[0].split("\n")[0])[:150]
                groups.setdefault(key, []).append(n)
    bunraku.close()
    for key, files in sorted(groups.items(), key=lambda g: -len(g[1])):
        print(f"{len(files):4d}  {key}  e.g. {files[0]}")
    print(f"{sum(len(f) for f in groups.values())} of {len(names)} still differ")


if __name__ == "__main__":
    main()
