//! [`Keyed`]: the worker's few small maps by text key (its `OTP_*`
//! variables, the guard's entries and writes, a body's field names), kept
//! as one sorted list. It iterates in key order as a `BTreeMap` does, with
//! far less code for V8 to compile on a fresh isolate's first request.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};

/// A map by text key, sorted by key; an insert replaces the value of a key already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyed<V>(Vec<(String, V)>);

impl<V> Default for Keyed<V> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<V> Keyed<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    fn at(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.at(key).ok().map(|i| &self.0[i].1)
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.at(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Takes `key` out; its value, if it had one.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.at(key).ok().map(|i| self.0.remove(i).1)
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V> FromIterator<(String, V)> for Keyed<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(items: I) -> Self {
        let mut map = Keyed::new();
        for (k, v) in items {
            map.insert(k, v);
        }
        map
    }
}

impl<V> IntoIterator for Keyed<V> {
    type Item = (String, V);
    type IntoIter = std::vec::IntoIter<(String, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<V: Serialize> Serialize for Keyed<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Keyed<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries<V>(core::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = Keyed<V>;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keyed<V>, A::Error> {
                let mut out = Keyed::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    out.insert(k, v);
                }
                Ok(out)
            }
        }
        d.deserialize_map(Entries(core::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// The same entries, in the same order, as a `BTreeMap` fed the same
    /// inserts and removals; JSON with a repeated key keeps its last value as serde's map does.
    #[test]
    fn keyed_is_a_btree_map_of_text_keys() {
        let ops = [("n:+44", 1), ("a:4:1.2.3.4", 2), ("g", 3), ("n:+44", 4), ("", 5), ("c:GB", 6), ("a:4:1.2.3.4", 7), ("é", 8)];
        let (mut keyed, mut btree) = (Keyed::new(), BTreeMap::new());
        for (i, (k, v)) in ops.into_iter().enumerate() {
            assert_eq!(keyed.insert(k.to_string(), v), btree.insert(k.to_string(), v));
            if i == 5 {
                assert_eq!(keyed.remove("g"), btree.remove("g"));
                assert_eq!(keyed.remove("absent"), btree.remove("absent"));
            }
            assert_eq!(keyed.iter().collect::<Vec<_>>(), btree.iter().collect::<Vec<_>>());
        }
        assert_eq!((keyed.get("n:+44"), keyed.get("x"), keyed.len()), (btree.get("n:+44"), btree.get("x"), btree.len()));
        let json = r#"{"b":1,"a":2,"b":3}"#;
        let read: Keyed<u32> = crate::core::codec::from_json(json).unwrap();
        let expected: BTreeMap<String, u32> = crate::core::codec::from_json(json).unwrap();
        assert_eq!(read.into_iter().collect::<Vec<_>>(), expected.into_iter().collect::<Vec<_>>());
        assert_eq!(crate::core::codec::to_json(&keyed), crate::core::codec::to_json(&btree));
        assert!(crate::core::codec::from_json::<Keyed<u32>>("[1]").is_err());
    }
}
