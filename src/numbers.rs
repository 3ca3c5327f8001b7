//! Numbers written for people: digits grouped by thousands, and a count
//! with its noun in the right number. Plain functions on plain values, so
//! any module may use them.

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun that agrees with it: `counted(1, "row", "rows")` is
/// `1 row`, `counted(3, "row", "rows")` is `3 rows`.
pub fn counted(n: u64, one: &str, many: &str) -> String {
    let noun = if n == 1 { one } else { many };
    format!("{n} {noun}")
}

/// Sizes the way PostgreSQL's `pg_size_pretty` prints them: `8192 bytes`,
/// `16 kB`, `3 MB` (binary units, half rounded up, next unit from 10 kB/20 kB).
pub fn pg_size(bytes: i64) -> String {
    const UNITS: [(&str, i64); 6] = [
        ("bytes", 10 * 1024),
        ("kB", 20 * 1024 - 1),
        ("MB", 20 * 1024 - 1),
        ("GB", 20 * 1024 - 1),
        ("TB", 20 * 1024 - 1),
        ("PB", 20 * 1024 - 1),
    ];
    let mut size = bytes;
    for (i, (name, limit)) in UNITS.iter().enumerate() {
        if i + 1 == UNITS.len() || size.unsigned_abs() < limit.unsigned_abs() {
            if i > 0 {
                size = (size + if size < 0 { -1 } else { 1 }) / 2;
            }
            return format!("{size} {name}");
        }
        // Every unit after bytes rounds half up, so it is reached in half units.
        size /= if i == 0 { 1 << 9 } else { 1 << 10 };
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn the_noun_agrees_with_the_count() {
        assert_eq!(counted(0, "row", "rows"), "0 rows");
        assert_eq!(counted(1, "row", "rows"), "1 row");
        assert_eq!(counted(2, "try", "tries"), "2 tries");
    }

    #[test]
    fn sizes_print_like_pg_size_pretty() {
        let cases = [
            (0, "0 bytes"),
            (8192, "8192 bytes"),
            (10239, "10239 bytes"),
            (10240, "10 kB"),
            (16384, "16 kB"),
            (1_572_864, "1536 kB"),
            (20_971_520, "20 MB"),
            (10_736_369_664, "10239 MB"),
            (10_737_418_240, "10 GB"),
            (21_474_836_480, "20 GB"),
            (-16384, "-16 kB"),
        ];
        for (bytes, want) in cases {
            assert_eq!(pg_size(bytes), want, "{bytes}");
        }
    }
}
