//! Puppet's `TypeMismatchDescriber`: why a value's (detailed) type does not match the expected
//! type, in Puppet's words (`index 1 expects a String value, got Integer`, `expects size to be 2,
//! got 3`, `expects a value of type Undef or Integer, got String`).

use super::calculator::{assignable, expansion, is_alias};
use super::model::{Range, Ty, DEFAULT_SIZE};

#[derive(Debug, Clone, PartialEq)]
enum Mismatch {
    /// Expected types (several when a Variant's alternatives all failed alike) and the actual type.
    Type(Vec<String>, Vec<Ty>, Ty),
    Pattern(Vec<String>, Ty, Ty),
    Size(Vec<String>, Range, Range),
    MissingKey(Vec<String>, String),
    ExtraKey(Vec<String>, String),
}

impl Mismatch {
    fn path(&self) -> &[String] {
        match self {
            Mismatch::Type(p, ..)
            | Mismatch::Pattern(p, ..)
            | Mismatch::Size(p, ..)
            | Mismatch::MissingKey(p, _)
            | Mismatch::ExtraKey(p, _) => p,
        }
    }

    fn path_mut(&mut self) -> &mut Vec<String> {
        match self {
            Mismatch::Type(p, ..)
            | Mismatch::Pattern(p, ..)
            | Mismatch::Size(p, ..)
            | Mismatch::MissingKey(p, _)
            | Mismatch::ExtraKey(p, _) => p,
        }
    }

    /// The path without its Variant alternatives (Puppet's `canonical_path`): mismatches of
    /// several alternatives at the same place merge into one.
    fn canonical_path(&self) -> Vec<&String> {
        self.path().iter().filter(|e| !e.starts_with("variant ")).collect()
    }

    /// Without the Variant alternative at `at` (Puppet's `chop_path`), once one description is left.
    fn chopped(mut self, at: usize) -> Mismatch {
        let p = self.path_mut();
        if p.get(at).is_some_and(|e| e.starts_with("variant ")) {
            p.remove(at);
        }
        self
    }

    fn message(&self) -> String {
        let position = self.path().join(" ");
        let text = match self {
            Mismatch::Type(_, expected, actual) => type_message(expected, actual),
            Mismatch::Pattern(_, expected, actual) => {
                let (e, pfx) = match expected {
                    Ty::Optional(Some(t)) => ((**t).clone(), "an undef value or "),
                    e => (e.clone(), ""),
                };
                let a = match actual {
                    Ty::String(_, Some(v)) => format!("'{v}'"),
                    a => short_name(a),
                };
                format!("expects {pfx}a match for {e}, got {a}")
            }
            Mismatch::Size(_, e, a) => format!("expects size to be {}, got {}", range_text(e), range_text(a)),
            Mismatch::MissingKey(_, k) => format!("expects a value for key '{k}'"),
            Mismatch::ExtraKey(_, k) => format!("unrecognized key '{k}'"),
        };
        if position.is_empty() {
            text
        } else {
            format!("{position} {text}")
        }
    }
}

fn range_text(r: &Range) -> String {
    let min = r.from.unwrap_or(0);
    match r.to {
        Some(max) if max == min => min.to_string(),
        Some(max) if min == 0 => format!("at most {max}"),
        Some(max) => format!("between {min} and {max}"),
        None if min == 0 => "unlimited".into(),
        None => format!("at least {min}"),
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The kind of a type, as Ruby's class of it (`Integer` for every Integer range).
fn simple_name(t: &Ty) -> String {
    match t {
        Ty::Resource(..) => "Resource".into(),
        Ty::Class(_) => "Class".into(),
        Ty::Other(n, _) => n.clone(),
        other => {
            let text = other.to_string();
            text.split('[').next().unwrap_or("").to_string()
        }
    }
}

fn contained(t: &Ty) -> Option<&Ty> {
    match t {
        Ty::Optional(Some(i))
        | Ty::NotUndef(Some(i))
        | Ty::Type(Some(i))
        | Ty::Iterable(Some(i))
        | Ty::Iterator(Some(i)) => Some(i),
        Ty::Sensitive(i) | Ty::Init(Some(i), _) => Some(i),
        _ => None,
    }
}

fn short_name(t: &Ty) -> String {
    match contained(t) {
        Some(inner) if !matches!(inner, Ty::Any) => format!("{}[{}]", simple_name(t), simple_name(inner)),
        _ => simple_name(t),
    }
}

fn same_kind(a: &Ty, b: &Ty) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        && !matches!((a, b), (Ty::Other(x, _), Ty::Other(y, _)) if x != y)
}

fn always_fully_detailed(e: &[Ty], a: &Ty) -> bool {
    e.iter().any(|t| {
        same_kind(t, a)
            || is_alias(t)
            || matches!((t, a), (Ty::Struct(_), Ty::Hash(..)) | (Ty::Tuple(..), Ty::Array(..)))
    })
}

/// Puppet's `normalize` as far as the describer sees it: `NotUndef[T]` of a T without undef is
/// T, an Array of Any and a Collection lose their size.
fn normalize(t: &Ty) -> Ty {
    match t {
        Ty::NotUndef(Some(inner)) => match &**inner {
            Ty::Optional(Some(i)) => normalize(&Ty::NotUndef(Some(i.clone()))),
            i if !i.accepts_undef() => normalize(i),
            i => Ty::NotUndef(Some(Box::new(normalize(i)))),
        },
        Ty::Array(e, _) if matches!(**e, Ty::Any) => Ty::Array(e.clone(), None),
        Ty::Array(e, s) => Ty::Array(Box::new(normalize(e)), *s),
        Ty::Collection(_) => Ty::Collection(None),
        Ty::Hash(k, v, s) => Ty::Hash(Box::new(normalize(k)), Box::new(normalize(v)), *s),
        Ty::Optional(Some(i)) => Ty::Optional(Some(Box::new(normalize(i)))),
        Ty::Tuple(ts, s) => Ty::Tuple(ts.iter().map(normalize).collect(), *s),
        other => other.clone(),
    }
}

/// `describe(expected, actual, path)`: the expected type normalised first.
fn describe_fresh(expected: &Ty, actual: &Ty, path: &[String]) -> Vec<Mismatch> {
    let n = normalize(expected);
    describe(&n, &n, actual, path)
}

/// The parameterless type of the same kind (Ruby's `DEFAULT` of its class).
fn default_of(t: &Ty) -> Ty {
    match t {
        Ty::Integer(_) => Ty::Integer(Range::ANY),
        Ty::Float(..) => Ty::Float(None, None),
        Ty::String(..) => Ty::String(None, None),
        Ty::Boolean(_) => Ty::Boolean(None),
        Ty::Enum(..) => Ty::Enum(vec![], false),
        Ty::Pattern(_) => Ty::Pattern(vec![]),
        Ty::Regexp(_) => Ty::Regexp(None),
        Ty::Array(..) => Ty::Array(Box::new(Ty::Any), None),
        Ty::Hash(..) => Ty::Hash(Box::new(Ty::Any), Box::new(Ty::Any), None),
        Ty::Collection(_) => Ty::Collection(None),
        Ty::Tuple(..) => Ty::Tuple(vec![], None),
        Ty::Struct(_) => Ty::Struct(vec![]),
        Ty::Variant(_) => Ty::Variant(vec![]),
        Ty::Optional(_) => Ty::Optional(None),
        Ty::NotUndef(_) => Ty::NotUndef(None),
        Ty::Type(_) => Ty::Type(None),
        Ty::Iterable(_) => Ty::Iterable(None),
        Ty::Iterator(_) => Ty::Iterator(None),
        Ty::Sensitive(_) => Ty::Sensitive(Box::new(Ty::Any)),
        Ty::Callable(..) => Ty::Callable(None, None, None),
        Ty::Class(_) => Ty::Class(None),
        Ty::Resource(..) => Ty::Resource(None, None),
        Ty::Init(..) => Ty::Init(None, vec![]),
        Ty::Runtime(..) => Ty::Runtime(None, None),
        Ty::Other(n, _) => Ty::Other(n.clone(), vec![]),
        other => other.clone(),
    }
}

fn type_message(expected: &[Ty], actual: &Ty) -> String {
    let mut optional = false;
    let mut list: Vec<Ty> = Vec::new();
    for e in expected {
        let e = match e {
            Ty::Optional(Some(t)) => {
                optional = true;
                (**t).clone()
            }
            other => other.clone(),
        };
        match e {
            Ty::Variant(ts) => list.extend(ts),
            other => list.push(other),
        }
    }
    let detailed =
        always_fully_detailed(&list, actual) || list.iter().any(|t| assignable(&default_of(t), actual));
    let (mut names, a) = if detailed {
        let resolved: Vec<Ty> =
            list.iter().map(|t| if is_alias(t) { expansion(t) } else { t.clone() }).collect();
        let a = if always_fully_detailed(&resolved, actual)
            || resolved.iter().any(|t| assignable(t, &actual.generalize()))
        {
            actual.to_string()
        } else {
            simple_name(actual)
        };
        (list.iter().map(|t| t.to_string()).collect::<Vec<_>>(), a)
    } else {
        let mut names: Vec<String> = Vec::new();
        for t in &list {
            let n = short_name(t);
            if !names.contains(&n) {
                names.push(n);
            }
        }
        (names, short_name(actual))
    };
    if optional {
        names.insert(0, "Undef".into());
    }
    match names.as_slice() {
        [one] => format!("expects {} {one} value, got {a}", article(one)),
        [x, y] => format!("expects a value of type {x} or {y}, got {a}"),
        [init @ .., last] => format!("expects a value of type {}, or {last}, got {a}", init.join(", ")),
        [] => format!("expects a value, got {a}"),
    }
}

fn with(path: &[String], elem: String) -> Vec<String> {
    let mut p = path.to_vec();
    p.push(elem);
    p
}

fn tuple_size(ts: &[Ty], size: &Option<Range>) -> Range {
    size.unwrap_or(if ts.is_empty() {
        DEFAULT_SIZE
    } else {
        Range::new(Some(ts.len() as i64), Some(ts.len() as i64))
    })
}

fn describe(expected: &Ty, original: &Ty, actual: &Ty, path: &[String]) -> Vec<Mismatch> {
    let type_mismatch = || vec![Mismatch::Type(path.to_vec(), vec![original.clone()], actual.clone())];
    match expected {
        Ty::Variant(ts) => {
            let mut all = Vec::new();
            for (i, t) in ts.iter().enumerate() {
                let d = describe_fresh(t, actual, &with(path, format!("variant {i}")));
                if d.is_empty() {
                    return vec![];
                }
                all.push(d);
            }
            merge(all, original, path)
        }
        Ty::Optional(inner) => match inner {
            Some(i) if !matches!(actual, Ty::Undef) => describe(i, expected, actual, path),
            _ => vec![],
        },
        Ty::Enum(..) | Ty::Pattern(_) => {
            if assignable(expected, actual) {
                vec![]
            } else {
                vec![Mismatch::Pattern(path.to_vec(), original.clone(), actual.clone())]
            }
        }
        Ty::Struct(ms) => match actual {
            Ty::Struct(ams) => {
                let mut out = Vec::new();
                for m in ms {
                    match ams.iter().find(|x| x.name == m.name) {
                        None if !m.optional => out.push(Mismatch::MissingKey(path.to_vec(), m.name.clone())),
                        None => {}
                        Some(am) if !assignable(&m.value, &am.value) => {
                            let p = with(path, format!("entry '{}'", m.name));
                            out.extend(describe_fresh(&m.value, &am.value, &p));
                        }
                        Some(_) => {}
                    }
                }
                for am in ams {
                    if !ms.iter().any(|m| m.name == am.name) {
                        out.push(Mismatch::ExtraKey(path.to_vec(), am.name.clone()));
                    }
                }
                out
            }
            Ty::Hash(ak, av, size) => {
                let required = ms.iter().filter(|m| !m.optional).count() as i64;
                let expected_size = Range::new(Some(required), Some(ms.len() as i64));
                let actual_size = size.unwrap_or(DEFAULT_SIZE);
                if expected_size.covers(&actual_size) {
                    let unsized_actual = Ty::hash((**ak).clone(), (**av).clone(), None);
                    vec![Mismatch::Type(path.to_vec(), vec![original.clone()], unsized_actual)]
                } else {
                    vec![Mismatch::Size(path.to_vec(), expected_size, actual_size)]
                }
            }
            _ => type_mismatch(),
        },
        Ty::Hash(k, v, size) => match actual {
            Ty::Struct(ams) => {
                let expected_size = size.unwrap_or(DEFAULT_SIZE);
                let required = ams.iter().filter(|m| !m.optional).count() as i64;
                let actual_size = Range::new(Some(required), Some(ams.len() as i64));
                if !expected_size.covers(&actual_size) {
                    return vec![Mismatch::Size(path.to_vec(), expected_size, actual_size)];
                }
                let mut out = Vec::new();
                for am in ams {
                    let key = Ty::String(None, Some(am.name.clone()));
                    if !assignable(k, &key) {
                        out.extend(describe_fresh(
                            k,
                            &key,
                            &with(path, format!("key of entry '{}'", am.name)),
                        ));
                    }
                    if !assignable(v, &am.value) {
                        out.extend(describe_fresh(v, &am.value, &with(path, format!("entry '{}'", am.name))));
                    }
                }
                out
            }
            Ty::Hash(ak, av, asize) => {
                let actual_size = asize.unwrap_or(DEFAULT_SIZE);
                if size.is_none_or(|s| s.covers(&actual_size)) {
                    if assignable(expected, actual) {
                        vec![]
                    } else {
                        let unsized_actual = Ty::hash((**ak).clone(), (**av).clone(), None);
                        vec![Mismatch::Type(path.to_vec(), vec![original.clone()], unsized_actual)]
                    }
                } else {
                    vec![Mismatch::Size(path.to_vec(), size.unwrap_or(DEFAULT_SIZE), actual_size)]
                }
            }
            _ => type_mismatch(),
        },
        Ty::Array(e, size) => match actual {
            Ty::Tuple(ts, asize) => {
                let expected_size = size.unwrap_or(DEFAULT_SIZE);
                let actual_size = tuple_size(ts, asize);
                if !expected_size.covers(&actual_size) {
                    return vec![Mismatch::Size(path.to_vec(), expected_size, actual_size)];
                }
                let mut out = Vec::new();
                for (i, t) in ts.iter().enumerate() {
                    if !assignable(e, t) {
                        out.extend(describe_fresh(e, t, &with(path, format!("index {i}"))));
                    }
                }
                out
            }
            Ty::Array(ae, asize) => {
                let actual_size = asize.unwrap_or(DEFAULT_SIZE);
                if size.is_none_or(|s| s.covers(&actual_size)) {
                    if assignable(expected, actual) {
                        vec![]
                    } else {
                        let unsized_actual = Ty::array((**ae).clone(), None);
                        vec![Mismatch::Type(path.to_vec(), vec![original.clone()], unsized_actual)]
                    }
                } else {
                    vec![Mismatch::Size(path.to_vec(), size.unwrap_or(DEFAULT_SIZE), actual_size)]
                }
            }
            _ => type_mismatch(),
        },
        Ty::Tuple(ts, size) => {
            if expected == actual || ts.is_empty() && matches!(actual, Ty::Array(..)) {
                return vec![];
            }
            let expected_size = tuple_size(ts, size);
            match actual {
                Ty::Tuple(ats, asize) => {
                    let actual_size = tuple_size(ats, asize);
                    if !expected_size.covers(&actual_size) {
                        return vec![Mismatch::Size(path.to_vec(), expected_size, actual_size)];
                    }
                    let mut out = Vec::new();
                    if !ts.is_empty() {
                        for (i, at) in ats.iter().enumerate() {
                            let adx = i.min(ts.len() - 1);
                            if !assignable(&ts[adx], at) {
                                out.extend(describe_fresh(&ts[adx], at, &with(path, format!("index {adx}"))));
                            }
                        }
                    }
                    out
                }
                Ty::Array(ae, asize) => {
                    let actual_size = asize.unwrap_or(DEFAULT_SIZE);
                    if !expected_size.covers(&actual_size) {
                        return vec![Mismatch::Size(path.to_vec(), expected_size, actual_size)];
                    }
                    let mut out = Vec::new();
                    for (i, t) in ts.iter().enumerate() {
                        if !assignable(t, ae) {
                            out.extend(describe_fresh(t, ae, &with(path, format!("index {i}"))));
                        }
                    }
                    out
                }
                _ => type_mismatch(),
            }
        }
        _ => {
            if assignable(expected, actual) {
                vec![]
            } else {
                type_mismatch()
            }
        }
    }
}

/// One description for the alternatives of a Variant that failed alike.
fn merge(all: Vec<Vec<Mismatch>>, original: &Ty, path: &[String]) -> Vec<Mismatch> {
    let n = all.len();
    let flat: Vec<Mismatch> = all.into_iter().flatten().collect();
    let sizes: Vec<&Mismatch> = flat.iter().filter(|m| matches!(m, Mismatch::Size(..))).collect();
    let at = path.len();
    if sizes.len() == n && sizes.iter().all(|m| m.canonical_path() == sizes[0].canonical_path()) {
        let (mut lo, mut hi) = (i128::MAX, i128::MIN);
        let mut actual = Range::ANY;
        for m in &sizes {
            if let Mismatch::Size(_, e, a) = m {
                lo = lo.min(e.from.unwrap_or(0) as i128);
                hi = hi.max(e.hi());
                actual = *a;
            }
        }
        let to = if hi == i128::MAX { None } else { Some(hi as i64) };
        let merged = Mismatch::Size(sizes[0].path().to_vec(), Range::new(Some(lo as i64), to), actual);
        return vec![merged.chopped(at)];
    }
    // A PatternMismatch is a kind of TypeMismatch: they merge, as the first one's kind.
    let types: Vec<&Mismatch> =
        flat.iter().filter(|m| matches!(m, Mismatch::Type(..) | Mismatch::Pattern(..))).collect();
    if types.len() == n && types.iter().all(|m| m.canonical_path() == types[0].canonical_path()) {
        let mut expected: Vec<Ty> = Vec::new();
        let mut actual = None;
        for m in &types {
            let (es, a) = match m {
                Mismatch::Type(_, e, a) => (e.clone(), a),
                Mismatch::Pattern(_, e, a) => (vec![e.clone()], a),
                _ => continue,
            };
            for t in es {
                if !expected.contains(&t) {
                    expected.push(t);
                }
            }
            actual.get_or_insert_with(|| a.clone());
        }
        let actual = actual.unwrap_or(Ty::Any);
        let mut p = types[0].path().to_vec();
        if p.get(at).is_some_and(|e| e.starts_with("variant ")) {
            p.remove(at);
        }
        // The whole Variant failed at its own level: describe it as the type written.
        if p == path && !matches!(original, Ty::Variant(_)) {
            return vec![Mismatch::Type(p, vec![original.clone()], actual)];
        }
        if matches!(types[0], Mismatch::Pattern(..)) {
            return vec![Mismatch::Pattern(p, Ty::variant(expected), actual)];
        }
        return vec![Mismatch::Type(p, expected, actual)];
    }
    let mut out: Vec<Mismatch> = Vec::new();
    for m in flat {
        if !out.contains(&m) {
            out.push(m);
        }
    }
    if out.len() == 1 {
        return out.into_iter().map(|m| m.chopped(at)).collect();
    }
    out
}

/// Why a value of type `actual` is not a `expected` (empty: it is). Several reasons are joined
/// by "\n " as Puppet joins them.
pub(crate) fn describe_mismatch(expected: &Ty, actual: &Ty) -> String {
    let errors = describe_fresh(expected, actual, &[]);
    errors.iter().map(Mismatch::message).collect::<Vec<_>>().join("\n ")
}
