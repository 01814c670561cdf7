#!/usr/bin/env python3
"""codes.py — lists every issue code of Puppet 7's pops/issues.rb with the stage that raises it,
found mechanically from where Puppet's source names it, and the cases of cases/ that cover it (a
case covers the code its name starts with). Writes codes.tsv and prints the counts.

Stages: `runtime` (named by the evaluator, the runtime support, the compiler or a function),
`runtime+validation` (also checked by the validator, which then reports it first), `validation`
(the 4.x checker only), `syntax` (lexer/parser), `hiera` (Hiera configuration and data),
`scripting` (only under `puppet script`/Bolt, never in a catalog compile), `http` (the server's
REST API), `unused` (named nowhere but issues.rb).
"""
import os
import re
import subprocess

PUPPET = "/usr/lib/ruby/vendor_ruby/puppet"
HERE = os.path.dirname(os.path.abspath(__file__))


def stage(code, files):
    if "SCRIPTING" in code or code.startswith("TASK_") or code == "UNKNOWN_TASK":
        return "scripting"
    if not files:
        return "unused"
    kinds = set()
    for f in files:
        if f.startswith("pops/validation/"):
            kinds.add("validation")
        elif f.startswith("pops/parser/"):
            kinds.add("syntax")
        elif f.startswith("pops/lookup/"):
            kinds.add("hiera")
        elif f.startswith("network/"):
            kinds.add("http")
        else:
            kinds.add("runtime")
    if "runtime" in kinds:
        return "runtime+validation" if "validation" in kinds else "runtime"
    for k in ("syntax", "validation", "hiera", "http"):
        if k in kinds:
            return k
    return "unused"


def main():
    text = open(os.path.join(PUPPET, "pops", "issues.rb")).read()
    codes = re.findall(r"^\s*([A-Z_0-9]+) = (?:hard_)?issue :", text, re.M)
    cases = sorted(f[:-3] for f in os.listdir(os.path.join(HERE, "cases")) if f.endswith(".pp"))
    rows, counts = [], {}
    for code in codes:
        out = subprocess.run(["grep", "-rlw", "--include=*.rb", code, "."], cwd=PUPPET,
                             capture_output=True, text=True).stdout.split()
        files = sorted(f[2:] for f in out if f != "./pops/issues.rb")
        st = stage(code, files)
        covering = [c for c in cases if c == code or c.startswith(code + "-")]
        rows.append((code, st, ",".join(covering) or "-", " ".join(files) or "-"))
        covered = bool(covering)
        key = st.split("+")[0] if st.startswith("runtime") else st
        counts.setdefault(key, [0, 0])
        counts[key][0] += 1
        counts[key][1] += covered
    with open(os.path.join(HERE, "codes.tsv"), "w") as f:
        f.write("# code\tstage\tcases\tfiles naming it (under puppet/)\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print(f"{len(codes)} issue codes")
    for k, (n, c) in sorted(counts.items()):
        print(f"  {k}: {n} codes, {c} covered by a case")


if __name__ == "__main__":
    main()
