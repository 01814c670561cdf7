#!/usr/bin/env python3
"""regenerate.py [MODULE...] — records what the real Puppet 7.23 makes of every sweep case.

The cases (enumerate.rb, with Puppet's own parser and type system): every class of every module
under /usr/share/puppet/modules that can be declared without parameters, and every define with
values for the parameters that have no default, each on Debian 12 and on RedHat 9 facts
(../modules/facts.py). All cases run in one long-lived Puppet process (oracle.rb), set up as
/work/shared/tools/puppet-reference runs `puppet catalog find`, with a fresh environment per case;
a case that takes longer than --timeout seconds is recorded as such and the worker restarted.

Writes, next to this script:
  corpus.json              the corpus (with a digest of each module directory, so the test can tell
                           a record made from other modules), the node names, the module links,
                           the classes left out (parameters without a value) with those parameters
  facts/OS.json            the facts of each OS
  data/MODULE.jsonl.gz     one JSON object per case: id, module, kind, name, os, manifest, notes,
                           and Puppet's answer: catalog (canonical: no version, catalog_uuid,
                           code_id; `file` relative to the environment) or error (Puppet's first
                           error as printed, without "Error: "), and the templates it rendered
                           (paths relative to the corpus)
With MODULE arguments only those modules' data files are rewritten. Scratch files go to a
temporary directory that is removed at the end.
"""
import argparse
import gzip
import hashlib
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = "/usr/share/puppet/modules"
OSES = ["debian12", "redhat9"]
FACTS_PY = os.path.join(HERE, "..", "modules", "facts.py")


def node_name(os_name):
    return f"{os_name}.example.com"


class Worker:
    """One oracle.rb process; restarted after a timeout and every `recycle` cases."""

    def __init__(self, workdir, envpath, log):
        self.args = ["ruby", os.path.join(HERE, "oracle.rb"), workdir, envpath] + [node_name(o) for o in OSES]
        self.log = log
        self.proc = None
        self.served = 0

    def start(self):
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, bufsize=1)
        self.served = 0

    def stop(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def ask(self, request, timeout):
        if self.proc is None:
            self.start()
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.stop()
            return None
        self.served += 1
        return json.loads(line)


def module_digest(moddir):
    """MD5 over a module directory's files (symbolic links inside it not followed) in path order,
    each as `path \\n length \\n content`; tests/sweep.rs computes the same to tell a stale record."""
    files = []
    for dirpath, dirnames, filenames in os.walk(moddir):
        for name in filenames:
            full = os.path.join(dirpath, name)
            if os.path.isfile(full) and not os.path.islink(full):
                files.append((os.path.relpath(full, moddir), full))
    h = hashlib.md5()
    for rel, full in sorted(files, key=lambda f: f[0].encode()):
        with open(full, "rb") as f:
            data = f.read()
        h.update(rel.encode())
        h.update(f"\n{len(data)}\n".encode())
        h.update(data)
    return h.hexdigest()


def corpus_path(path, links):
    """A template path as the corpus names it: `MODULEDIR/templates/...`."""
    if path.startswith(ROOT + "/"):
        return path[len(ROOT) + 1:]
    if path.startswith("modules/"):
        name, _, rest = path[len("modules/"):].partition("/")
        return f"{links.get(name, name)}/{rest}"
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("modules", nargs="*", help="only these module directories")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per case (default 120)")
    ap.add_argument("--recycle", type=int, default=400, help="restart the worker after this many cases")
    args = ap.parse_args()

    scratch = tempfile.mkdtemp(prefix="bunraku-sweep-")
    try:
        run(args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run(args, scratch):
    started = time.monotonic()
    envpath = os.path.join(scratch, "envs")
    envdir = os.path.join(envpath, "production")
    os.makedirs(os.path.join(envdir, "manifests"))
    workdir = os.path.join(scratch, "work")
    factsdir = os.path.join(workdir, "var", "client_yaml", "facts")
    os.makedirs(factsdir)
    os.makedirs(os.path.join(workdir, "conf"))

    listing = subprocess.run(["ruby", os.path.join(HERE, "enumerate.rb"), ROOT, envdir],
                             check=True, capture_output=True, text=True)
    cases = [json.loads(line) for line in listing.stdout.splitlines()]
    skipped = [line for line in listing.stderr.splitlines() if line.startswith("skip ")]
    links = {name: os.path.basename(os.readlink(os.path.join(envdir, "modules", name)))
             for name in sorted(os.listdir(os.path.join(envdir, "modules")))}
    if args.modules:
        unknown = set(args.modules) - {c["module"] for c in cases}
        if unknown:
            sys.exit(f"no cases in {', '.join(sorted(unknown))}")
        cases = [c for c in cases if c["module"] in args.modules]

    os.makedirs(os.path.join(HERE, "facts"), exist_ok=True)
    for o in OSES:
        node = node_name(o)
        facts = json.loads(subprocess.run([sys.executable, FACTS_PY, o, node], check=True,
                                          capture_output=True, text=True).stdout)
        with open(os.path.join(HERE, "facts", f"{o}.json"), "w") as f:
            json.dump(facts, f, indent=2, sort_keys=True)
            f.write("\n")
        # As puppet-reference writes them: a tagged Puppet::Node::Facts document (JSON is YAML).
        with open(os.path.join(factsdir, f"{node}.yaml"), "w") as f:
            f.write("--- !ruby/object:Puppet::Node::Facts\n")
            f.write("name: " + json.dumps(node) + "\n")
            f.write("values: " + json.dumps(facts) + "\n")

    with open(os.path.join(HERE, "corpus.json"), "w") as f:
        json.dump({"basemodulepath": ROOT, "links": links,
                   "nodes": {o: node_name(o) for o in OSES},
                   "classes_not_declared": {
                       name: params.split(", ")
                       for name, _, params in (line[len("skip class "):].partition(": no value for ")
                                               for line in skipped)},
                   "modules": {d: module_digest(os.path.join(ROOT, d)) for d in sorted(os.listdir(ROOT))
                               if os.path.isdir(os.path.join(ROOT, d))}}, f, indent=2)
        f.write("\n")

    log = open(os.path.join(scratch, "oracle.log"), "w")
    worker = Worker(workdir, envpath, log)
    records = {}
    total = len(cases) * len(OSES)
    done = 0
    try:
        for case in cases:
            for o in OSES:
                cid = f"{case['name']}@{o}"
                if worker.proc and worker.served >= args.recycle:
                    worker.stop()
                answer = worker.ask({"id": cid, "node": node_name(o), "manifest": case["manifest"]},
                                    args.timeout)
                if answer is None:
                    answer = {"timeout": args.timeout, "templates": []}
                rec = {"id": cid, "module": case["module"], "kind": case["kind"], "name": case["name"],
                       "os": o, "manifest": case["manifest"]}
                if case["notes"]:
                    rec["notes"] = case["notes"]
                for k in ("catalog", "error", "timeout"):
                    if k in answer:
                        rec[k] = answer[k]
                rec["templates"] = sorted({corpus_path(t, links) for t in answer["templates"]})
                records.setdefault(case["module"], []).append(rec)
                done += 1
                if done % 100 == 0 or done == total:
                    print(f"{done}/{total} cases, {time.monotonic() - started:.0f} s", file=sys.stderr)
    finally:
        worker.stop()
        log.close()

    datadir = os.path.join(HERE, "data")
    os.makedirs(datadir, exist_ok=True)
    if not args.modules:
        for old in os.listdir(datadir):
            os.remove(os.path.join(datadir, old))
    for module, recs in sorted(records.items()):
        recs.sort(key=lambda r: r["id"])
        path = os.path.join(datadir, f"{module}.jsonl.gz")
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as f:
            for r in recs:
                f.write((json.dumps(r, sort_keys=True, separators=(",", ":")) + "\n").encode())

    flat = [r for recs in records.values() for r in recs]
    ok = sum("catalog" in r for r in flat)
    err = sum("error" in r for r in flat)
    slow = sum("timeout" in r for r in flat)
    size = sum(os.path.getsize(os.path.join(datadir, n)) for n in os.listdir(datadir))
    print(f"{len(flat)} cases in {len(records)} modules: {ok} catalogs, {err} errors, {slow} timeouts; "
          f"{size / 1e6:.1f} MB of data; {time.monotonic() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
