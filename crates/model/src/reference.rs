//! `Type[title]` references, the way catalogs, relationships and reports name resources.

use std::fmt;
use std::str::FromStr;

/// A reference to a resource: `File[/etc/nginx/nginx.conf]`, `Class[Nginx::Nginx_web]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceRef {
    /// Capitalised type name, each `::` segment capitalised (`Nginx::Nginx_web`).
    pub type_name: String,
    /// The title exactly as in the catalog.
    pub title: String,
}

/// A string that is not of the form `Type[title]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a resource reference of the form Type[title]")]
pub struct ParseReferenceError(pub String);

impl ResourceRef {
    /// A reference with the type name capitalised the way Puppet prints it.
    pub fn new(type_name: &str, title: impl Into<String>) -> Self {
        ResourceRef { type_name: capitalize_type(type_name), title: title.into() }
    }
}

/// Capitalises each `::`-separated segment of a type name: `nginx::nginx_web` → `Nginx::Nginx_web`.
pub fn capitalize_type(name: &str) -> String {
    let name = name.strip_prefix("::").unwrap_or(name);
    name.split("::")
        .map(|seg| {
            let mut cs = seg.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs.flat_map(|c| c.to_lowercase())).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("::")
}

impl fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.type_name, self.title)
    }
}

impl FromStr for ResourceRef {
    type Err = ParseReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseReferenceError(s.to_string());
        let open = s.find('[').ok_or_else(err)?;
        if !s.ends_with(']') || open == 0 {
            return Err(err());
        }
        let type_name = &s[..open];
        let title = &s[open + 1..s.len() - 1];
        // Puppet quotes titles in some renderings: `File['/x']`.
        let title = title
            .strip_prefix('\'')
            .and_then(|t| t.strip_suffix('\''))
            .or_else(|| title.strip_prefix('"').and_then(|t| t.strip_suffix('"')))
            .unwrap_or(title);
        Ok(ResourceRef::new(type_name, title))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let r: ResourceRef = "file[/etc/x]".parse().unwrap();
        assert_eq!(r.to_string(), "File[/etc/x]");
        let r: ResourceRef = "Class['nginx::nginx_web']".parse().unwrap();
        assert_eq!(r.to_string(), "Class[nginx::nginx_web]");
        assert_eq!(capitalize_type("nginx::nginx_web"), "Nginx::Nginx_web");
        assert!("nope".parse::<ResourceRef>().is_err());
        assert!("[x]".parse::<ResourceRef>().is_err());
    }
}
