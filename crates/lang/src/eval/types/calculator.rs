//! Puppet's `TypeCalculator`: whether a value is an instance of a type, whether one type is
//! assignable to another, the type inferred for a value, and the generalised type.

use super::model::{Range, Ty, DEFAULT_SIZE};
use crate::value::Value;

fn boxed(t: Ty) -> Box<Ty> {
    Box::new(t)
}

/// `Variant[ScalarData, Undef, Hash[String, Data], Array[Data]]`: what the alias `Data` stands for.
fn data_expansion() -> Ty {
    Ty::Variant(vec![
        Ty::ScalarData,
        Ty::Undef,
        Ty::Hash(boxed(Ty::String(None, None)), boxed(Ty::Data), None),
        Ty::Array(boxed(Ty::Data), None),
    ])
}

/// What the alias `RichData` stands for.
fn rich_data_expansion() -> Ty {
    Ty::Variant(vec![
        Ty::Scalar,
        Ty::Other("SemVerRange".into(), vec![]),
        Ty::Other("Binary".into(), vec![]),
        Ty::Sensitive(boxed(Ty::Any)),
        Ty::Type(None),
        Ty::Other("TypeSet".into(), vec![]),
        Ty::Other("URI".into(), vec![]),
        Ty::Other("Object".into(), vec![]),
        Ty::Undef,
        Ty::Default,
        Ty::Hash(boxed(Ty::Variant(vec![Ty::String(None, None), Ty::Numeric])), boxed(Ty::RichData), None),
        Ty::Array(boxed(Ty::RichData), None),
    ])
}

pub(crate) fn is_alias(t: &Ty) -> bool {
    matches!(t, Ty::Data | Ty::RichData)
}

/// What an alias (`Data`, `RichData`) stands for.
pub(crate) fn expansion(t: &Ty) -> Ty {
    match t {
        Ty::Data => data_expansion(),
        _ => rich_data_expansion(),
    }
}

/// Whether `v` is an instance of `t`.
pub(crate) fn instance(t: &Ty, v: &Value) -> bool {
    match t {
        Ty::Any | Ty::Unit => true,
        Ty::Undef => matches!(v, Value::Undef),
        Ty::Default => matches!(v, Value::Default),
        Ty::Boolean(b) => matches!(v, Value::Bool(x) if b.is_none_or(|b| b == *x)),
        Ty::Integer(r) => matches!(v, Value::Int(i) if r.contains(*i as i128)),
        Ty::Float(lo, hi) => {
            matches!(v, Value::Float(x) if lo.is_none_or(|l| *x >= l) && hi.is_none_or(|h| *x <= h))
        }
        Ty::Numeric => matches!(v, Value::Int(_) | Value::Float(_)),
        Ty::String(size, value) => match v {
            Value::Str(s) => match value {
                Some(x) => x == s,
                None => size.is_none_or(|r| r.contains(s.chars().count() as i128)),
            },
            _ => false,
        },
        Ty::Enum(vs, ci) => match v {
            Value::Str(s) => {
                vs.iter().any(|x| if *ci { x.to_lowercase() == s.to_lowercase() } else { x == s })
            }
            _ => false,
        },
        Ty::Pattern(ps) => matches!(v, Value::Str(s) if ps.is_empty() || ps.iter().any(|p| p.is_match(s))),
        Ty::Regexp(p) => matches!(v, Value::Regex(r) if p.as_ref().is_none_or(|p| p.source == r.source)),
        Ty::Scalar => {
            matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_) | Value::Bool(_) | Value::Regex(_))
        }
        Ty::ScalarData => matches!(v, Value::Int(_) | Value::Float(_) | Value::Str(_) | Value::Bool(_)),
        Ty::Data => match v {
            Value::Undef | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => true,
            Value::Array(a) => a.iter().all(|x| instance(t, x)),
            Value::Hash(h) => h.iter().all(|(k, x)| matches!(k, Value::Str(_)) && instance(t, x)),
            _ => false,
        },
        Ty::RichData => match v {
            Value::Array(a) => a.iter().all(|x| instance(t, x)),
            Value::Hash(h) => h
                .iter()
                .all(|(k, x)| matches!(k, Value::Str(_) | Value::Int(_) | Value::Float(_)) && instance(t, x)),
            _ => true,
        },
        Ty::Array(e, size) => match v {
            Value::Array(a) => {
                a.iter().all(|x| instance(e, x)) && size.is_none_or(|r| r.contains(a.len() as i128))
            }
            _ => false,
        },
        Ty::Hash(k, x, size) => match v {
            Value::Hash(h) => {
                h.iter().all(|(hk, hv)| instance(k, hk) && instance(x, hv))
                    && size.is_none_or(|r| r.contains(h.len() as i128))
            }
            _ => false,
        },
        Ty::Collection(size) => match v {
            Value::Array(a) => size.is_none_or(|r| r.contains(a.len() as i128)),
            Value::Hash(h) => size.is_none_or(|r| r.contains(h.len() as i128)),
            _ => false,
        },
        Ty::Tuple(ts, size) => match v {
            Value::Array(a) => {
                let size_ok = match size {
                    Some(r) => r.contains(a.len() as i128),
                    None => ts.is_empty() || ts.len() == a.len(),
                };
                size_ok
                    && (ts.is_empty()
                        || a.iter()
                            .enumerate()
                            .all(|(i, x)| instance(ts.get(i).unwrap_or(&ts[ts.len() - 1]), x)))
            }
            _ => false,
        },
        Ty::Struct(ms) => match v {
            Value::Hash(h) => {
                let mut matched = 0;
                let all = ms.iter().all(|m| match h.get(&Value::Str(m.name.clone())) {
                    Some(x) => {
                        matched += 1;
                        instance(&m.value, x)
                    }
                    None => m.optional,
                });
                all && matched == h.len()
            }
            _ => false,
        },
        Ty::Variant(ts) => ts.iter().any(|x| instance(x, v)),
        Ty::Optional(inner) => matches!(v, Value::Undef) || inner.as_ref().is_some_and(|i| instance(i, v)),
        Ty::NotUndef(inner) => !matches!(v, Value::Undef) && inner.as_ref().is_none_or(|i| instance(i, v)),
        Ty::Type(inner) => match Ty::from_value(v) {
            Ok(vt) => inner.as_ref().is_none_or(|i| assignable(i, &vt)),
            Err(_) => false,
        },
        Ty::Sensitive(inner) => matches!(v, Value::Sensitive(x) if instance(inner, x)),
        Ty::Iterable(inner) => {
            if inner.as_ref().is_none_or(|i| assignable(i, &Ty::Any)) {
                match v {
                    Value::Str(_) | Value::Array(_) | Value::Hash(_) | Value::Iterator(_) => true,
                    Value::Int(i) => *i >= 0,
                    Value::Type(_) => {
                        matches!(
                            Ty::from_value(v),
                            Ok(Ty::Enum(..)) | Ok(Ty::Integer(Range { from: Some(_), to: Some(_) }))
                        )
                    }
                    _ => false,
                }
            } else {
                assignable(t, &infer(v))
            }
        }
        // An instance of the type, or a value its `new` takes as its only argument.
        Ty::Init(inner, args) => match inner {
            None => instance(&Ty::RichData, v),
            Some(i) => {
                instance(i, v)
                    || args.is_empty()
                        && (super::convert::create(i, std::slice::from_ref(v)).is_ok()
                            // An array is also the argument list of a `new` taking several.
                            || matches!(v, Value::Array(a) if a.len() > 1 && super::convert::create(i, a).is_ok()))
            }
        },
        Ty::Iterator(e) => match v {
            Value::Iterator(i) => e
                .as_ref()
                .is_none_or(|e| Ty::from_type_value(&i.element_type).is_ok_and(|it| assignable(e, &it))),
            _ => false,
        },
        // Values of these types (callables, catalog entries, runtime objects, …) are not values
        // of the language this compiler has; none of its values is one.
        Ty::Callable(..) | Ty::CatalogEntry | Ty::Class(_) | Ty::Resource(..) | Ty::Runtime(..) => false,
        // Types are Objects (Pcore); no other value of this compiler is.
        Ty::Other(n, ps) if n == "Object" && ps.is_empty() => {
            matches!(v, Value::Type(_) | Value::Resource { .. })
        }
        Ty::Other(..) => false,
    }
}

/// Whether every value of `b` is a value of `a` (`a.assignable?(b)`).
pub(crate) fn assignable(a: &Ty, b: &Ty) -> bool {
    let mut guard = Vec::new();
    assignable_guarded(a, b, &mut guard)
}

fn assignable_guarded(a: &Ty, b: &Ty, guard: &mut Vec<(Ty, Ty)>) -> bool {
    // Not reflexive in general (Puppet: `NotUndef[Optional[Integer]]` is not assignable to
    // itself), but an alias is.
    if is_alias(a) && a == b {
        return true;
    }
    match b {
        Ty::Unit => return true,
        Ty::Variant(bs) => {
            if matches!(a, Ty::Any) {
                return true;
            }
            if matches!(a, Ty::NotUndef(_)) && bs.is_empty() {
                return specific(a, b, guard);
            }
            return !bs.is_empty() && bs.iter().all(|x| assignable_guarded(a, x, guard));
        }
        Ty::Optional(inner) => {
            return assignable_guarded(a, &Ty::Undef, guard)
                && inner.as_ref().is_none_or(|i| assignable_guarded(a, i, guard));
        }
        Ty::NotUndef(inner) => {
            if let Some(i) = inner {
                if !assignable_guarded(i, &Ty::Undef, guard) {
                    return assignable_guarded(a, i, guard);
                }
            }
            return specific(a, b, guard);
        }
        _ if is_alias(b) => {
            // Recursion through both aliases: everything so far was assignable.
            let pair = (a.clone(), b.clone());
            if guard.contains(&pair) {
                return true;
            }
            guard.push(pair);
            let r = assignable_guarded(a, &expansion(b), guard);
            guard.pop();
            return r;
        }
        _ => {}
    }
    specific(a, b, guard)
}

fn size_or_default(r: &Option<Range>) -> Range {
    r.unwrap_or(DEFAULT_SIZE)
}

/// A Tuple's size: its own, or the count of its types (any count when it has none).
fn tuple_size(ts: &[Ty], size: &Option<Range>) -> Range {
    size.unwrap_or(if ts.is_empty() { DEFAULT_SIZE } else { exact(ts.len()) })
}

fn exact(n: usize) -> Range {
    Range::new(Some(n as i64), Some(n as i64))
}

fn is_string_like(t: &Ty) -> bool {
    matches!(t, Ty::String(..) | Ty::Enum(..) | Ty::Pattern(_))
}

/// The type-specific part (`_assignable?`).
fn specific(a: &Ty, b: &Ty, g: &mut Vec<(Ty, Ty)>) -> bool {
    // Puppet's Enum, Pattern and Tuple accept an equal type first.
    if matches!(a, Ty::Enum(..) | Ty::Pattern(_) | Ty::Tuple(..)) && a == b {
        return true;
    }
    let mut asg = |x: &Ty, y: &Ty| assignable_guarded(x, y, g);
    match a {
        Ty::Any => true,
        Ty::Unit => true,
        Ty::Undef => matches!(b, Ty::Undef),
        Ty::Default => matches!(b, Ty::Default),
        Ty::Boolean(v) => matches!(b, Ty::Boolean(w) if v.is_none() || v == w),
        Ty::Integer(r) => matches!(b, Ty::Integer(o) if r.covers(o)),
        Ty::Float(lo, hi) => match b {
            Ty::Float(l2, h2) => {
                lo.is_none_or(|l| l2.is_some_and(|x| l <= x)) && hi.is_none_or(|h| h2.is_some_and(|x| h >= x))
            }
            _ => false,
        },
        Ty::Numeric => matches!(b, Ty::Numeric | Ty::Integer(_) | Ty::Float(..)),
        Ty::String(size, value) => match (size, value) {
            (_, Some(v)) => match b {
                Ty::String(_, w) => w.as_ref() == Some(v),
                Ty::Enum(vs, ci) => vs.len() == 1 && !ci && &vs[0] == v,
                _ => false,
            },
            (Some(r), None) => match b {
                Ty::String(s2, v2) => match v2 {
                    Some(v) => r.contains(v.chars().count() as i128),
                    None => r.covers(&size_or_default(s2)),
                },
                Ty::Enum(vs, _) => {
                    if vs.is_empty() {
                        r.covers(&DEFAULT_SIZE)
                    } else {
                        let lens = vs.iter().map(|s| s.chars().count() as i128);
                        let (mn, mx) = (lens.clone().min().unwrap_or(0), lens.max().unwrap_or(0));
                        r.lo() <= mn && r.hi() >= mx
                    }
                }
                Ty::Pattern(_) => r.covers(&DEFAULT_SIZE),
                _ => false,
            },
            (None, None) => is_string_like(b),
        },
        Ty::Enum(vs, ci) => {
            if vs.is_empty() && is_string_like(b) {
                return true;
            }
            match b {
                Ty::String(_, Some(v)) => instance(a, &Value::Str(v.clone())),
                Ty::Enum(ws, wci) => {
                    !ws.is_empty() && (*ci || !wci) && ws.iter().all(|w| instance(a, &Value::Str(w.clone())))
                }
                _ => false,
            }
        }
        Ty::Pattern(ps) => match b {
            Ty::String(_, v) => match v {
                None => ps.is_empty(),
                Some(v) => ps.is_empty() || ps.iter().any(|p| p.is_match(v)),
            },
            Ty::Enum(ws, _) => {
                if ws.is_empty() {
                    ps.is_empty()
                } else {
                    ps.is_empty() || ws.iter().all(|w| ps.iter().any(|p| p.is_match(w)))
                }
            }
            Ty::Pattern(_) => ps.is_empty(),
            _ => false,
        },
        Ty::Regexp(p) => {
            matches!(b, Ty::Regexp(q) if p.is_none() || p.as_ref().map(|r| &r.source) == q.as_ref().map(|r| &r.source))
        }
        Ty::Scalar => {
            matches!(
                b,
                Ty::Scalar
                    | Ty::ScalarData
                    | Ty::Regexp(_)
                    | Ty::Numeric
                    | Ty::Integer(_)
                    | Ty::Float(..)
                    | Ty::Boolean(_)
            ) || is_string_like(b)
                || matches!(b, Ty::Other(n, _) if matches!(n.as_str(), "SemVer" | "SemVerRange" | "Timespan" | "Timestamp"))
        }
        Ty::ScalarData => {
            matches!(b, Ty::ScalarData | Ty::Numeric | Ty::Integer(_) | Ty::Float(..) | Ty::Boolean(_))
                || is_string_like(b)
        }
        Ty::Data | Ty::RichData => {
            let pair = (a.clone(), b.clone());
            if g.contains(&pair) {
                return true;
            }
            g.push(pair);
            let r = assignable_guarded(&expansion(a), b, g);
            g.pop();
            r
        }
        Ty::Collection(size) => {
            let s = size_or_default(size);
            match b {
                Ty::Collection(o) | Ty::Array(_, o) | Ty::Hash(_, _, o) => s.covers(&size_or_default(o)),
                Ty::Tuple(ts, o) => s.covers(&tuple_size(ts, o)),
                Ty::Struct(ms) => s.covers(&exact(ms.len())),
                _ => false,
            }
        }
        Ty::Array(e, size) => match b {
            Ty::Tuple(ts, o) => {
                size_or_default(size).covers(&tuple_size(ts, o)) && ts.iter().all(|t| asg(e, t))
            }
            Ty::Array(e2, o) => size_or_default(size).covers(&size_or_default(o)) && asg(e, e2),
            _ => false,
        },
        Ty::Hash(k, v, size) => match b {
            Ty::Hash(k2, v2, o) => {
                let empty_hash = o == &Some(Range::new(Some(0), Some(0)));
                if (size.is_none() || size.is_some_and(|r| r.from == Some(0))) && empty_hash {
                    return true;
                }
                asg(k, k2) && asg(v, v2) && size_or_default(size).covers(&size_or_default(o))
            }
            Ty::Struct(ms) => {
                size_or_default(size).contains(ms.len() as i128)
                    && ms.iter().all(|m| instance(k, &Value::Str(m.name.clone())) && asg(v, &m.value))
            }
            _ => false,
        },
        Ty::Tuple(ts, size) => {
            let size_s = tuple_size(ts, size);
            match b {
                Ty::Tuple(ts2, o) => {
                    let size_o = tuple_size(ts2, o);
                    if !size_s.covers(&size_o) {
                        return false;
                    }
                    if !ts.is_empty() {
                        if ts2.is_empty() {
                            return size_s.from == Some(0);
                        }
                        for (i, t2) in ts2.iter().enumerate() {
                            if !asg(ts.get(i).unwrap_or(&ts[ts.len() - 1]), t2) {
                                return false;
                            }
                        }
                    }
                    true
                }
                Ty::Array(e, o) => {
                    let size_o = size_or_default(o);
                    if !size_s.covers(&size_o) {
                        return false;
                    }
                    if !ts.is_empty() {
                        let n = (ts.len() as i128).min(size_o.hi()) as usize;
                        for i in 0..n {
                            if !asg(ts.get(i).unwrap_or(&ts[ts.len() - 1]), e) {
                                return false;
                            }
                        }
                    }
                    true
                }
                _ => false,
            }
        }
        Ty::Struct(ms) => match b {
            Ty::Struct(ms2) => {
                let mut matched = 0;
                let all = ms.iter().all(|m| match ms2.iter().find(|x| x.name == m.name) {
                    None => m.optional,
                    Some(m2) => {
                        matched += 1;
                        (m.optional || !m2.optional) && asg(&m.value, &m2.value)
                    }
                });
                all && matched == ms2.len()
            }
            Ty::Hash(k2, v2, o) => {
                let mut required = 0;
                let ok = ms.iter().all(|m| {
                    if m.optional {
                        true
                    } else {
                        required += 1;
                        asg(&m.value, v2) && asg(&Ty::String(None, None), k2)
                    }
                });
                ok && Range::new(Some(required), Some(ms.len() as i64)).covers(&size_or_default(o))
            }
            _ => false,
        },
        Ty::Variant(ts) => ts.iter().any(|t| asg(t, b)),
        Ty::Optional(inner) => match b {
            Ty::Undef => true,
            _ => match inner {
                None => true,
                Some(i) => asg(i, b),
            },
        },
        Ty::NotUndef(inner) => !asg(b, &Ty::Undef) && inner.as_ref().is_none_or(|i| asg(i, b)),
        Ty::Type(inner) => match b {
            Ty::Type(i2) => match (inner, i2) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(x), Some(y)) => asg(x, y),
            },
            _ => false,
        },
        Ty::Sensitive(inner) => matches!(b, Ty::Sensitive(i2) if asg(inner, i2)),
        Ty::Iterable(inner) => {
            if inner.as_ref().is_none_or(|i| asg(i, &Ty::Any)) {
                iterable_type(b).is_some()
            } else {
                match iterable_type(b) {
                    Some(Some(e)) => asg(inner.as_deref().unwrap_or(&Ty::Any), &e),
                    _ => false,
                }
            }
        }
        Ty::Iterator(inner) => match b {
            Ty::Iterator(i2) => match (inner, i2) {
                (None, _) => true,
                (Some(x), Some(y)) => asg(x, y),
                (Some(x), None) => asg(x, &Ty::Any),
            },
            _ => false,
        },
        Ty::Callable(params, _, ret) => match b {
            Ty::Callable(p2, _, r2) => {
                if let Some(r) = ret {
                    if !asg(r, r2.as_deref().unwrap_or(&Ty::Any)) {
                        return false;
                    }
                }
                match (params, p2) {
                    (None, _) => true,
                    (Some(_), None) => false,
                    (Some((ts, r)), Some((ts2, r2))) => {
                        let mine = Ty::Tuple(ts.clone(), *r);
                        let theirs = Ty::Tuple(ts2.clone(), *r2);
                        asg(&theirs, &mine)
                    }
                }
            }
            _ => false,
        },
        Ty::CatalogEntry => matches!(b, Ty::CatalogEntry | Ty::Class(_) | Ty::Resource(..)),
        Ty::Class(n) => matches!(b, Ty::Class(m) if n.is_none() || n == m),
        Ty::Resource(n, title) => match b {
            Ty::Resource(n2, t2) => match n {
                None => true,
                Some(n) => {
                    n2.as_ref().is_some_and(|x| x.to_lowercase() == n.to_lowercase())
                        && (title.is_none() || title == t2)
                }
            },
            _ => false,
        },
        Ty::Init(inner, _) => match inner {
            None => true,
            Some(i) => asg(i, b),
        },
        Ty::Runtime(rt, name) => {
            matches!(b, Ty::Runtime(r2, n2) if rt.is_none() || (rt == r2 && (name.is_none() || name == n2)))
        }
        Ty::Other(n, ps) => match b {
            Ty::Other(m, qs) => n == m && (ps.is_empty() || ps == qs),
            _ => false,
        },
    }
}

/// `Some(element type)` when instances of `t` are iterable (`Some(None)`: of no particular type).
fn iterable_type(t: &Ty) -> Option<Option<Ty>> {
    match t {
        Ty::Array(e, _) => Some(Some((**e).clone())),
        Ty::Hash(k, v, _) => Some(Some(Ty::Tuple(vec![(**k).clone(), (**v).clone()], None))),
        Ty::Tuple(ts, _) => Some(Some(Ty::variant(ts.clone()))),
        Ty::Struct(_) | Ty::Collection(_) => Some(None),
        Ty::String(..) | Ty::Enum(..) => Some(Some(Ty::String(Some(Range::new(Some(1), Some(1))), None))),
        Ty::Integer(r) if r.from.is_some_and(|f| f >= 0) => Some(Some(Ty::Integer(*r))),
        Ty::Integer(_) => Some(Some(Ty::Integer(Range::new(Some(0), None)))),
        Ty::Iterable(e) | Ty::Iterator(e) => Some(e.as_deref().cloned()),
        Ty::Type(Some(inner)) => match &**inner {
            Ty::Enum(..) => Some(Some((**inner).clone())),
            Ty::Integer(r) if r.from.is_some() && r.to.is_some() => Some(Some((**inner).clone())),
            _ => None,
        },
        _ => None,
    }
}

/// The type Puppet infers for a value (`TypeCalculator.infer`): collections by their common
/// element type.
pub(crate) fn infer(v: &Value) -> Ty {
    match v {
        Value::Undef => Ty::Undef,
        Value::Default => Ty::Default,
        Value::Bool(b) => Ty::Boolean(Some(*b)),
        Value::Int(i) => Ty::Integer(Range::new(Some(*i), Some(*i))),
        Value::Float(f) => Ty::Float(Some(*f), Some(*f)),
        Value::Str(s) => Ty::String(None, Some(s.clone())),
        Value::Regex(r) => Ty::Regexp(Some(r.clone())),
        Value::Array(a) if a.is_empty() => Ty::array(Ty::Unit, Some(exact(0))),
        Value::Array(a) => Ty::array(reduce(a.iter().map(infer)), Some(exact(a.len()))),
        Value::Hash(h) if h.is_empty() => Ty::hash(Ty::Unit, Ty::Unit, Some(exact(0))),
        Value::Hash(h) => {
            Ty::hash(reduce(h.keys().map(infer)), reduce(h.values().map(infer)), Some(exact(h.len())))
        }
        Value::Type(_) | Value::Resource { .. } => Ty::Type(Ty::from_value(v).ok().map(Box::new)),
        Value::Sensitive(x) => Ty::Sensitive(Box::new(infer(x).generalize())),
        Value::Iterator(i) => Ty::Iterator(Ty::from_type_value(&i.element_type).ok().map(Box::new)),
    }
}

/// The detailed type (`TypeCalculator.infer_set`): arrays as Tuples, hashes with string keys as Structs.
pub(crate) fn infer_set(v: &Value) -> Ty {
    match v {
        Value::Array(a) if !a.is_empty() => Ty::Tuple(a.iter().map(infer_set).collect(), None),
        Value::Hash(h) if !h.is_empty() => {
            if h.keys().all(|k| matches!(k, Value::Str(s) if !s.is_empty())) {
                Ty::Struct(
                    h.iter()
                        .map(|(k, x)| {
                            let value = infer_set(x);
                            // The key is a plain String type: required even when the value is undef.
                            super::model::Member {
                                name: k.to_display_string(),
                                optional: false,
                                not_undef: false,
                                value,
                            }
                        })
                        .collect(),
                )
            } else {
                let keys = Ty::variant(h.keys().map(infer_set).collect());
                let values = Ty::variant(h.values().map(infer_set).collect());
                Ty::hash(keys, values, Some(exact(h.len())))
            }
        }
        other => infer(other),
    }
}

fn reduce(types: impl Iterator<Item = Ty>) -> Ty {
    let mut acc: Option<Ty> = None;
    for t in types {
        acc = Some(match acc {
            None => t,
            Some(a) => common_type(&a, &t),
        });
    }
    acc.unwrap_or(Ty::Unit)
}

/// The most specific type both types are assignable to (`TypeCalculator#common_type`).
pub(crate) fn common_type(t1: &Ty, t2: &Ty) -> Ty {
    // Undef and Unit give way to the other type.
    if matches!(t1, Ty::Unit | Ty::Undef) {
        return t2.clone();
    }
    if matches!(t2, Ty::Unit | Ty::Undef) {
        return t1.clone();
    }
    if assignable(t1, t2) {
        return t1.clone();
    }
    if assignable(t2, t1) {
        return t2.clone();
    }
    match (t1, t2) {
        (Ty::Array(a, _), Ty::Array(b, _)) => return Ty::array(common_type(a, b), None),
        (Ty::Hash(k1, v1, _), Ty::Hash(k2, v2, _)) => {
            return Ty::hash(common_type(k1, k2), common_type(v1, v2), None)
        }
        (Ty::Class(_), Ty::Class(_)) => return Ty::Class(None),
        (Ty::Resource(a, _), Ty::Resource(b, _)) => {
            return if a == b { Ty::Resource(a.clone(), None) } else { Ty::Resource(None, None) }
        }
        (Ty::Integer(a), Ty::Integer(b)) => {
            let from = if a.from.is_none() || b.from.is_none() { None } else { a.from.min(b.from) };
            let to = if a.to.is_none() || b.to.is_none() { None } else { a.to.max(b.to) };
            return Ty::Integer(Range::new(from, to));
        }
        (Ty::Float(a1, a2), Ty::Float(b1, b2)) => {
            let from = match (a1, b1) {
                (Some(x), Some(y)) => Some(x.min(*y)),
                _ => None,
            };
            let to = match (a2, b2) {
                (Some(x), Some(y)) => Some(x.max(*y)),
                _ => None,
            };
            return Ty::Float(from, to);
        }
        (Ty::String(s1, v1), Ty::String(s2, v2)) => {
            if s1.is_none() || s2.is_none() {
                return match (v1, v2) {
                    (Some(a), Some(b)) => enum_of(vec![a.clone(), b.clone()]),
                    _ => Ty::String(None, None),
                };
            }
            return Ty::String(None, None);
        }
        (Ty::String(_, v), Ty::Enum(vs, _)) | (Ty::Enum(vs, _), Ty::String(_, v)) => {
            return match v {
                None => Ty::Enum(vec![], false),
                Some(v) => {
                    let mut all = vs.clone();
                    all.push(v.clone());
                    enum_of(all)
                }
            }
        }
        (Ty::Enum(a, _), Ty::Enum(b, _)) => {
            let mut all = a.clone();
            all.extend(b.iter().cloned());
            return enum_of(all);
        }
        (Ty::Pattern(a), Ty::Pattern(b)) => {
            let mut all = a.clone();
            for r in b {
                if !all.iter().any(|x| x.source == r.source) {
                    all.push(r.clone());
                }
            }
            return Ty::Pattern(all);
        }
        (Ty::Variant(a), Ty::Variant(b)) => {
            let mut all = a.clone();
            all.extend(b.iter().cloned());
            return Ty::variant(all);
        }
        (Ty::Regexp(_), Ty::Regexp(_)) => return Ty::Regexp(None),
        (Ty::Callable(..), Ty::Callable(..)) => return Ty::Callable(None, None, None),
        _ => {}
    }
    let both = |t: &Ty| assignable(t, t1) && assignable(t, t2);
    if both(&Ty::Numeric) {
        return Ty::Numeric;
    }
    if both(&Ty::ScalarData) {
        return Ty::ScalarData;
    }
    if both(&Ty::Scalar) {
        return Ty::Scalar;
    }
    if both(&Ty::Data) {
        return Ty::Data;
    }
    if let (Ty::Type(a), Ty::Type(b)) = (t1, t2) {
        let inner = match (a, b) {
            (Some(a), Some(b)) => Some(Box::new(common_type(a, b))),
            _ => None,
        };
        return Ty::Type(inner);
    }
    if both(&Ty::RichData) {
        return Ty::RichData;
    }
    Ty::Any
}

fn enum_of(mut values: Vec<String>) -> Ty {
    values.sort();
    values.dedup();
    Ty::Enum(values, false)
}

impl Ty {
    /// The type without its value-specific parameters (`TypeCalculator#generalize`).
    pub(crate) fn generalize(&self) -> Ty {
        match self {
            Ty::Boolean(_) => Ty::Boolean(None),
            Ty::Integer(_) => Ty::Integer(Range::ANY),
            Ty::Float(..) => Ty::Float(None, None),
            Ty::String(..) => Ty::String(None, None),
            Ty::Enum(vs, _) => {
                if vs.is_empty() {
                    Ty::String(None, None)
                } else {
                    let lens = vs.iter().map(|s| s.chars().count() as i64);
                    let (mn, mx) = (lens.clone().min(), lens.max());
                    Ty::String(Some(Range::new(mn, mx)), None)
                }
            }
            Ty::Array(e, size) => {
                if matches!(**e, Ty::Any) {
                    Ty::Array(boxed(Ty::Any), None)
                } else if size == &Some(exact(0)) {
                    Ty::Array(boxed(Ty::Unit), None)
                } else {
                    Ty::Array(boxed(e.generalize()), None)
                }
            }
            Ty::Hash(k, v, size) => {
                if size == &Some(exact(0)) {
                    self.clone()
                } else {
                    Ty::Hash(boxed(k.generalize()), boxed(v.generalize()), None)
                }
            }
            Ty::Collection(_) => Ty::Collection(None),
            Ty::Tuple(ts, size) => Ty::Tuple(ts.iter().map(Ty::generalize).collect(), *size),
            Ty::Struct(ms) => Ty::Struct(
                ms.iter()
                    .map(|m| super::model::Member { value: m.value.generalize(), ..m.clone() })
                    .collect(),
            ),
            Ty::Variant(ts) => Ty::variant(ts.iter().map(Ty::generalize).collect()),
            Ty::Optional(t) => Ty::Optional(t.as_ref().map(|t| boxed(t.generalize()))),
            Ty::NotUndef(t) => Ty::NotUndef(t.as_ref().map(|t| boxed(t.generalize()))),
            Ty::Type(t) => Ty::Type(t.as_ref().map(|t| boxed(t.generalize()))),
            Ty::Iterable(t) => Ty::Iterable(t.as_ref().map(|t| boxed(t.generalize()))),
            Ty::Iterator(t) => Ty::Iterator(t.as_ref().map(|t| boxed(t.generalize()))),
            Ty::Sensitive(t) => Ty::Sensitive(boxed(t.generalize())),
            other => other.clone(),
        }
    }
}
