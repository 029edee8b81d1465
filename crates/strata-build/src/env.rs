//! The environment a stage's steps see, in the order its variables were first set, with an index so that
//! setting and looking up a variable cost the same whatever the number of variables (a Dockerfile of
//! thousands of ENV lines builds in linear time).

use std::collections::HashMap;

use strata_dockerfile::shell::Env;

/// Variables in first-set order; setting one again replaces its value in place.
#[derive(Debug, Clone, Default)]
pub(crate) struct OrderedEnv {
    vars: Vec<(String, String)>,
    index: HashMap<String, usize>,
}

impl OrderedEnv {
    /// Sets `key` (in place when already set, else at the end).
    pub fn set(&mut self, key: &str, value: &str) {
        match self.index.get(key) {
            Some(&i) => self.vars[i].1 = value.to_owned(),
            None => {
                self.index.insert(key.to_owned(), self.vars.len());
                self.vars.push((key.to_owned(), value.to_owned()));
            }
        }
    }

    /// The value of `key`, if set.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.index.get(key).map(|&i| self.vars[i].1.as_str())
    }

    /// The variables in order.
    pub fn vars(&self) -> &[(String, String)] {
        &self.vars
    }
}

impl Env for OrderedEnv {
    fn get(&self, name: &str) -> Option<&str> {
        self.value(name)
    }
}

/// An index of a config's `KEY=value` list: the position of each key's first entry.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryIndex(HashMap<String, usize>);

impl EntryIndex {
    /// Indexes `entries` (an entry without `=` is a key with no value).
    pub fn of(entries: &[String]) -> EntryIndex {
        let mut index = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            index.entry(key_of(e).to_owned()).or_insert(i);
        }
        EntryIndex(index)
    }

    /// Sets `key=value` in `entries` (in place when the key is there, else at the end), keeping the index.
    pub fn set(&mut self, entries: &mut Vec<String>, key: &str, value: &str) {
        let item = format!("{key}={value}");
        match self.0.get(key) {
            Some(&i) if i < entries.len() => entries[i] = item,
            _ => {
                self.0.insert(key.to_owned(), entries.len());
                entries.push(item);
            }
        }
    }

    /// Whether `key` has an entry.
    pub fn contains(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }
}

fn key_of(entry: &str) -> &str {
    entry.split_once('=').map(|(k, _)| k).unwrap_or(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_env_replaces_in_place() {
        let mut e = OrderedEnv::default();
        e.set("A", "1");
        e.set("B", "2");
        e.set("A", "3");
        assert_eq!(
            e.vars(),
            &[("A".into(), "3".into()), ("B".into(), "2".into())]
        );
        assert_eq!(e.value("B"), Some("2"));
        assert_eq!(e.value("C"), None);
    }

    #[test]
    fn entry_index_keeps_the_first_entry_of_a_key() {
        let mut entries = vec!["A=1".to_owned(), "B".to_owned(), "A=2".to_owned()];
        let mut ix = EntryIndex::of(&entries);
        assert!(ix.contains("B"));
        ix.set(&mut entries, "A", "9");
        ix.set(&mut entries, "B", "x");
        ix.set(&mut entries, "C", "y");
        assert_eq!(entries, ["A=9", "B=x", "A=2", "C=y"]);
    }
}
