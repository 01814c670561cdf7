#!/usr/bin/env python3
"""gen.py SEED [COUNT] — small Puppet manifests generated from the language's grammar, seeded
(the same seed gives the same manifests), printed as JSON lines {"seed", "index", "manifest"}.

Each manifest is a `site.pp` of 2 to 6 statements: assignments, `notify` resources whose
messages show computed values, if/unless/case, iterations declaring resources, classes with
typed parameters (included or declared with values), defines and their instances,
relationships, resource defaults. Expressions are mostly well-typed (integers, strings,
booleans, arrays, hashes built with the operators and functions that suit them: arithmetic,
comparison, `=~`, `in`, access, selectors, conditionals, map/filter/reduce/each, type
conversions, type matches) so that most manifests compile and their catalogs are compared;
one expression in eight is built without regard to types, to reach the evaluation errors.
"""
import json
import random
import sys

STRINGS = ["a", "b", "abc", "Hello", "", "0x1F", "42", "3.5", "x y", "true", "A", "ab,cd", "10", "é"]
TYPES = ["Integer", "String", "Boolean", "Float", "Numeric", "Array", "Hash", "Undef", "Any",
         "Integer[0, 10]", "Integer[5]", "String[1]", "String[0, 2]", "Array[Integer]", "Array[String, 1]",
         "Hash[String, Integer]", "Enum['a', 'b']", "Pattern[/^a/]", "Optional[Integer]",
         "Variant[Integer, String]", "Tuple[Integer, String]", "Struct[{ 'a' => Integer }]",
         "NotUndef", "Scalar", "Data", "Collection", "Iterable", "Float[0.0, 1.0]", "Regexp",
         "Optional[String]", "Array[Variant[Integer, String]]", "Hash[String, Array[Integer]]"]
KINDS = ["int", "str", "bool", "arr", "hash"]
INT_CONVERSIONS = ["'42'", "'0x1F'", "'-7'", "3.7", "true", "'010'", "'0b101'"]
BOOL_CONVERSIONS = ["'yes'", "'false'", "1", "0", "''", "'true'"]
REPLACEMENTS = ["X", "", "\\0"]
REGSUBST_FLAGS = ["", ", 'G'"]
# Parameter types that usually accept a value of each kind (some do not, on purpose).
KIND_TYPES = {
    "int": ["Integer", "Integer[0, 10]", "Numeric", "Scalar", "Data", "Any", "Optional[Integer]",
            "Variant[Integer, String]", ""],
    "str": ["String", "String[1]", "Enum['a', 'b', 'abc']", "Pattern[/^a/]", "Scalar", "Optional[String]", ""],
    "bool": ["Boolean", "Scalar", "Data", "Optional[Boolean]", ""],
    "arr": ["Array", "Array[Integer]", "Array[String, 1]", "Tuple[Integer, String]", "Collection", "Iterable",
            "Array[Variant[Integer, String]]", "Array[Data, 0, 3]", ""],
    "hash": ["Hash", "Hash[String, Integer]", "Struct[{ 'a' => Integer }]", "Collection", "Data",
             "Hash[String, Variant[String, Integer]]", "Struct[{ Optional['a'] => Integer, 'b' => String }]", ""],
}


class Gen:
    def __init__(self, rnd):
        self.r = rnd
        self.vars = []  # (name, kind)
        self.n = 0
        self.classes = 0

    def title(self):
        self.n += 1
        return f"n{self.n}"

    def pick(self, *options):
        return self.r.choice(options)()

    def var_of(self, kind):
        names = [n for n, k in self.vars if k == kind]
        return "$" + self.r.choice(names) if names else None

    # ----- typed expressions -----

    def int(self, d=2):
        r = self.r
        v = self.var_of("int")
        if d <= 0 or r.random() < .3:
            return v if v and r.random() < .5 else str(r.choice([0, 1, 2, 3, -1, 7, 10, 100, -5, 42]))
        return self.pick(
            lambda: f"({self.int(d - 1)} {r.choice(['+', '-', '*'])} {self.int(d - 1)})",
            lambda: f"({self.int(d - 1)} {r.choice(['/', '%'])} {r.choice([1, 2, 3, 7, -2])})",
            lambda: f"({self.int(d - 1)} {r.choice(['<<', '>>'])} {r.choice([0, 1, 3])})",
            lambda: f"size({self.arr(d - 1)})",
            lambda: f"length({self.str(d - 1)})",
            lambda: f"abs({self.int(d - 1)})",
            lambda: f"{self.arr(d - 1)}.reduce(0) |$m, $v| {{ $m + {r.choice(['1', '$m', '2'])} }}",
            lambda: f"Integer({r.choice(INT_CONVERSIONS)})",
            lambda: f"{self.bool(d - 1)} ? {{ true => {self.int(0)}, default => {self.int(0)} }}",
            lambda: f"if {self.bool(d - 1)} {{ {self.int(0)} }} else {{ {self.int(0)} }}",
            lambda: f"max({self.int(d - 1)}, {self.int(d - 1)})",
            lambda: f"min({self.int(d - 1)}, {self.int(d - 1)})",
            lambda: f"-{self.int(d - 1)}",
            lambda: f"[{self.int(0)}, {self.int(0)}, {self.int(0)}][{r.choice([0, 1, -1, 5])}]",
        )

    def str(self, d=2):
        r = self.r
        v = self.var_of("str")
        if d <= 0 or r.random() < .3:
            return v if v and r.random() < .5 else "'" + r.choice(STRINGS) + "'"
        return self.pick(
            lambda: f'"{r.choice(["x", "", "v=", "a-"])}${{{self.int(d - 1)}}}"',
            # `${true}` is a Ruby crash in Puppet 7's parser (a boolean taken for a variable
            # name): the boolean is parenthesised.
            lambda: f'"${{{self.str(d - 1)}}}-${{({self.bool(d - 1)})}}"',
            lambda: f"{r.choice(['upcase', 'downcase', 'capitalize', 'strip', 'chomp'])}({self.str(d - 1)})",
            lambda: f"String({self.pick(lambda: self.int(d - 1), lambda: self.arr(d - 1), lambda: self.hash(d - 1), lambda: self.bool(d - 1))})",
            lambda: f"sprintf('{r.choice(['%d', '%s', '%05d', '%x', '%-3s|', '%o'])}', {self.int(d - 1)})",
            lambda: f"{self.str(d - 1)}[{r.choice(['0', '1', '-1', '0, 2', '1, -1', '5'])}]",
            lambda: f"join({self.arr(d - 1)}, '{r.choice([',', '', ' - '])}')" if False else f"{self.arr(d - 1)}.map |$x| {{ \"${{x}}\" }}[0]",
            lambda: f"regsubst({self.str(d - 1)}, '{r.choice(['a', '^', '[0-9]', 'b+'])}', '{r.choice(REPLACEMENTS)}'{r.choice(REGSUBST_FLAGS)})",
            lambda: f"{self.bool(d - 1)} ? {{ true => {self.str(0)}, default => {self.str(0)} }}",
            lambda: f"type({self.any(d - 1)}{r.choice(['', ', generalized'])}).String" if False else f"String(type({self.any(d - 1)}{r.choice(['', ', generalized'])}))",
            lambda: f"split({self.str(d - 1)}, '{r.choice([',', '', 'b'])}')[0]",
        )

    def bool(self, d=2):
        r = self.r
        if d <= 0 or r.random() < .2:
            return r.choice(["true", "false"])
        return self.pick(
            lambda: f"({self.int(d - 1)} {r.choice(['==', '!=', '<', '>', '<=', '>='])} {self.int(d - 1)})",
            lambda: f"({self.str(d - 1)} {r.choice(['==', '!=', '<', '>'])} {self.str(d - 1)})",
            lambda: f"({self.str(d - 1)} =~ /{r.choice(['a', '^b', '[0-9]+', 'x y', '^$'])}/)",
            lambda: f"({self.str(d - 1)} in {self.pick(lambda: self.arr(d - 1), lambda: self.hash(d - 1), lambda: self.str(d - 1))})",
            lambda: f"({self.int(d - 1)} in {self.arr(d - 1)})",
            lambda: f"!{self.bool(d - 1)}",
            lambda: f"({self.bool(d - 1)} {r.choice(['and', 'or'])} {self.bool(d - 1)})",
            lambda: f"({self.any(d - 1)} =~ {r.choice(TYPES)})",
            lambda: f"empty({self.pick(lambda: self.arr(d - 1), lambda: self.str(d - 1), lambda: self.hash(d - 1))})",
            lambda: f"({self.any(d - 1)} == {self.any(d - 1)})",
            lambda: f"{self.arr(d - 1)}.any |$x| {{ $x == {self.int(0)} }}",
            lambda: f"{self.arr(d - 1)}.all |$x| {{ $x =~ Integer }}",
            lambda: f"Boolean({r.choice(BOOL_CONVERSIONS)})",
        )

    def arr(self, d=2):
        r = self.r
        v = self.var_of("arr")
        if d <= 0 or r.random() < .25:
            if v and r.random() < .5:
                return v
            return "[" + ", ".join(self.pick(lambda: self.int(0), lambda: self.str(0)) for _ in range(r.randrange(4))) + "]"
        return self.pick(
            lambda: f"({self.arr(d - 1)} + {self.arr(d - 1)})",
            lambda: f"({self.arr(d - 1)} - {self.arr(d - 1)})",
            lambda: f"({self.arr(d - 1)} << {self.any(d - 1)})",
            lambda: f"{self.arr(d - 1)}.map |$x| {{ {self.with_var('x', 'int', lambda: self.int(d - 1))} }}",
            lambda: f"{self.arr(d - 1)}.filter |$x| {{ $x =~ {r.choice(['Integer', 'String', 'Integer[1]'])} }}",
            lambda: f"{self.hash(d - 1)}.map |$k, $v| {{ $k }}",
            lambda: f"{r.choice(['sort', 'unique', 'flatten'])}({self.arr(d - 1)})",
            lambda: f"[{self.arr(d - 1)}, {self.int(0)}].flatten",
            lambda: f"{self.arr(d - 1)}[{r.choice(['0, 2', '1, -1', '-2, 1', '5, 1'])}]",
            lambda: f"Array({self.pick(lambda: self.hash(d - 1), lambda: self.arr(d - 1), lambda: self.str(0))}{r.choice(['', ', true'])})",
            lambda: f"keys({self.hash(d - 1)})",
            lambda: f"values({self.hash(d - 1)})",
            lambda: f"split({self.str(d - 1)}, '{r.choice([',', '', 'b', '[a-c]'])}')",
            lambda: f"Integer[{r.choice([0, 1, 2])}, {r.choice([2, 3, 4])}].map |$i| {{ $i * 2 }}",
            lambda: f"{self.arr(d - 1)}.reverse_each.map |$x| {{ $x }}",
            lambda: f"{self.arr(d - 1)}.slice(2).map |$p| {{ size($p) }}",
            lambda: f"{r.choice([3, 5, 0])}.step({r.choice([1, 2])}).map |$x| {{ $x }}",
        )

    def hash(self, d=2):
        r = self.r
        v = self.var_of("hash")
        if d <= 0 or r.random() < .25:
            if v and r.random() < .5:
                return v
            keys = r.sample(["a", "b", "c", "d"], r.randrange(4))
            return "{" + ", ".join(f"'{k}' => {self.pick(lambda: self.int(0), lambda: self.str(0))}" for k in keys) + "}"
        return self.pick(
            lambda: f"({self.hash(d - 1)} + {self.hash(d - 1)})",
            lambda: f"({self.hash(d - 1)} - {self.pick(lambda: self.arr(d - 1), lambda: self.hash(d - 1))})",
            lambda: f"{self.hash(d - 1)}.filter |$k, $v| {{ $k {r.choice(['==', '!=', '<'])} '{r.choice('abcd')}' }}",
            lambda: f"Hash({r.choice(['[a, 1, b, 2]', '[[a, 1]]', '[]'])})".replace("a,", "'a',").replace("b,", "'b',").replace("[a", "['a'"),
            lambda: f"{self.arr(d - 1)}.reduce({{}}) |$m, $v| {{ $m + {{ \"${{v}}\" => $v }} }}",
            lambda: f"{{ {self.str(0)} => {self.any(d - 1)}, 'z' => {self.any(0)} }}",
        )

    def any(self, d=1):
        r = self.r
        if r.random() < .12:
            return self.chaos(d)
        return r.choice([self.int, self.str, self.bool, self.arr, self.hash])(d)

    def chaos(self, d):
        """An expression built without regard to types."""
        r = self.r
        atoms = [lambda: self.int(0), lambda: self.str(0), lambda: self.bool(0), lambda: self.arr(0),
                 lambda: self.hash(0), lambda: r.choice(TYPES), lambda: "undef", lambda: "2.5",
                 lambda: "/a/", lambda: "default"]
        a, b = self.pick(*atoms), self.pick(*atoms)
        return r.choice([
            f"({a} {r.choice(['+', '-', '*', '/', '%', '<<', '<', '==', '=~', 'in', 'and'])} {b})",
            f"{a}[{b}]",
            f"{r.choice(['size', 'upcase', 'abs', 'keys', 'Integer', 'String', 'flatten', 'join', 'sort', 'type', 'Boolean'])}({a})",
            f"{a}.{r.choice(['each', 'map', 'filter'])} |$x| {{ $x }}",
            f"assert_type({r.choice(TYPES)}, {a})",
            f"-{a}",
        ])

    def with_var(self, name, kind, make):
        saved = list(self.vars)
        self.vars = self.vars + [(name, kind)]
        e = make()
        self.vars = saved
        return e

    # ----- statements -----

    def notify(self, value):
        return f"notify {{ '{self.title()}': message => {value} }}"

    def stmt(self):
        r = self.r
        k = r.randrange(13)
        if k < 3:
            kind = r.choice(KINDS)
            name = f"v{len(self.vars)}"
            s = f"${name} = {getattr(self, kind)()}"
            self.vars.append((name, kind))
            return s
        if k < 5:
            return self.notify(self.any(2))
        if k == 5:
            word = r.choice(["if", "unless"])
            return (f"{word} {self.bool(1)} {{\n  {self.notify(self.any(1))}\n}} "
                    f"else {{\n  {self.notify(self.any(1))}\n}}")
        if k == 6:
            opts = ", ".join(self.pick(lambda: self.int(0), lambda: self.str(0), lambda: r.choice(TYPES), lambda: "/^a/")
                             for _ in range(r.choice([1, 2])))
            return (f"case {self.any(1)} {{\n  {opts}: {{ {self.notify(self.any(1))} }}\n"
                    f"  default: {{ {self.notify(self.any(0))} }}\n}}")
        if k == 7:
            t = self.title()
            subject = r.choice(["[1, 2, 3]", "['a', 'b']", "{'a' => 1, 'b' => 2}", "3", "Integer[1, 2]", self.arr(1)])
            params = r.choice(["$v", "$i, $v"])
            if subject.startswith("{"):
                # After a statement, Puppet reads `{` as the body of a resource expression.
                subject = f"Hash({subject})"
            body = self.with_var("v", "int", lambda: self.any(1))
            tvar = "${i}" if "$i" in params else "${v}"
            return f"{subject}.each |{params}| {{\n  notify {{ \"{t}-{tvar}\": message => {body} }}\n}}"
        if k == 8:
            cname = f"c{self.classes}"
            self.classes += 1
            kind = r.choice(KINDS)
            ptype = r.choice(KIND_TYPES[kind]) if r.random() < .85 else r.choice(TYPES)
            default = f" = {getattr(self, kind)(0)}" if r.random() < .6 else ""
            body = self.notify("$p") + "\n  " + self.notify(f"\"${{p}}-${{title}}-${{name}}\"")
            decl = r.choice([f"class {{ '{cname}': p => {getattr(self, kind)(1)} }}", f"include {cname}",
                             f"class {{ '{cname}': }}", f"contain {cname}"])
            return f"class {cname}({ptype} $p{default}) {{\n  {body}\n}}\n{decl}"
        if k == 9:
            dname = f"d{self.n}"
            kind = r.choice(KINDS)
            ptype = r.choice(KIND_TYPES[kind]) if r.random() < .85 else r.choice(TYPES)
            t = self.title()
            default = f" = {getattr(self, kind)(0)}" if r.random() < .6 else ""
            inst = ", ".join(f"'{self.title()}'" for _ in range(r.choice([1, 2])))
            arg = f"x => {getattr(self, kind)(1)}" if r.random() < .7 else ""
            return (f"define {dname}({ptype} $x{default}) {{\n  notify {{ \"${{title}}-{t}\": message => $x }}\n}}\n"
                    f"{dname} {{ [{inst}]: {arg} }}")
        if k == 10:
            a, b = self.title(), self.title()
            arrow = r.choice(["->", "<-", "~>", "<~"])
            target = f"Notify['{b}']" if r.random() < .9 else f"Notify['{self.title()}']"
            return f"notify {{ '{a}': }}\nnotify {{ '{b}': }}\nNotify['{a}'] {arrow} {target}"
        if k == 11:
            return f"Notify {{ {r.choice(['tag', 'loglevel', 'withpath'])} => {r.choice(['notice', 'true', 'x', 'debug'])} }}\n{self.notify(self.any(1))}"
        return f"{self.notify(self.any(1))}\n{self.notify(self.any(1))}"

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
