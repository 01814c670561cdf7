//! Metadata of resource types written in Ruby (core types and module types): what the compiler
//! must know to print the catalog Puppet prints. The namevar decides which parameter is dropped
//! when it merely repeats the title; types not listed here use `name`.

/// The namevar of a Ruby resource type whose namevar is not `name`, by capitalised type name
/// (`Concat_file`). From each type's `newparam(:x, namevar: true)` in the Debian modules.
pub fn namevar(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "File" => "path",
        "Exec" => "command",
        "Concat_file" => "path",
        "Apt_key" => "id",
        "Archive" => "path",
        "Datacat_collector" => "path",
        "Mysql_datadir" => "datadir",
        "Rabbitmq_erlang_cookie" => "path",
        "Ssl_pkey" | "X509_cert" | "X509_request" => "path",
        "Vs_port" => "port",
        "Wait_for" => "query",
        "Cs_shadow" => "cib",
        _ => return None,
    })
}

/// The parameters a type's `title_patterns` take from a title (Puppet::Resource#parse_title), for
/// the types that declare patterns beyond the identity: the first matching pattern wins. File's
/// pattern (trailing slashes) is applied by the evaluator, which also aliases the stripped path.
pub fn title_pattern_params(type_name: &str, title: &str) -> Vec<(&'static str, String)> {
    // (pattern, the parameter each capture group sets)
    let patterns: &[(&str, &[&'static str])] = match type_name {
        // sshkeys_core: `name@type`.
        "Sshkey" => &[(r"^(.*?)@(.*)$", &["name", "type"]), (r"^([^@]+)$", &["name"])],
        // alternatives: `name:altlink` (a Windows drive path kept whole).
        "Alternative_entry" => &[
            (r"^([^:]+)$", &["name"]),
            (r"(?i)^(.*):([a-z]:(/|\\).*)$", &["name", "altlink"]),
            (r"^(.*):(.*)$", &["name", "altlink"]),
        ],
        // rabbitmq: `source@destination@vhost`.
        "Rabbitmq_binding" => &[
            (r"(?s)(^([^@]*)$)", &["name"]),
            (r"(?s)^((\S+)@(\S+)@(\S+))$", &["name", "source", "destination", "vhost"]),
        ],
        _ => return Vec::new(),
    };
    for (pattern, names) in patterns {
        let Ok(re) = regex::Regex::new(pattern) else { continue };
        if let Some(c) = re.captures(title) {
            return names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| c.get(i + 1).map(|m| (*n, m.as_str().to_string())))
                .collect();
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_namevars() {
        assert_eq!(super::namevar("Concat_file"), Some("path"));
        assert_eq!(super::namevar("Concat_fragment"), None);
    }
}
