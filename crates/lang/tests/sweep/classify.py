#!/usr/bin/env python3
"""classify.py [RESULTS] [--write] [--templates] — groups the sweep's differences by cause.

Reads the results the sweep test writes (`target/tmp/sweep/results.jsonl` by default: one JSON
object per case with its id, Puppet's outcome and the difference, if any), names a cause for each
differing case from the difference itself (which function, template, message or catalog field is
involved), and prints the causes with their case counts, largest first, under broader families.

With --write, rewrites the "## Cases that differ" section of KNOWN_GAPS.md: one `###` heading per
cause with its cases. The rest of the file is kept. This seeds the list; afterwards it is kept by
hand (the test fails when a listed case matches, so it only shrinks as the compiler improves).

With --templates, rewrites the "## Templates no case renders" section instead: every template of
the corpus that no case where Puppet compiles renders (from the recorded data, Puppet's side),
with the reason found for it: where the corpus names it (template_refs.rb, Puppet's parser), the
definition around that and the conditions on the way, and what the sweep's cases of that
definition did (not declared for want of parameter values, failed in Puppet, compiled without
meeting the conditions).
"""
import argparse
import collections
import gzip
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = "/usr/share/puppet/modules"
PUPPET_FUNCTIONS = "/usr/lib/ruby/vendor_ruby/puppet"
DEFAULT_RESULTS = os.path.join(HERE, "..", "..", "..", "..", "target", "tmp", "sweep", "results.jsonl")
SECTION = "## Cases that differ"
TEMPLATES_SECTION = "## Templates no case renders"

# Families, in the order the report lists them.
FAMILIES = {
    "ruby-function": "Module Ruby functions Bunraku does not run",
    "builtin-function": "Puppet built-in functions Bunraku does not have",
    "template": "Templates whose rendering fails in Bunraku",
    "empty-collector": "Relationships through a collector that collects nothing",
    "catalog": "Other catalog differences",
    "bunraku-fails": "Bunraku fails where Puppet compiles",
    "puppet-fails": "Puppet fails where Bunraku compiles",
    "message": "Both fail, with different errors",
    "other": "Other",
}


def strip_prefixes(msg):
    """Puppet's message without the 'Evaluation Error: Error while evaluating a …, ' wrappers."""
    msg = msg.strip()
    while True:
        m = re.match(r"(Evaluation Error: )?(Error while evaluating a [A-Za-z ]+?, )", msg)
        if not m:
            m = re.match(r"Evaluation Error: ", msg)
        if not m:
            return msg
        msg = msg[m.end():]


def shape(msg):
    """A message's shape: quoted values, titles, numbers and locations blanked out."""
    msg = strip_prefixes(msg)
    lines = msg.split("\n")
    msg = lines[0]
    if msg.rstrip().endswith(":") and len(lines) > 1 and "Failed to parse template" not in msg:
        msg = msg.rstrip() + " (several problems, one per line)"
    msg = re.sub(r"\s*\(file: [^)]*\)", "", msg)
    msg = re.sub(r"\s*on node \S+$", "", msg)
    msg = re.sub(r"'[^']*'", "'…'", msg)
    msg = re.sub(r'"[^"]*"', '"…"', msg)
    msg = re.sub(r"\[[^\[\]]*\]", "[…]", msg)
    msg = re.sub(r"\b[A-Z][a-z0-9_]*(::[A-Z][a-z0-9_]*)*\[…\]", "Res[…]", msg)
    msg = re.sub(r"\d+", "N", msg)
    return msg.strip()[:140]


def parts(msg):
    """(the wrappers before the message, the message, its locations)"""
    msg = re.sub(r"\s*on node \S+$", "", msg.strip())
    core = strip_prefixes(msg)
    wrappers = msg[:len(msg) - len(core)].strip()
    locations = re.findall(r"\(file: [^)]*\)", core)
    core = re.sub(r"\s*\(file: [^)]*\)", "", core).strip()
    return wrappers, core, locations


def wrappers(text):
    """'Evaluation Error: Error while evaluating a Resource Statement, …' as 'Evaluation Error ›
    Resource Statement › …'."""
    steps = re.findall(r"(Evaluation Error):|Error while evaluating a ([A-Za-z ]+?),", text)
    return " › ".join(a or b for a, b in steps) or "-"


def message_difference(exp, got):
    """What differs between Puppet's error and Bunraku's, as a cause."""
    pw, pc, pl = parts(exp)
    bw, bc, bl = parts(got)
    if pc == bc:
        if pw != bw:
            return f"same message, other wrappers: Puppet `{wrappers(pw)}`, Bunraku `{wrappers(bw)}` ({shape(pc)})"
        shapes = [re.sub(r"file: [^,]*", "file: F", re.sub(r"\d+", "N", " ".join(l))) or "none" for l in (pl, bl)]
        return f"same message, other locations: Puppet {shapes[0]}, Bunraku {shapes[1]} ({shape(pc)})"
    return f"Puppet: {shape(exp)} — Bunraku: {shape(got)}"


def function_origin(name):
    """Where a function named in 'Unknown function' lives: a module's Ruby, or Puppet's own."""
    parts = name.split("::")
    leaf = parts[-1]
    for d in sorted(os.listdir(CORPUS)):
        base = os.path.join(CORPUS, d, "lib", "puppet")
        candidates = [os.path.join(base, "functions", *parts) + ".rb",
                      os.path.join(base, "parser", "functions", leaf + ".rb")]
        if any(os.path.isfile(c) for c in candidates):
            return "ruby-function", d
    if os.path.isfile(os.path.join(PUPPET_FUNCTIONS, "functions", leaf + ".rb")) or \
            os.path.isfile(os.path.join(PUPPET_FUNCTIONS, "parser", "functions", leaf + ".rb")):
        return "builtin-function", "puppet"
    return "other", "?"


def bunraku_side(msg):
    """The cause when Bunraku's own error names it: a function it lacks, a template it cannot run."""
    m = re.search(r"Unknown function: '([^']+)'", msg)
    if m:
        name = m.group(1)
        family, where = function_origin(name)
        if family == "ruby-function":
            return family, f"Ruby function `{name}` ({where}) is not run"
        if family == "builtin-function":
            return family, f"built-in function `{name}` is missing"
        return "other", f"function `{name}` is unknown"
    templates = re.findall(r"Failed to parse template (\S+):", msg)
    details = re.findall(r"Detail: ([^\n]*)", msg)
    if templates:
        detail = re.sub(r"\s*\(file: [^)]*\)", "", details[-1] if details else "").strip()
        detail = re.sub(r"for (\{.*\}|\[.*\]):(Hash|Array)", r"for a \2", detail)
        detail = detail if len(detail) <= 120 else detail[:120] + "…"
        template = templates[-1]
        if template.startswith(CORPUS + "/"):
            template = template[len(CORPUS) + 1:]
        return "template", f"template `{template}`: {detail}"
    return None


def relationship_only(lines):
    """A catalog difference made only of before/notify values that lack a collector's left side."""
    seen = False
    for line in lines:
        m = re.match(r"\S+\[.*\] param (before|notify|require|subscribe): expected (.*) got (.*)$", line.strip())
        if not m:
            return False
        seen = True
    return seen


def classify(r):
    d = r["difference"]
    lines = d.split("\n")
    if d.startswith("compile failed: "):
        got = d[len("compile failed: "):]
        side = bunraku_side(got)
        if side:
            return side
        return "bunraku-fails", f"Bunraku fails: {shape(got)}"
    if d.startswith("error differs:"):
        text = d[len("error differs:"):]
        exp, _, got = text.partition("\n  got      ")
        exp = exp.strip()[len("expected "):]
        side = bunraku_side(got)
        if side:
            return side
        return "message", message_difference(exp, got)
    if d.startswith("expected error "):
        exp = d[len("expected error "):]
        exp = exp.rsplit(", compiled a catalog", 1)[0].strip('"')
        exp = exp.encode().decode("unicode_escape", errors="ignore") if "\\n" in exp else exp
        return "puppet-fails", f"Puppet fails, Bunraku compiles: {shape(exp)}"
    if d.startswith("Puppet's compile timed out"):
        return "other", "Puppet timed out"
    if relationship_only(lines):
        return "empty-collector", "before/notify lack the left side of an empty collector in a chain"
    kinds = []
    for line in lines:
        line = line.strip()
        m = re.match(r"(\S+?)\[.*?\] (param \w+|tags|line|file|exported|kind|sensitive_parameters): ", line)
        if m:
            what = m.group(2)
            if what.startswith("param ") and what[6:] not in ("before", "notify", "require", "subscribe"):
                kinds.append(f"{m.group(1)} {what}")
            elif not what.startswith("param "):
                kinds.append(what)
            continue
        m = re.match(r"(missing|extra) (resource|edge)", line)
        if m:
            kinds.append(m.group(0))
            continue
        if line.startswith("classes") or line.startswith("catalog tags"):
            kinds.append(line.split(":")[0])
    kinds = sorted(set(kinds)) or ["relationship metaparameters"]
    return "catalog", "catalog differs: " + ", ".join(kinds)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="?", default=DEFAULT_RESULTS)
    ap.add_argument("--write", action="store_true", help="rewrite the cases section of KNOWN_GAPS.md")
    ap.add_argument("--templates", action="store_true", help="rewrite the templates section of KNOWN_GAPS.md")
    args = ap.parse_args()
    if args.templates:
        return write_templates()

    causes = collections.defaultdict(list)
    total = 0
    with open(args.results) as f:
        for line in f:
            r = json.loads(line)
            total += 1
            if r["same"]:
                continue
            causes[classify(r)].append(r["id"])

    by_family = collections.defaultdict(list)
    for (family, cause), ids in causes.items():
        by_family[family].append((cause, ids))
    different = sum(len(v) for v in causes.values())
    print(f"{different} of {total} cases differ, {len(causes)} causes")
    for family, title in FAMILIES.items():
        groups = sorted(by_family.get(family, []), key=lambda g: (-len(g[1]), g[0]))
        if not groups:
            continue
        print(f"\n{title}: {sum(len(ids) for _, ids in groups)} cases")
        for cause, ids in groups:
            print(f"  {len(ids):5}  {cause}   e.g. {ids[0]}")

    if args.write:
        write(by_family)


def replace_section(heading, body):
    """KNOWN_GAPS.md with the section under `heading` (up to the next `## `) replaced by its own
    introduction (text before its first list or `###`) followed by `body`."""
    path = os.path.join(HERE, "KNOWN_GAPS.md")
    text = open(path).read()
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    end = len(text) if end < 0 else end + 1
    section = text[start:end]
    cut = min([i for i in (section.find("\n### "), section.find("\n- `")) if i >= 0] or [len(section)])
    intro = section[:cut].rstrip("\n") + "\n\n"
    with open(path, "w") as f:
        f.write(text[:start] + intro + body + ("\n" if end < len(text) else "") + text[end:])


def write(by_family):
    out = []
    for family, title in FAMILIES.items():
        groups = sorted(by_family.get(family, []), key=lambda g: (-len(g[1]), g[0]))
        for cause, ids in groups:
            out.append(f"### {title}: {cause}\n\n")
            out.extend(f"- `{i}`\n" for i in sorted(ids))
            out.append("\n")
    replace_section(SECTION, "".join(out).rstrip("\n") + "\n")


def load_records():
    records = []
    datadir = os.path.join(HERE, "data")
    for name in sorted(os.listdir(datadir)):
        with gzip.open(os.path.join(datadir, name), "rt") as f:
            records.extend(json.loads(line) for line in f)
    return records


def corpus_templates():
    out = []
    for d in sorted(os.listdir(CORPUS)):
        top = os.path.join(CORPUS, d)
        if not os.path.isdir(top):
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = [n for n in dirnames if not os.path.islink(os.path.join(dirpath, n))]
            for n in filenames:
                full = os.path.join(dirpath, n)
                if n.endswith((".erb", ".epp")) and os.path.isfile(full) and not os.path.islink(full):
                    out.append(os.path.relpath(full, CORPUS))
    return sorted(out)


def short(msg, limit=160):
    msg = strip_prefixes(msg).split("\n")[0]
    msg = re.sub(r"\s*\(file: [^)]*\)", "", msg)
    msg = re.sub(r"\s*on node \S+$", "", msg).strip()
    return msg if len(msg) <= limit else msg[:limit] + "…"


def template_reason(path, refs, by_name, not_declared, rendered_in_errors):
    if "/templates/" not in path or path.split("/")[1] != "templates":
        where = "a test fixture under spec/" if "/spec/" in path else "outside the module's templates/"
        return f"{where}, not part of the module's code"
    if path in rendered_in_errors:
        ids = sorted(rendered_in_errors[path])
        return (f"rendered only in cases where Puppet then fails ({', '.join(ids[:3])}"
                f"{', …' if len(ids) > 3 else ''}), so no catalog carries it")
    pp = [r for r in refs if not r.get("text")]
    text = sorted({r["file"] for r in refs if r.get("text")})
    if not pp:
        if text:
            return f"no manifest names it; named only in {', '.join(text)}"
        return "no manifest of the corpus names it"
    reasons = []
    for r in pp[:3]:
        at = f"{r['file']}:{r['line']}"
        named = f"named{' (as ' + r['computed'] + ')' if r.get('computed') else ''} in {at}"
        conds = " and ".join(f"`{c}`" for c in r["conditions"])
        defn = r.get("definition")
        if not defn:
            reasons.append(f"{named}, outside any class or define")
            continue
        kind, name = defn.split(" ", 1)
        cases = by_name.get(name, [])
        if kind == "function":
            reasons.append(f"{named}, in function `{name}`" + (f" when {conds}" if conds else ""))
        elif not cases:
            params = not_declared.get(name)
            why = f"needs values for {', '.join(params)}" if params else "not a sweep case"
            reasons.append(f"{named}, in {kind} `{name}` ({why})" + (f", when {conds}" if conds else ""))
        else:
            failed = [c for c in cases if "catalog" not in c]
            if failed and len(failed) == len(cases):
                reasons.append(f"{named}, in {kind} `{name}`, which Puppet fails on both systems: "
                               f"{short(failed[0].get('error', 'timeout'))}")
            elif conds:
                reasons.append(f"{named}, in {kind} `{name}` when {conds}: not so in the sweep's cases"
                               + (f" ({failed[0]['os']}: Puppet fails)" if failed else ""))
            else:
                reasons.append(f"{named}, in {kind} `{name}`, which the sweep's cases compile without "
                               f"rendering it (the name is a default that a condition elsewhere does not use)"
                               + (f"; {failed[0]['os']}: Puppet fails" if failed else ""))
    if len(pp) > 3:
        reasons.append(f"and {len(pp) - 3} more places")
    return "; ".join(reasons)


def write_templates():
    records = load_records()
    corpus = json.load(open(os.path.join(HERE, "corpus.json")))
    refs = json.loads(subprocess.run(["ruby", os.path.join(HERE, "template_refs.rb"), CORPUS], check=True,
                                     capture_output=True, text=True).stdout)
    rendered = {t for r in records if "catalog" in r for t in r["templates"]}
    rendered_in_errors = collections.defaultdict(set)
    for r in records:
        if "catalog" not in r:
            for t in r["templates"]:
                if t not in rendered:
                    rendered_in_errors[t].add(r["id"])
    by_name = collections.defaultdict(list)
    for r in records:
        by_name[r["name"]].append(r)
    lines = []
    missing = [t for t in corpus_templates() if t not in rendered]
    for t in missing:
        reason = template_reason(t, refs.get(t, []), by_name, corpus.get("classes_not_declared", {}),
                                 rendered_in_errors)
        lines.append(f"- `{t}`: {reason}\n")
    replace_section(TEMPLATES_SECTION, "".join(lines))
    print(f"{len(missing)} templates listed", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
