//! Finding the unified diff of a file change: Puppet puts it either in the event message or, with
//! `show_diff`, in a log line whose source is the `content` property of the file resource.

/// The unified diff inside `text`, from its `--- ` header line to the end, when there is one.
pub fn extract(text: &str) -> Option<String> {
    let start = if text.starts_with("--- ") { Some(0) } else { text.find("\n--- ").map(|i| i + 1) }?;
    let diff = &text[start..];
    if diff.contains("\n+++ ") && diff.contains("\n@@") {
        Some(diff.trim_end().to_string())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_a_diff_after_a_newline() {
        let msg = "\n--- /etc/motd\t2026-01-01\n+++ /tmp/puppet-file\t2026-01-01\n@@ -1 +1 @@\n-old\n+new\n";
        assert_eq!(
            super::extract(msg).as_deref(),
            Some("--- /etc/motd\t2026-01-01\n+++ /tmp/puppet-file\t2026-01-01\n@@ -1 +1 @@\n-old\n+new")
        );
        assert_eq!(super::extract("content changed '{sha256}a' to '{sha256}b'"), None);
    }
}
