"""A long-lived Puppet 7 compiler (../sweep/oracle.rb) for the evaluation suite and the fuzzer.

    with PuppetOracle() as puppet:
        answer = puppet.compile("notify { 'x': }", settings={"strict_variables": True})

`answer` is {"catalog": {...}} or {"error": "Evaluation Error: ... (file: manifests/site.pp, line: 1,
column: 8)"} (the node suffix removed), or None when Puppet did not answer within the timeout.
Puppet runs exactly as /work/shared/tools/puppet-reference runs it (`puppet catalog find` with a
hermetic confdir and vardir), with empty facts, for node `NODE`.
"""
import json
import os
import select
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE_RB = os.path.join(HERE, "..", "sweep", "oracle.rb")
NODE = "n1"


class PuppetOracle:
    def __init__(self, timeout=60.0):
        self.timeout = timeout
        self.scratch = tempfile.mkdtemp(prefix="bunraku-oracle-")
        self.envpath = os.path.join(self.scratch, "envs")
        os.makedirs(os.path.join(self.envpath, "production", "manifests"))
        self.workdir = os.path.join(self.scratch, "work")
        factsdir = os.path.join(self.workdir, "var", "client_yaml", "facts")
        os.makedirs(factsdir)
        os.makedirs(os.path.join(self.workdir, "conf"))
        with open(os.path.join(factsdir, f"{NODE}.yaml"), "w") as f:
            f.write("--- !ruby/object:Puppet::Node::Facts\nname: %s\nvalues: {}\n" % json.dumps(NODE))
        self.log = open(os.path.join(self.scratch, "oracle.log"), "w")
        self.proc = None
        self.next_id = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._stop()
        self.log.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _start(self):
        self.proc = subprocess.Popen(["ruby", ORACLE_RB, self.workdir, self.envpath, NODE],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     text=True, bufsize=1)

    def _stop(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def compile(self, manifest, settings=None):
        if self.proc is None:
            self._start()
        self.next_id += 1
        req = {"id": self.next_id, "node": NODE, "manifest": manifest, "settings": settings or {}}
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], self.timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self._stop()
            return None
        answer = json.loads(line)
        if "error" in answer:
            err = answer["error"].strip()
            suffix = f" on node {NODE}"
            if err.endswith(suffix):
                err = err[: -len(suffix)]
            answer["error"] = err
        return answer


def settings_of(manifest):
    """The settings a case asks for on its first line: `# settings: strict_variables=true strict=error`."""
    first = manifest.split("\n", 1)[0]
    if not first.startswith("# settings:"):
        return {}
    out = {}
    for pair in first[len("# settings:"):].split():
        k, _, v = pair.partition("=")
        out[k] = {"true": True, "false": False}.get(v, v)
    return out
