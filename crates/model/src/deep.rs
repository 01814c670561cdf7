//! Serialising values of any depth. Recursion in Puppet code can build a parameter value thousands of
//! levels deep (the compiler's evaluation depth bounds it, not the parser), and serde's serialisers
//! recurse once per level: each level here runs on a stack that grows as needed, so writing such a
//! catalog never overflows the master's thread.

use indexmap::IndexMap;
use serde::ser::{Serialize, Serializer};

use crate::Value;

/// A value serialised level by level on a growing stack.
struct Deep<'a>(&'a Value);

impl Serialize for Deep<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Array(items) => {
                stacker::maybe_grow(64 * 1024, 1 << 20, || serializer.collect_seq(items.iter().map(Deep)))
            }
            Value::Object(map) => stacker::maybe_grow(64 * 1024, 1 << 20, || {
                serializer.collect_map(map.iter().map(|(k, v)| (k, Deep(v))))
            }),
            scalar => scalar.serialize(serializer),
        }
    }
}

/// `serialize_with` for a resource's parameters.
pub(crate) fn parameters<S: Serializer>(
    params: &IndexMap<String, Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(params.iter().map(|(k, v)| (k, Deep(v))))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_value_deeper_than_a_small_stack_serialises_whole() {
        let mut v = crate::Value::Null;
        for _ in 0..20_000 {
            v = crate::Value::Array(vec![v]);
        }
        let mut params = indexmap::IndexMap::new();
        params.insert("message".to_string(), v);
        // On a 256 KiB thread a plain recursive serialisation of 20,000 levels would overflow.
        let json = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let mut out = Vec::new();
                super::parameters(&params, &mut serde_json::Serializer::new(&mut out)).expect("serialise");
                // Taking the value apart without recursion: dropping it whole would recurse too.
                let mut v = params.swap_remove("message").expect("message");
                while let crate::Value::Array(mut a) = v {
                    v = a.pop().unwrap_or(crate::Value::Null);
                }
                out
            })
            .expect("thread")
            .join()
            .expect("no overflow");
        assert_eq!(json.len(), "{\"message\":}".len() + 20_000 * 2 + "null".len());
    }
}
