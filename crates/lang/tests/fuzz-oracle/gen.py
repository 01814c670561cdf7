#!/usr/bin/env python3
"""gen.py SEED [COUNT] — small Puppet manifests generated from the language's grammar, seeded
(the same seed gives the same manifests). Each is a `site.pp`: assignments, expressions of every
kind (literals, operators, access, selectors, conditionals, function calls, lambdas), resources,
classes, defines and relationships, with values ending in `notify` messages so that the catalog
shows what was computed. Printed as JSON lines {"seed", "index", "manifest"}.
"""
import json
import random
import sys

STRINGS = ["a", "b", "abc", "Hello", "", "0x1F", "42", "3.5", "x y", "true", "A", "ab,cd", "10"]
FUNCS1 = ["size", "length", "upcase", "downcase", "capitalize", "abs", "type", "String", "Integer",
          "Float", "Boolean", "Numeric", "Array", "keys", "values", "flatten", "unique", "sort",
          "reverse_each", "empty", "strip", "chomp", "floor", "ceiling", "round", "max", "min"]
TYPES = ["Integer", "String", "Boolean", "Float", "Numeric", "Array", "Hash", "Undef", "Any",
         "Integer[0, 10]", "Integer[5]", "String[1]", "String[0, 2]", "Array[Integer]", "Array[String, 1]",
         "Hash[String, Integer]", "Enum['a', 'b']", "Pattern[/^a/]", "Optional[Integer]",
         "Variant[Integer, String]", "Tuple[Integer, String]", "Struct[{ 'a' => Integer }]",
         "NotUndef", "Scalar", "Data", "Collection", "Iterable", "Float[0.0, 1.0]", "Regexp"]
BINOPS = ["+", "-", "*", "/", "%", "<<", ">>", "==", "!=", "<", ">", "<=", ">=", "and", "or", "in", "=~", "!~"]


class Gen:
    def __init__(self, rnd):
        self.r = rnd
        self.vars = []
        self.n = 0
        self.classes = []

    def title(self):
        self.n += 1
        return f"n{self.n}"

    def lit(self):
        r = self.r
        k = r.randrange(10)
        if k == 0:
            return str(r.choice([0, 1, 2, 3, -1, 7, 10, 100, 2 ** 62, -5]))
        if k == 1:
            return r.choice(["0.5", "1.0", "2.25", "-3.5", "1e3", "0.1"])
        if k == 2:
            return "'" + r.choice(STRINGS) + "'"
        if k == 3:
            return r.choice(["true", "false", "undef"])
        if k == 4:
            return "[" + ", ".join(self.expr(0) for _ in range(r.randrange(4))) + "]"
        if k == 5:
            keys = r.sample(["a", "b", "c", "d"], r.randrange(4))
            return "{" + ", ".join(f"'{k}' => {self.expr(0)}" for k in keys) + "}"
        if k == 6:
            return r.choice(TYPES)
        if k == 7:
            return '"' + r.choice(["x", "", "v="]) + "${" + self.expr(0) + "}" + '"'
        if k == 8:
            return "/" + r.choice(["a", "^b", "[0-9]+", "(x)"]) + "/"
        return str(r.randrange(5))

    def var(self):
        return "$" + self.r.choice(self.vars) if self.vars else self.lit()

    def expr(self, depth=2):
        r = self.r
        if depth <= 0:
            return r.choice([self.lit, self.var])()
        k = r.randrange(16)
        if k < 5 or k > 13:
            return self.lit()
        if k == 3:
            return self.var()
        if k in (4, 5):
            return f"({self.expr(depth - 1)} {r.choice(BINOPS)} {self.expr(depth - 1)})"
        if k == 6:
            return r.choice(["!", "-"]) + self.expr(depth - 1)
        if k == 7:
            keys = ", ".join(self.expr(0) for _ in range(r.choice([1, 1, 2])))
            return f"{self.var() if r.random() < .5 else self.lit()}[{keys}]"
        if k == 8:
            f = r.choice(FUNCS1)
            return f"{f}({self.expr(depth - 1)})"
        if k == 9:
            f = r.choice(["map", "filter", "each", "reverse_each", "reduce"])
            subject = self.expr(depth - 1)
            if f == "reduce":
                return f"{subject}.reduce |$m, $v| {{ {self.expr_with(['m', 'v'], depth - 1)} }}"
            params = r.choice([["v"], ["k", "v"], ["v"]])
            plist = ", ".join("$" + p for p in params)
            return f"{subject}.{f} |{plist}| {{ {self.expr_with(params, depth - 1)} }}"
        if k == 10:
            return (f"{self.expr(depth - 1)} ? {{ {self.lit()} => {self.expr(0)}, "
                    f"{r.choice(['default', self.lit()])} => {self.expr(0)} }}")
        if k == 11:
            return f"if {self.expr(depth - 1)} {{ {self.expr(0)} }} else {{ {self.expr(0)} }}"
        if k == 12:
            return f"assert_type({r.choice(TYPES)}, {self.expr(depth - 1)})"
        return f"{self.expr(depth - 1)} =~ {r.choice(TYPES)}"

    def expr_with(self, names, depth):
        saved = list(self.vars)
        self.vars = self.vars + names
        e = self.expr(depth)
        self.vars = saved
        return e

    def notify(self, value):
        return f"notify {{ '{self.title()}': message => {value} }}"

    def stmt(self, depth=2):
        r = self.r
        k = r.randrange(12)
        if k < 3:
            name = f"v{len(self.vars)}"
            s = f"${name} = {self.expr(depth)}"
            self.vars.append(name)
            return s
        if k < 5:
            return self.notify(self.expr(depth))
        if k == 5:
            return (f"if {self.expr(1)} {{\n  {self.notify(self.expr(1))}\n}} "
                    f"else {{\n  {self.notify(self.expr(1))}\n}}")
        if k == 6:
            opts = ", ".join(self.lit() for _ in range(r.choice([1, 2])))
            return (f"case {self.expr(1)} {{\n  {opts}: {{ {self.notify(self.expr(1))} }}\n"
                    f"  default: {{ {self.notify(self.expr(0))} }}\n}}")
        if k == 7:
            t = self.title()
            subject = r.choice(["[1, 2, 3]", "['a', 'b']", "{'a' => 1, 'b' => 2}", "3", self.expr(1)])
            return f"{subject}.each |$i, $v| {{\n  notify {{ \"{t}-${{i}}\": message => {self.expr_with(['i', 'v'], 1)} }}\n}}"
        if k == 8:
            cname = f"c{len(self.classes)}"
            self.classes.append(cname)
            ptype = r.choice(TYPES + ["", ""])
            default = f" = {self.lit()}" if r.random() < .5 else ""
            body = self.notify("$p") + "\n  " + self.notify(self.expr_with(["p"], 1))
            decl = (f"class {{ '{cname}': p => {self.expr(1)} }}" if r.random() < .6
                    else f"include {cname}")
            return f"class {cname}({ptype} $p{default}) {{\n  {body}\n}}\n{decl}"
        if k == 9:
            dname = f"d{self.n}"
            ptype = r.choice(TYPES + [""])
            t = self.title()
            return (f"define {dname}({ptype} $x = {self.lit()}) {{\n  notify {{ \"${{title}}-{t}\": message => $x }}\n}}\n"
                    f"{dname} {{ '{self.title()}': x => {self.expr(1)} }}")
        if k == 10:
            a, b = self.title(), self.title()
            arrow = r.choice(["->", "<-", "~>", "<~"])
            target = f"Notify['{b}']" if r.random() < .85 else f"Notify['{self.title()}']"
            return f"notify {{ '{a}': }}\nnotify {{ '{b}': }}\nNotify['{a}'] {arrow} {target}"
        return f"{self.notify(self.expr(depth))}\n{r.choice(['Notify', 'File'])} {{ {r.choice(['tag', 'loglevel', 'message'])} => {self.lit()} }}"

    def manifest(self):
        return "\n".join(self.stmt() for _ in range(self.r.randint(2, 6))) + "\n"


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    for i in range(count):
        rnd = random.Random(f"{seed}:{i}")
        print(json.dumps({"seed": seed, "index": i, "manifest": Gen(rnd).manifest()}))


if __name__ == "__main__":
    main()
