//! Ruby regex features the `regex` crate lacks, approximated so that real modules' type aliases
//! still compile: look-around groups are dropped (the pattern then accepts a superset, which is
//! harmless for the anchored validation patterns stdlib uses them in).

/// Removes `(?!…)`, `(?=…)`, `(?<!…)` and `(?<=…)` groups, honouring nesting and escapes.
pub fn drop_lookaround(pattern: &str) -> String {
    let b = pattern.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            out.push_str(&pattern[i..i + 2]);
            i += 2;
            continue;
        }
        let rest = &pattern[i..];
        if rest.starts_with("(?!")
            || rest.starts_with("(?=")
            || rest.starts_with("(?<!")
            || rest.starts_with("(?<=")
        {
            let mut depth = 0;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn drops_groups() {
        assert_eq!(super::drop_lookaround(r"^([0-9](?!\d)|1[0-9](?!\d))$"), r"^([0-9]|1[0-9])$");
    }
}
