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

#[cfg(test)]
mod tests {
    #[test]
    fn known_namevars() {
        assert_eq!(super::namevar("Concat_file"), Some("path"));
        assert_eq!(super::namevar("Concat_fragment"), None);
    }
}
