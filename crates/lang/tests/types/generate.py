#!/usr/bin/env python3
"""Writes cases.tsv: the type-system matrix (values x types x operations) as Puppet expressions.

Each line is `id<TAB>group<TAB>expression`; the expression's value is what the case records
(`String(...)` of it, as `notify { id: message => String(expr) }` would carry it). `oracle.rb`
evaluates every expression with Puppet 7 and writes expected.tsv.
"""

import itertools
import os

HERE = os.path.dirname(os.path.abspath(__file__))

VALUES = [
    "undef", "default", "true", "false",
    "0", "1", "-1", "42", "-100", "2147483648", "9223372036854775807",
    "0.0", "3.14", "-0.5", "1.0e10",
    "''", "'a'", "'hello'", "'42'", "'3.14'", "'ünïcödé'", "'0x1F'",
    "[]", "[1, 2, 3]", "['a', 'b']", "[1, 'a', undef]", "[[1], [2, 3]]",
    "{}", "{'a' => 1}", "{'a' => 1, 'b' => 'x'}", "{1 => 2}", "{'a' => undef}",
    "/ab+/", "Integer", "String[1]", "File['/tmp']", "Class['main']",
    "Sensitive('s')",
    "'A'", "'hello world'", "[1, [2, 'a']]", "[1.5, 2]", "[undef]", "{'a' => {'b' => 1}}", "{'a' => [1, 2]}",
    "{'b' => 'x', 'a' => 1}", "{'' => 1}", "Sensitive(1)", "Integer[1, 2]", "Optional[String]",
    "Resource['package', 'x']", "Enum['a']",
]

TYPES = [
    "Any", "Undef", "Default", "Boolean",
    "Integer", "Integer[0]", "Integer[1, 5]", "Integer[-10, default]", "Integer[default, 0]",
    "Float", "Float[0.0, 1.0]", "Float[-1.0]", "Numeric",
    "String", "String[1]", "String[0, 3]", "String[5]",
    "Array", "Array[Integer]", "Array[String, 1]", "Array[Any, 0, 2]", "Array[Integer, 2, 3]",
    "Array[Optional[Integer]]", "Array[Array[Integer]]",
    "Hash", "Hash[String, Integer]", "Hash[String, Any, 1]", "Hash[Integer, Integer]",
    "Hash[String, Optional[Integer]]",
    "Enum['a', 'hello']", "Enum[a, b]", "Enum['A']",
    "Pattern[/^a/]", "Pattern[/\\d+/, '^h']",
    "Regexp", "Regexp[/ab+/]", "Regexp['ab+']",
    "Variant[Integer, String]", "Variant[Undef, Boolean]", "Variant[Integer[0, 10], Float]",
    "Optional[Integer]", "Optional[String[1]]", "Optional['a']",
    "NotUndef", "NotUndef[Integer]", "NotUndef[Optional[String]]",
    "Scalar", "Data", "RichData", "ScalarData",
    "Collection", "Collection[1]", "Collection[0, 2]",
    "Struct[{a => Integer}]", "Struct[{a => Integer, Optional[b] => String}]",
    "Struct[{a => Integer, b => Optional[String]}]", "Struct[{'a' => Optional[Integer]}]",
    "Tuple[Integer, String]", "Tuple[Integer, Any, 1, 3]", "Tuple[Integer, 1, default]", "Tuple[Any, Any, Any]",
    "Callable", "Callable[1, 1]",
    "Type", "Type[Integer]", "Type[String]", "Type[Any]",
    "Class", "Class[main]", "Resource", "Resource[File]", "File", "File['/tmp']", "CatalogEntry",
    "Sensitive", "Sensitive[String]",
    "Iterable", "Iterable[Integer]", "Iterator",
    "Timespan", "Timestamp", "SemVer", "SemVerRange",
    "Runtime", "Init", "Init[Integer]", "Object", "Binary",
]

# Types compared pairwise (`<`, `<=`, `==`, `>`): a subset wide enough for every type family.
COMPARED = [
    "Any", "Undef", "Default", "Boolean", "Integer", "Integer[0]", "Integer[1, 5]", "Integer[default, 0]",
    "Float", "Float[0.0, 1.0]", "Numeric", "String", "String[1]", "String[0, 3]",
    "Array", "Array[Integer]", "Array[Integer, 2, 3]", "Array[Any, 0, 2]", "Array[Numeric]",
    "Hash", "Hash[String, Integer]", "Hash[String, Data]",
    "Enum['a', 'b']", "Enum['a']", "Pattern[/^a/]", "Regexp",
    "Variant[Integer, String]", "Variant[String, Integer]", "Optional[Integer]", "Optional[String]",
    "NotUndef", "NotUndef[Integer]",
    "Scalar", "Data", "RichData", "ScalarData", "Collection", "Collection[1]",
    "Struct[{a => Integer}]", "Struct[{a => Integer, Optional[b] => String}]",
    "Tuple[Integer, String]", "Tuple[Integer, Integer]", "Callable",
    "Type", "Type[Integer]", "Class", "Class[main]", "Resource", "File", "File['/tmp']", "CatalogEntry",
    "Sensitive", "Sensitive[String]", "Iterable", "Iterable[Integer]", "Iterator",
    "Timespan", "Timestamp", "SemVer", "SemVerRange", "Runtime", "Object",
    "Array[0, 0]", "Hash[0, 0]", "Tuple[Integer, 1, 3]", "Tuple[Any, 0, default]", "Struct[{}]",
    "Struct[{Optional[a] => Integer}]", "Hash[String, Integer, 0, 1]", "Variant[Enum['a'], Pattern[/^a/]]",
    "Optional[Enum['a', 'b']]", "NotUndef[Optional[Integer]]", "Type[Optional[Integer]]", "Callable[1, 1]",
    "Callable[Integer]", "Pattern", "Enum", "Integer[default, default]", "Float[0.5]",
]

ASSERTED = [
    "Integer", "Integer[1, 5]", "String[1]", "Array[Integer]", "Hash[String, Integer]", "Enum['a', 'b']",
    "Pattern[/^a/]", "Variant[Integer, String]", "Optional[Integer]", "NotUndef",
    "Struct[{a => Integer}]", "Tuple[Integer, String]", "Boolean", "Float", "Undef", "Type[Integer]",
]

# Extra string forms: parameters Puppet normalises or prints specially.
FORMS = [
    "Integer[1]", "Integer[default]", "Integer[default, default]", "Integer[0, default]", "Integer[-5, 5]",
    "Float[1]", "Float[1.5, default]", "String[0]", "String[1, default]", "String[0, default]",
    "Array[Any]", "Array[Any, 0]", "Array[Integer, 1]", "Array[1]", "Array[1, 2]", "Array[Any, 1, 2]",
    "Hash[Any, Any]", "Hash[String, Integer, 1]", "Hash[String, Integer, 1, 2]", "Hash[1]", "Hash[1, 2]",
    "Optional[Optional[Integer]]", "Optional[Undef]", "Optional[Any]", "NotUndef[Any]",
    "Variant[Integer]", "Variant[Integer, Integer]", "Variant[]", "Variant[Integer, Variant[String, Float]]",
    "Enum['b', 'a']", "Enum[]", "Enum['a', 'a']", "Pattern[]", "Pattern['x', /y/]",
    "Struct[{}]", "Struct[{'a' => String, 'b' => Integer}]", "Tuple[]", "Tuple[String, 0]",
    "Tuple[String, 2, 5]", "Callable[0, 0]", "Callable[String, Integer]", "Callable[[String], Any]",
    "Type[Type[Integer]]", "Regexp[/a\\/b/]", "Pattern[/a\\/b/]",
    "Sensitive[Integer[1, 2]]", "Iterable[String]", "Iterator[Integer]", "Collection[0, default]",
    "Class['Main']", "Class[foo]", "Resource['file']", "Resource[file, '/tmp']", "File[a]", "Resource['package']",
    "Timespan['1:00:00']", "Timestamp['2020-01-01T00:00:00.000 UTC']", "SemVer['>=1.0.0']",
    "Runtime[ruby, 'String']", "Init[String, 1]", "Init[Integer, 'x']", "Integer[5, 1]",
    "String[3, 1]", "Float[2.0, 1.0]", "Optional[String, Integer]", "Array[Integer, -1]",
    "Enum[1]", "Pattern[1]", "Integer['a']", "Hash[Integer]", "NotUndef[Undef]", "Type[1]",
    "Struct[{1 => Integer}]", "Scalar[Integer]", "Boolean[true]", "Boolean[false]", "Undef[1]",
]

TYPE_OF = VALUES + [
    "[1, 2.5]", "[1, 2, 3, 4]", "{'a' => 1, 'b' => 2}", "{'a' => [1]}", "{'' => 1}", "{'a' => 1, 2 => 'b'}",
    "[[1, 'a'], {'k' => 2.0}]", "Integer[1, 5]", "Optional[String]", "true", "'x' * 3" if False else "'xyz'",
]

ITERATION = [
    "Integer[1, 5].map |$x| { $x * 2 }",
    "Integer[0, 3].reduce |$m, $x| { $m + $x }",
    "Integer[3, 1].map |$x| { $x }",
    "Enum['c', 'a', 'b'].map |$x| { $x }",
    "Integer[1, 3].reverse_each",
    "Integer[1, 3].reverse_each.map |$x| { $x }",
    "[1, 2, 3].reverse_each",
    "[1, 2, 3].reverse_each.map |$x| { $x }",
    "Integer[0, 10].step(3)",
    "Integer[0, 10].step(3).map |$x| { $x }",
    "[1, 2, 3, 4, 5].step(2)",
    "'abc'.reverse_each",
    "{'a' => 1, 'b' => 2}.reverse_each",
    "Integer[1, 3].each |$x| { $x }",
    "Integer[1, 3].filter |$x| { $x > 1 }",
    "Integer[1, 4].any |$x| { $x == 3 }",
    "Integer[1, 4].all |$x| { $x > 0 }",
    "Integer[1].map |$x| { $x }",
    "Integer.map |$x| { $x }",
    "String.map |$x| { $x }",
    "Enum['a', 'b'].reverse_each",
    "Integer[1, 3].reverse_each.reverse_each",
    "Integer[0, 10].step(3).reverse_each",
    "Integer[1, 3].step(0)",
    "3.reverse_each",
    "3.map |$x| { $x }",
    "'ab'.map |$x| { $x }",
    "type(Integer[1, 3].reverse_each)",
    "type([1, 2].reverse_each)",
    "Integer[1, 3].reverse_each =~ Iterator",
    "Integer[1, 3].reverse_each =~ Iterable[Integer]",
    "Integer[1, 3] =~ Iterable",
    "Integer[1, 3].reverse_each =~ Array",
    "Array(Integer[1, 3].reverse_each)",
    "Array(Integer[1, 4])",
    "Array(Integer[1, 3], true)",
    "Integer[1, 3].map |$i, $x| { [$i, $x] }",
    "Integer[-2, 2].map |$x| { $x }", "Integer[0, 0].map |$x| { $x }", "Integer[1, 10].step(4)",
    "Enum['b', 'a'].map |$i, $x| { \"${i}:${x}\" }", "[1, 2, 3].step(2).map |$x| { $x * 10 }",
    "Integer[1, 5].filter |$x| { $x % 2 == 0 }", "Integer[1, 3].reduce(10) |$m, $x| { $m + $x }",
    "'abcd'.step(2)", "Integer[1, 3].reverse_each =~ Iterable", "Integer[1, 3].step(2) =~ Iterator[Integer]",
    "Integer[1, 3].step(2) =~ Iterator[String]", "type(Integer[0, 10].step(3))", "type('ab'.reverse_each)",
    "type({'a' => 1}.reverse_each)", "type(Integer[0, 10].step(3), generalized)", "Integer[1, 3].reverse_each.step(2)",
    "Integer[1, 3].reverse_each == [3, 2, 1]", "[Integer[1, 3].reverse_each]", "{'k' => Integer[1, 2].reverse_each}",
    "Integer[5, 7].each |$i, $x| { $i }", "Integer[1, 2].reverse_each.filter |$x| { $x > 1 }",
]

NEW = [
    "Integer.new('0x1F')", "Integer('0b101')", "Integer('0o17')", "Integer('017')", "Integer('-42')",
    "Integer('  12  ')", "Integer('1_000')", "Integer('12abc')", "Integer('')", "Integer(3.99)", "Integer(-3.99)",
    "Integer(true)", "Integer(false)", "Integer('3.5')", "Integer(undef)", "Integer([1])", "Integer('10', 16)",
    "Integer('ff', 16)", "Integer('0xff', 16)", "Integer('777', 8)", "Integer('101', 2)", "Integer('12', 10)",
    "Integer('0x1F', 10)", "Integer('-0x1F')", "Integer('+5')", "Integer(Timespan(3600))",
    "Integer.new('10', 16)", "Integer({from => '10', radix => 2})", "Integer('abc', 16, true)",
    "Integer(1.0e20)",
    "Float.new('3.5')", "Float('1e3')", "Float('0x10')", "Float(3)", "Float(true)", "Float('.5')", "Float('abc')",
    "Float('  2.5 ')", "Float('1_000.5')", "Float(undef)", "Float('-0.0')",
    "Numeric('42')", "Numeric('4.2')", "Numeric('0x10')", "Numeric(true)", "Numeric('x')", "Numeric(7)",
    "Numeric('1e2')", "Numeric.new('  3 ')",
    "String.new(255, '%x')", "String(255, '%X')", "String(255, '%o')", "String(255, '%b')", "String(255, '%#x')",
    "String(3.14159, '%.2f')", "String(42, '%5d')", "String(42, '%-5d|')", "String(42, '%05d')",
    "String(1.5)", "String(1.0)", "String(100.0)", "String(1.0e20)", "String(0.1)", "String(-0.0)",
    "String('x', '%s')", "String('x', '%p')", "String(42, '%s')", "String(42, '%p')", "String([1, 'a'], '%s')",
    "String([1, 'a'], '%p')", "String({'a' => 1}, '%s')", "String(true, '%s')", "String(true, '%y')",
    "String(true, '%Y')", "String(true, '%d')", "String(undef)", "String(undef, '%s')", "String(undef, '%p')",
    "String([1, [2]])", "String({'a' => [1, 'b']})", "String('x')", "String(Integer)", "String(/a+/)",
    "String(default)", "String(File['/x'])", "String(Sensitive(1))", "String(3.0, '%d')", "String(3, '%.2f')",
    "String(3, '%e')", "String(255, '%10.4x')", "String([1, 2], '%(a')", "String([1, 2], '% a')",
    "String({'a' => 1}, '%(h')", "String('abc', '%5s|')", "String('abc', '%-5s|')", "String('abc', '%.2s')",
    "String(65, '%c')",
    "Boolean.new('yes')", "Boolean('no')", "Boolean('true')", "Boolean('FALSE')", "Boolean('y')", "Boolean('n')",
    "Boolean('')", "Boolean('maybe')", "Boolean(1)", "Boolean(0)", "Boolean(0.0)", "Boolean(2)", "Boolean(true)",
    "Boolean(undef)", "Boolean([])",
    "Array.new(1)", "Array('abc')", "Array([1, 2])", "Array({'a' => 1})", "Array(undef)", "Array(1, true)",
    "Array([1], true)", "Array({'a' => 1}, true)", "Array('ab', true)", "Array.new(Integer[1, 3])",
    "Hash.new([1, 2, 3, 4])", "Hash([[1, 2], [3, 4]])", "Hash([1, 2, 3])", "Hash({'a' => 1})", "Hash([])",
    "Hash(undef)", "Hash('a')", "Hash([['a', 1]])",
    "Tuple[Integer, String].new([1, 'a'])", "Struct[{a => Integer}].new({'a' => 1})",
    "Optional[Integer].new('5')", "Variant[Integer, Boolean].new('5')", "Integer[1, 5].new('7')",
    "Integer[1, 5].new('3')", "String[1].new('')", "Enum['a', 'b'].new('a')",
    "Sensitive.new('x')", "Sensitive(1) =~ Sensitive[Integer]",
    "Regexp('a+')", "Regexp.new('a+') =~ Regexp['a+']",
    "SemVer('1.2.3')", "SemVer.new(1, 2, 3)", "SemVer('1.2.3-rc1') < SemVer('1.2.3')", "SemVer('x')",
    "SemVerRange('>=1.0.0 <2.0.0')", "SemVer('1.5.0') =~ SemVerRange('>=1.0.0 <2.0.0')",
    "Timespan(3600)", "Timespan('1-00:00:00')", "Timespan(90.5)", "Timespan({hours => 2})",
    "Timestamp('2020-01-01T00:00:00Z')", "Timestamp(0)", "Timestamp('2020-01-01T00:00:00Z') + 60",
    "Timespan(60) =~ Timespan[0, 100]", "Timespan(60) =~ Timespan",
    "Binary('aGVsbG8=')", "Binary('hello', '%s')",
    "Init[Integer].new('3')", "Undef.new(1)", "Default.new(1)", "Any.new(1)", "Scalar.new('1')",
    "Data.new('1')", "Type.new('Integer')", "Type('Integer[1, 2]')", "Type('Optional[String]')",
    "Pattern.new('a')", "Object.new('x')", "Callable.new(1)",
    "Integer.new('08')", "Integer('0b2')", "Integer('1e3')", "Float('0b101')",
    "String(42, '%+d')", "String(-42, '%x')", "String(8, '%#o')", "String(5, '%#b')", "String(255, '%#X')",
    "String(3.5, '%e')", "String(1234.5, '%g')", "String(0.00001, '%g')", "String(2.5, '%10.3f|')",
    "String(2.5, '%-8.2f')", "String(2.5, '%+.1f')", "String(2.5, '%s')", "String(2.5, '%p')", "String(7.9, '%d')",
    "String(7.9, '%x')", "String(true, '%t')", "String(false, '%T')", "String(false, '%y')", "String(true, '%p')",
    "String('hello', '%10s')", "String('hello', '%-10s')", "String('hello', '%u')", "String('hello', '%C')",
    "String('Hello', '%d')", "String('abc', '%c')", "String('a::b', '%C')", "String('  x  ', '%t')",
    "String(['a', 1], '%p')", "String(['a', [1]], '%<a')", "String(['a'], '%|a')", "String({'a' => 'b'}, '%p')",
    "String({'a' => 'b'}, '%[h')", "String({'a' => 'b'}, '%<h')", "String(/x/, '%p')", "String(/x/, '%s')",
    "String(undef, '%d')", "String(default, '%p')", "String(Integer[1, 2], '%p')", "String(42, '%z')",
    "String(42, 'x')", "String(42, '%5.2s')", "String(1, '%c')", "String(256, '%08.3x')",
    "Integer('0xfF')", "Integer('-0b11')", "Integer('- 5')", "Integer('00')", "Integer(-0.0)", "Integer('10', 2)",
    "Integer('19', 8)", "Integer(7.5, 16)", "Integer('12', 10, true)", "Integer('-12', 10, true)", "Integer({from => -3, abs => true})",
    "Float('1.5e-3')", "Float('1E5')", "Float('017')", "Float(1e300)", "Float('1.')", "Float('+3')",
    "Numeric('017')", "Numeric('0b11')", "Numeric('-1.5')", "Numeric('1_0')", "Numeric(false)", "Numeric({from => '-5', abs => true})",
    "Boolean('Yes')", "Boolean('TRUE')", "Boolean(' yes')", "Boolean(-1)", "Boolean(0.5)",
    "Array('')", "Array(0)", "Array(3)", "Array(Enum['b', 'a'])", "Array(true)", "Array(true, true)", "Array(undef, true)",
    "Hash(['a', 1, 'b', 2])", "Hash([['a', 1], ['b']])", "Hash('ab')", "Hash(Integer[1, 4])", "Hash(1)",
]

MISC = [
    "Integer[1, 5] == Integer[1, 5]", "Integer[1, 5] != Integer[1, 6]",
    "Optional[Integer] == Variant[Undef, Integer]", "Enum['a', 'b'] == Enum['b', 'a']",
    "Variant[Integer, String] == Variant[String, Integer]", "Integer == Integer[default, default]",
    "Array == Array[Any]", "Hash[Any, Any] == Hash", "String[0] == String",
    "Integer < Integer", "Integer[1, 2] < Integer", "Any > Integer", "Integer >= Integer",
    "Type[Integer] =~ Type[Type]", "Integer =~ Type[Integer]", "Integer[1, 2] =~ Type[Integer]",
    "Integer =~ Type[Integer[1, 2]]", "String =~ Type", "File =~ Type[Resource]", "File['/tmp'] =~ Type[File]",
    "Class['main'] =~ Type[Class]", "'a' =~ String", "['a'] =~ Array[String]",
    "1 =~ [Integer]", "'a' in Enum['a']", "1 in [Integer, String]", "'a' in [Integer, String]",
    "Integer['1', '2']", "Resource['file', '/tmp'] == File['/tmp']",
    "Integer[1, 2] in [Integer[1, 2]]", "1 == Integer", "Integer != String",
    "Struct[{a => Integer}] == Struct[{'a' => Integer}]", "Tuple[Integer] == Tuple[Integer, 1, 1]",
    "Callable[1, 1] == Callable[Any]",
    "type(1) == Integer[1, 1]", "type(type(1))", "type(Integer, generalized)", "type('x', reduced)",
    "[1, 2].reverse_each =~ Iterable", "Iterable =~ Type[Iterable]",
]


def main():
    lines = []

    def add(group, expr):
        lines.append(f"{len(lines):05d}\t{group}\t{expr}")

    for t in TYPES:
        add("string", f"String({t})")
    for t in FORMS:
        add("string", f"String({t})")
    for v, t in itertools.product(VALUES, TYPES):
        add("match", f"String({v} =~ {t})")
    for v, t in itertools.product(VALUES, ASSERTED):
        add("assert_type", f"String(assert_type({t}, {v}))")
    # Every other type too: the mismatch messages of the whole type system.
    for v, t in itertools.product(VALUES, [t for t in TYPES if t not in ASSERTED]):
        add("assert_type", f"String(assert_type({t}, {v}))")
    for v, t in itertools.product(VALUES, ASSERTED[:6]):
        add("assert_type", f"String(assert_type({t}, {v}) |$e, $a| {{ \"${{e}} vs ${{a}}\" }})")
    for a, b in itertools.product(COMPARED, COMPARED):
        add("compare", f"String([{a} < {b}, {a} <= {b}, {a} == {b}, {a} > {b}])")
    for v in TYPE_OF:
        add("type", f"String(type({v}))")
        add("type", f"String(type({v}, generalized))")
        add("type", f"String(type({v}, reduced))")
    for e in ITERATION:
        add("iteration", f"String({e})")
        add("iteration", f"\"${{{e}}}\"")
    for e in NEW:
        add("new", f"String({e})")
    for e in MISC:
        add("misc", f"String({e})")
    with open(os.path.join(HERE, "cases.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines)} cases")


if __name__ == "__main__":
    main()
