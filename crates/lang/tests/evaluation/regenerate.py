#!/usr/bin/env python3
"""regenerate.py [--suite DIR] [CASE...] — records what Puppet 7.23 says about each case in
DIR/cases/ (DIR: this directory by default; ../fuzz-oracle holds the fuzzer's regression cases)
into DIR/expected.tsv: `NAME<TAB>ok<TAB>RESOURCES` (the catalog's resources other than Class and
Stage, as a JSON list of [type, title, parameters], sorted) or
`NAME<TAB>error<TAB>MESSAGE (file: manifests/site.pp, line: L, column: C)`,
backslashes doubled and line breaks written `\\n`.

Each case is a node's whole `manifests/site.pp`, compiled by one long-lived Puppet (puppet_oracle.py)
for node n1 with no facts; a first line `# settings: strict_variables=true strict=error` sets
Puppet settings for that case. Only the first error Puppet logs is kept, as evaluation stops there.
"""
import json
import os
import sys

from puppet_oracle import PuppetOracle, settings_of

HERE = os.path.dirname(os.path.abspath(__file__))


def resources(catalog):
    """The catalog's resources as evaluation.rs compares them."""
    out = [[r["type"], r["title"], r.get("parameters", {})] for r in catalog.get("resources", [])
           if r["type"] not in ("Class", "Stage")]
    out.sort(key=lambda r: (r[0], r[1]))
    return json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def main():
    args = sys.argv[1:]
    suite = HERE
    if args[:1] == ["--suite"]:
        suite, args = os.path.abspath(args[1]), args[2:]
    names = sorted(f[:-3] for f in os.listdir(os.path.join(suite, "cases")) if f.endswith(".pp"))
    path = os.path.join(suite, "expected.tsv")
    records = {}
    if os.path.exists(path):
        for line in open(path):
            name, _, rest = line.rstrip("\n").partition("\t")
            records[name] = rest
    only = set(args)
    with PuppetOracle() as puppet:
        for name in names:
            if only and name not in only:
                continue
            manifest = open(os.path.join(suite, "cases", name + ".pp")).read()
            answer = puppet.compile(manifest, settings_of(manifest))
            if answer is None:
                sys.exit(f"{name}: Puppet did not answer")
            if "error" in answer:
                # One line: a multi-line error has its line breaks written `\n`.
                records[name] = "error\t" + answer["error"].replace("\\", "\\\\").replace("\n", "\\n")
            else:
                records[name] = "ok\t" + resources(answer["catalog"])
            print(f"{name}\t{records[name]}")
    with open(path, "w") as f:
        for name in names:
            if name in records:
                f.write(f"{name}\t{records[name]}\n")


if __name__ == "__main__":
    main()
