//! Decoding PostgreSQL's binary result format into [`Value`]s.
//!
//! Every column is fetched as raw bytes through [`Raw`] (which accepts every
//! type) and decoded here by type. Types shown as text are rendered the way
//! the server's own output functions render them under `DateStyle = ISO`
//! and `IntervalStyle = postgres`, so a cell reads as it would in psql.
//! Invariant: decoding never panics; bytes that do not fit their type, and
//! types without a decoder, come back as `\x` hex text.

use std::fmt::Write as _;

use postgres::types::{FromSql, Kind, Type};

use crate::db::Value;

/// One cell as the server sent it: the bytes, or `None` for NULL.
pub struct Raw<'a>(pub Option<&'a [u8]>);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(
        _ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(Some(raw)))
    }

    fn from_sql_null(_ty: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(None))
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

/// Session settings that change how values read.
#[derive(Clone, Debug)]
pub struct DecodeSettings {
    /// The session's `TimeZone`, for `timestamptz` and nothing else.
    pub tz: jiff::tz::TimeZone,
}

impl DecodeSettings {
    /// Resolves a `SHOW TimeZone` answer with the system tz database, then
    /// as a POSIX TZ string; `None` when neither knows it.
    pub fn for_zone(name: &str) -> Option<DecodeSettings> {
        let tz = jiff::tz::TimeZone::get(name)
            .or_else(|_| jiff::tz::TimeZone::posix(name))
            .ok()?;
        Some(DecodeSettings { tz })
    }

    /// UTC, the fallback when the session's zone is unknown.
    pub fn utc() -> DecodeSettings {
        DecodeSettings {
            tz: jiff::tz::TimeZone::UTC,
        }
    }
}

/// Decodes one cell of type `ty`.
pub fn decode(ty: &Type, raw: Option<&[u8]>, cx: &DecodeSettings) -> Value {
    match raw {
        None => Value::Null,
        Some(bytes) => decode_value(ty, bytes, cx).unwrap_or_else(|| Value::Text(hex(bytes))),
    }
}

/// `\x` followed by lower-case hex digits, as `bytea_output = hex`.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("\\x");
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn decode_value(ty: &Type, b: &[u8], cx: &DecodeSettings) -> Option<Value> {
    if *ty == Type::INT2_VECTOR || *ty == Type::OID_VECTOR {
        return vector_text(b).map(Value::Text);
    }
    match ty.kind() {
        Kind::Enum(_) => return text(b).map(Value::Text),
        Kind::Domain(base) => return decode_value(base, b, cx),
        Kind::Array(elem) => return array_text(elem, b, cx).map(Value::Text),
        Kind::Range(elem) => return range_text(elem, b, cx).map(Value::Text),
        Kind::Multirange(elem) => return multirange_text(elem, b, cx).map(Value::Text),
        Kind::Composite(fields) => {
            let types: Vec<Type> = fields.iter().map(|f| f.type_().clone()).collect();
            return record_text(Some(&types), b, cx).map(Value::Text);
        }
        Kind::Simple | Kind::Pseudo => {}
        _ => return None,
    }
    Some(match *ty {
        Type::BOOL => Value::Bool(*b.first()? != 0),
        Type::INT2 => Value::Int(i16::from_be_bytes(b.try_into().ok()?).into()),
        Type::INT4 => Value::Int(i32::from_be_bytes(b.try_into().ok()?).into()),
        Type::INT8 => Value::Int(i64::from_be_bytes(b.try_into().ok()?)),
        Type::OID
        | Type::XID
        | Type::CID
        | Type::REGCLASS
        | Type::REGTYPE
        | Type::REGPROC
        | Type::REGPROCEDURE
        | Type::REGOPER
        | Type::REGOPERATOR
        | Type::REGNAMESPACE
        | Type::REGROLE
        | Type::REGCONFIG
        | Type::REGDICTIONARY => Value::Int(u32::from_be_bytes(b.try_into().ok()?).into()),
        Type::XID8 => Value::Int(i64::try_from(u64::from_be_bytes(b.try_into().ok()?)).ok()?),
        // The text PostgreSQL prints: widened to f64, 0.1 would show as
        // 0.10000000149011612.
        Type::FLOAT4 => Value::Numeric(float4_text(f32::from_be_bytes(b.try_into().ok()?))),
        Type::FLOAT8 => Value::Float(f64::from_be_bytes(b.try_into().ok()?)),
        Type::NUMERIC => Value::Numeric(numeric_text(b)?),
        Type::MONEY => Value::Numeric(money_text(i64::from_be_bytes(b.try_into().ok()?))),
        Type::TEXT
        | Type::VARCHAR
        | Type::BPCHAR
        | Type::NAME
        | Type::UNKNOWN
        | Type::XML
        | Type::CHAR
        | Type::REFCURSOR => Value::Text(text(b)?),
        Type::JSON => Value::Json(text(b)?),
        Type::JSONB => Value::Json(text(b.strip_prefix(&[1])?)?),
        Type::JSONPATH => Value::Text(text(b.strip_prefix(&[1])?)?),
        Type::BYTEA => Value::Bytes(b.to_vec()),
        Type::UUID => Value::Text(uuid_text(b)?),
        Type::DATE => Value::Text(date_text(i32::from_be_bytes(b.try_into().ok()?))),
        Type::TIME => Value::Text(time_text(i64::from_be_bytes(b.try_into().ok()?))),
        Type::TIMETZ => Value::Text(timetz_text(b)?),
        Type::TIMESTAMP => Value::Text(timestamp_text(i64::from_be_bytes(b.try_into().ok()?))),
        Type::TIMESTAMPTZ => {
            Value::Text(timestamptz_text(i64::from_be_bytes(b.try_into().ok()?), cx))
        }
        Type::INTERVAL => Value::Text(interval_text(b)?),
        Type::INET | Type::CIDR => Value::Text(inet_text(b)?),
        Type::MACADDR | Type::MACADDR8 => Value::Text(mac_text(b)?),
        Type::BIT | Type::VARBIT => Value::Text(bits_text(b)?),
        Type::PG_LSN => {
            let lsn = u64::from_be_bytes(b.try_into().ok()?);
            Value::Text(format!("{:X}/{:X}", lsn >> 32, lsn & 0xffff_ffff))
        }
        Type::POINT => {
            let (x, y) = (
                f64::from_be_bytes(b.get(..8)?.try_into().ok()?),
                f64::from_be_bytes(b.get(8..16)?.try_into().ok()?),
            );
            Value::Text(format!("({},{})", float_text(x), float_text(y)))
        }
        Type::RECORD => Value::Text(record_text(None, b, cx)?),
        // `void` (a function that returns nothing) is sent as no bytes;
        // psql prints it as an empty cell.
        Type::VOID => Value::Text(String::new()),
        _ if is_text_like(ty) => Value::Text(text(b)?),
        _ => return None,
    })
}

/// Extension types whose binary form is their text.
fn is_text_like(ty: &Type) -> bool {
    ty.name() == "citext"
}

fn text(b: &[u8]) -> Option<String> {
    String::from_utf8(b.to_vec()).ok()
}

/// A small cursor over big-endian fields.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn i16(&mut self) -> Option<i16> {
        Some(i16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes(self.take(2)?.try_into().ok()?))
    }
    fn i32(&mut self) -> Option<i32> {
        Some(i32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A length-prefixed value; `Some(None)` for NULL (length -1).
    fn sized(&mut self) -> Option<Option<&'a [u8]>> {
        match self.i32()? {
            -1 => Some(None),
            n => Some(Some(self.take(usize::try_from(n).ok()?)?)),
        }
    }
}

/// `numeric` from its base-10000 digits, exactly as `numeric_out` writes it.
pub fn numeric_text(b: &[u8]) -> Option<String> {
    let mut r = Reader(b);
    let ndigits = usize::try_from(r.i16()?).ok()?;
    let weight = i32::from(r.i16()?);
    let sign = r.u16()?;
    let dscale = usize::from(r.u16()? & 0x3fff);
    let digits = r.take(ndigits * 2)?;
    match sign {
        0xC000 => return Some("NaN".into()),
        0xD000 => return Some("Infinity".into()),
        0xF000 => return Some("-Infinity".into()),
        0x0000 | 0x4000 => {}
        _ => return None,
    }
    let digit = |i: i32| -> i64 {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i * 2..i * 2 + 2))
            .map_or(0, |d| i64::from(i16::from_be_bytes([d[0], d[1]])))
    };
    let int_groups = usize::try_from(weight + 1).unwrap_or(0);
    let mut s = String::with_capacity(2 + int_groups * 4 + 1 + dscale + 4);
    if sign == 0x4000 {
        s.push('-');
    }
    if weight < 0 {
        s.push('0');
    } else {
        push_int(&mut s, digit(0), 1);
        for i in 1..=weight {
            push_int(&mut s, digit(i), 4);
        }
    }
    if dscale > 0 {
        s.push('.');
        let start = s.len();
        let mut i = weight + 1;
        while s.len() - start < dscale {
            push_int(&mut s, digit(i), 4);
            i += 1;
        }
        s.truncate(start + dscale);
    }
    Some(s)
}

/// Appends `n` in decimal, zero-padded to `width` characters counting the
/// sign, exactly as `write!(s, "{n:0width$}")` would, without formatting
/// machinery.
fn push_int(s: &mut String, n: i64, width: usize) {
    // The common cases: clock fields and base-10000 numeric digit groups.
    let digit = |d: i64| char::from(b'0' + (d % 10) as u8);
    match (width, n) {
        (2, 0..100) => {
            s.push(digit(n / 10));
            s.push(digit(n));
            return;
        }
        (4, 0..10_000) => {
            s.push(digit(n / 1000));
            s.push(digit(n / 100));
            s.push(digit(n / 10));
            s.push(digit(n));
            return;
        }
        _ => {}
    }
    let mut buf = [b'0'; 24];
    let mut i = buf.len();
    let mut rest = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let digits_width = width.saturating_sub(usize::from(n < 0)).min(20);
    let start = i.min(buf.len() - digits_width);
    if n < 0 {
        s.push('-');
    }
    s.extend(buf[start..].iter().map(|&b| char::from(b)));
}

/// `money` as a plain decimal with two places (its digits, without the
/// locale's currency symbol).
pub fn money_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn uuid_text(b: &[u8]) -> Option<String> {
    if b.len() != 16 {
        return None;
    }
    let h = hex(b);
    let h = &h[2..];
    Some(format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))
}

/// Julian day of 2000-01-01, PostgreSQL's epoch.
const PG_EPOCH_JDATE: i64 = 2_451_545;
const USECS_PER_DAY: i64 = 86_400_000_000;

/// Year, month and day of a Julian day (PostgreSQL's `j2date`).
fn j2date(jd: i64) -> (i64, i64, i64) {
    let mut julian = jd + 32044;
    let mut quad = julian.div_euclid(146_097);
    let extra = (julian - quad * 146_097) * 4 + 3;
    julian += 60 + quad * 3 + extra / 146_097;
    quad = julian.div_euclid(1461);
    julian -= quad * 1461;
    let mut y = julian * 4 / 1461;
    julian = if y != 0 {
        (julian + 305) % 365
    } else {
        (julian + 306) % 366
    } + 123;
    y += quad * 4;
    let year = y - 4800;
    let q = julian * 2141 / 65536;
    let day = julian - 7834 * q / 256;
    let month = (q + 10) % 12 + 1;
    (year, month, day)
}

/// `YYYY-MM-DD` and whether the year is BC.
fn ymd(days_since_2000: i64) -> (String, bool) {
    let mut s = String::with_capacity(10);
    let bc = push_ymd(&mut s, days_since_2000);
    (s, bc)
}

/// Appends `YYYY-MM-DD`; true when the date is BC (the year is shown as
/// PostgreSQL does, counting 1 BC as year 1).
fn push_ymd(s: &mut String, days_since_2000: i64) -> bool {
    let (year, month, day) = j2date(days_since_2000 + PG_EPOCH_JDATE);
    let bc = year <= 0;
    let shown = if bc { 1 - year } else { year };
    push_int(s, shown, 4);
    s.push('-');
    push_int(s, month, 2);
    s.push('-');
    push_int(s, day, 2);
    bc
}

/// `date` from days since 2000-01-01.
pub fn date_text(days: i32) -> String {
    match days {
        i32::MAX => "infinity".into(),
        i32::MIN => "-infinity".into(),
        d => {
            let (s, bc) = ymd(d.into());
            if bc { format!("{s} BC") } else { s }
        }
    }
}

/// `HH:MM:SS` with the fraction's trailing zeros dropped.
fn clock(micros: i64) -> String {
    let mut s = String::with_capacity(15);
    push_clock(&mut s, micros);
    s
}

/// Appends `HH:MM:SS[.ffffff]` with the fraction's trailing zeros dropped.
fn push_clock(s: &mut String, micros: i64) {
    let secs = micros / 1_000_000;
    let frac = micros % 1_000_000;
    push_int(s, secs / 3600, 2);
    s.push(':');
    push_int(s, secs / 60 % 60, 2);
    s.push(':');
    push_int(s, secs % 60, 2);
    push_fraction(s, frac);
}

/// Appends `.ffffff` without trailing zeros; nothing for a whole second.
fn push_fraction(s: &mut String, frac_micros: i64) {
    if frac_micros != 0 {
        let mut digits = frac_micros.unsigned_abs();
        let mut width = 6;
        while digits.is_multiple_of(10) {
            digits /= 10;
            width -= 1;
        }
        s.push('.');
        push_int(s, i64::try_from(digits).unwrap_or(i64::MAX), width);
    }
}

/// `time` from microseconds since midnight.
pub fn time_text(micros: i64) -> String {
    clock(micros)
}

/// Appends a UTC offset as PostgreSQL prints it: `+05`, `-03:30`, `+00:19:32`.
fn push_offset(s: &mut String, east_secs: i64) {
    let sign = if east_secs < 0 { '-' } else { '+' };
    let a = east_secs.abs();
    let (h, m, sec) = (a / 3600, a / 60 % 60, a % 60);
    s.push(sign);
    push_int(s, h, 2);
    if (m, sec) != (0, 0) {
        s.push(':');
        push_int(s, m, 2);
    }
    if sec != 0 {
        s.push(':');
        push_int(s, sec, 2);
    }
}

fn timetz_text(b: &[u8]) -> Option<String> {
    let mut r = Reader(b);
    let micros = r.i64()?;
    let west = i64::from(r.i32()?);
    let mut s = clock(micros);
    push_offset(&mut s, -west);
    Some(s)
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` for local microseconds since 2000-01-01,
/// then the UTC offset when given, then ` BC` for dates before year 1.
fn datetime(micros: i64, offset: Option<i64>) -> String {
    let mut s = String::with_capacity(32);
    let bc = push_ymd(&mut s, micros.div_euclid(USECS_PER_DAY));
    s.push(' ');
    push_clock(&mut s, micros.rem_euclid(USECS_PER_DAY));
    if let Some(offset) = offset {
        push_offset(&mut s, offset);
    }
    if bc {
        s.push_str(" BC");
    }
    s
}

/// `timestamp` (without time zone).
pub fn timestamp_text(micros: i64) -> String {
    match micros {
        i64::MAX => "infinity".into(),
        i64::MIN => "-infinity".into(),
        m => datetime(m, None),
    }
}

/// Microseconds between 1970-01-01 and 2000-01-01.
const UNIX_TO_PG_MICROS: i64 = 946_684_800_000_000;

/// `timestamptz`, shown in the session's time zone with its offset.
pub fn timestamptz_text(micros: i64, cx: &DecodeSettings) -> String {
    match micros {
        i64::MAX => "infinity".into(),
        i64::MIN => "-infinity".into(),
        m => {
            let offset = m
                .checked_add(UNIX_TO_PG_MICROS)
                .and_then(|unix| jiff::Timestamp::from_microsecond(unix).ok())
                .map(|ts| i64::from(cx.tz.to_offset(ts).seconds()))
                .unwrap_or(0);
            let local = m.saturating_add(offset * 1_000_000);
            datetime(local, Some(offset))
        }
    }
}

/// `interval` in `IntervalStyle = postgres`: `1 year 2 mons 3 days 04:05:06`.
pub fn interval_text(b: &[u8]) -> Option<String> {
    let mut r = Reader(b);
    let time = r.i64()?;
    let days = i64::from(r.i32()?);
    let months = i64::from(r.i32()?);
    let mut s = String::new();
    let mut is_zero = true;
    let mut is_before = false;
    for (value, unit) in [(months / 12, "year"), (months % 12, "mon"), (days, "day")] {
        if value == 0 {
            continue;
        }
        let _ = write!(
            s,
            "{}{}{value} {unit}{}",
            if is_zero { "" } else { " " },
            if is_before && value > 0 { "+" } else { "" },
            if value != 1 { "s" } else { "" }
        );
        is_before = value < 0;
        is_zero = false;
    }
    let hour = time / 3_600_000_000;
    let min = time / 60_000_000 % 60;
    let sec = time / 1_000_000 % 60;
    let fsec = time % 1_000_000;
    if is_zero || time != 0 {
        let minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
        let _ = write!(
            s,
            "{}{}{:02}:{:02}:{:02}",
            if is_zero { "" } else { " " },
            if minus {
                "-"
            } else if is_before {
                "+"
            } else {
                ""
            },
            hour.abs(),
            min.abs(),
            sec.abs()
        );
        push_fraction(&mut s, fsec);
    }
    Some(s)
}

fn inet_text(b: &[u8]) -> Option<String> {
    let mut r = Reader(b);
    let family = r.u8()?;
    let bits = r.u8()?;
    let is_cidr = r.u8()? != 0;
    let len = usize::from(r.u8()?);
    let addr = r.take(len)?;
    let (text, max) = match (family, len) {
        (2, 4) => (
            std::net::Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]).to_string(),
            32,
        ),
        (3, 16) => {
            let a: [u8; 16] = addr.try_into().ok()?;
            (std::net::Ipv6Addr::from(a).to_string(), 128)
        }
        _ => return None,
    };
    Some(if is_cidr || bits != max {
        format!("{text}/{bits}")
    } else {
        text
    })
}

fn mac_text(b: &[u8]) -> Option<String> {
    if b.len() != 6 && b.len() != 8 {
        return None;
    }
    Some(
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

fn bits_text(b: &[u8]) -> Option<String> {
    let mut r = Reader(b);
    let n = usize::try_from(r.i32()?).ok()?;
    let bytes = r.0;
    if bytes.len() * 8 < n {
        return None;
    }
    Some(
        (0..n)
            .map(|i| {
                if bytes[i / 8] & (0x80 >> (i % 8)) != 0 {
                    '1'
                } else {
                    '0'
                }
            })
            .collect(),
    )
}

/// A float as `float8out` writes it (shortest exact digits, exponent for
/// very large or small magnitudes).
pub fn float_text(f: f64) -> String {
    shortest_text(f, 15)
}

/// A `real` as `float4out` writes it: the shortest digits that read back as
/// the same `f32` (`0.1`, not the `0.10000000149011612` of its widened
/// `f64`), with an exponent from 10^6 up.
pub fn float4_text(f: f32) -> String {
    shortest_text(f, 6)
}

/// PostgreSQL's float text: `NaN`, `Infinity`, `-0`, plain digits for
/// decimal exponents from -4 to below `plain_below`, else `1.5e+20`.
fn shortest_text<F>(f: F, plain_below: i32) -> String
where
    F: Copy + Into<f64> + std::fmt::Display + std::fmt::LowerExp,
{
    let wide: f64 = f.into();
    if wide.is_nan() {
        return "NaN".into();
    }
    if wide.is_infinite() {
        return if wide > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if wide == 0.0 {
        return if wide.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Rust prints the shortest digits that round-trip in the value's own type.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..plain_below).contains(&exp) {
        format!("{f}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

/// How a decoded element reads inside an array, record or range literal.
fn element_text(v: Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Bool(b) => if b { "t" } else { "f" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => float_text(f),
        Value::Numeric(s) | Value::Text(s) | Value::Json(s) => s,
        Value::Bytes(b) => hex(&b),
    }
}

fn decode_element(ty: &Type, raw: Option<&[u8]>, cx: &DecodeSettings) -> Option<String> {
    raw.map(|b| element_text(decode(ty, Some(b), cx)))
}

/// Quotes `s` with `"` when it holds any of `special`, whitespace, or is
/// empty; `double` escapes `"` and `\` by doubling (records, ranges) instead
/// of with a backslash (arrays).
fn quote(s: &str, special: &str, force: bool, double: bool) -> String {
    let needs = force
        || s.is_empty()
        || s.chars()
            .any(|c| special.contains(c) || c.is_ascii_whitespace());
    if !needs {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push(if double { c } else { '\\' });
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn array_text(elem: &Type, b: &[u8], cx: &DecodeSettings) -> Option<String> {
    let mut r = Reader(b);
    let ndim = usize::try_from(r.i32()?).ok()?;
    let _has_null = r.i32()?;
    let _elem_oid = r.u32()?;
    if ndim == 0 {
        return Some("{}".into());
    }
    let mut dims = Vec::with_capacity(ndim);
    for _ in 0..ndim {
        dims.push((usize::try_from(r.i32()?).ok()?, r.i32()?));
    }
    let mut out = String::new();
    if dims.iter().any(|&(_, lower)| lower != 1) {
        for &(len, lower) in &dims {
            let upper = i64::from(lower) + i64::try_from(len).ok()? - 1;
            let _ = write!(out, "[{lower}:{upper}]");
        }
        out.push('=');
    }
    array_level(&mut r, elem, &dims, cx, &mut out)?;
    Some(out)
}

fn array_level(
    r: &mut Reader<'_>,
    elem: &Type,
    dims: &[(usize, i32)],
    cx: &DecodeSettings,
    out: &mut String,
) -> Option<()> {
    let (&(len, _), rest) = dims.split_first()?;
    out.push('{');
    for i in 0..len {
        if i > 0 {
            out.push(',');
        }
        if rest.is_empty() {
            match decode_element(elem, r.sized()?, cx) {
                None => out.push_str("NULL"),
                Some(s) => {
                    let force = s.eq_ignore_ascii_case("NULL");
                    out.push_str(&quote(&s, "{},\"\\", force, false));
                }
            }
        } else {
            array_level(r, elem, rest, cx, out)?;
        }
    }
    out.push('}');
    Some(())
}

/// `int2vector` and `oidvector`: a one-dimensional array of integers,
/// written space-separated.
fn vector_text(b: &[u8]) -> Option<String> {
    let mut r = Reader(b);
    let ndim = r.i32()?;
    let _has_null = r.i32()?;
    let elem = r.u32()?;
    if ndim == 0 {
        return Some(String::new());
    }
    let len = usize::try_from(r.i32()?).ok()?;
    let _lower = r.i32()?;
    let mut parts = Vec::with_capacity(len);
    for _ in 0..len {
        let v = r.sized()??;
        parts.push(match elem {
            21 => i16::from_be_bytes(v.try_into().ok()?).to_string(),
            _ => u32::from_be_bytes(v.try_into().ok()?).to_string(),
        });
    }
    Some(parts.join(" "))
}

/// A record or composite: `(a,"b c",)`. Field types come from the type
/// (composites) or from the data (anonymous records, built-in types only).
fn record_text(types: Option<&[Type]>, b: &[u8], cx: &DecodeSettings) -> Option<String> {
    let mut r = Reader(b);
    let n = usize::try_from(r.i32()?).ok()?;
    let mut out = String::from("(");
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        let oid = r.u32()?;
        let raw = r.sized()?;
        let ty = match types.and_then(|t| t.get(i)) {
            Some(t) => Some(t.clone()),
            None => Type::from_oid(oid),
        };
        let s = match ty {
            Some(ty) => decode_element(&ty, raw, cx),
            None => raw.map(hex),
        };
        if let Some(s) = s {
            out.push_str(&quote(&s, "(),\"\\", false, true));
        }
    }
    out.push(')');
    Some(out)
}

fn range_text(elem: &Type, b: &[u8], cx: &DecodeSettings) -> Option<String> {
    let mut r = Reader(b);
    let flags = r.u8()?;
    if flags & 0x01 != 0 {
        return Some("empty".into());
    }
    let mut bound = |present: bool| -> Option<String> {
        if !present {
            return Some(String::new());
        }
        let raw = r.sized()?;
        let s = decode_element(elem, raw, cx).unwrap_or_default();
        Some(quote(&s, "()[],\"\\", false, true))
    };
    let lower = bound(flags & 0x08 == 0)?;
    let upper = bound(flags & 0x10 == 0)?;
    Some(format!(
        "{}{lower},{upper}{}",
        if flags & 0x02 != 0 { '[' } else { '(' },
        if flags & 0x04 != 0 { ']' } else { ')' }
    ))
}

fn multirange_text(elem: &Type, b: &[u8], cx: &DecodeSettings) -> Option<String> {
    let mut r = Reader(b);
    let n = r.i32()?;
    let mut parts = Vec::new();
    for _ in 0..n {
        parts.push(range_text(elem, r.sized()??, cx)?);
    }
    Some(format!("{{{}}}", parts.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> DecodeSettings {
        DecodeSettings::utc()
    }

    fn d(ty: &Type, b: &[u8]) -> Value {
        decode(ty, Some(b), &cx())
    }

    fn t(ty: &Type, b: &[u8]) -> String {
        match d(ty, b) {
            Value::Text(s) | Value::Numeric(s) | Value::Json(s) => s,
            other => panic!("not text: {other:?}"),
        }
    }

    /// The binary `numeric` for (weight, sign, dscale, digits).
    fn numeric(weight: i16, sign: u16, dscale: u16, digits: &[i16]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend((digits.len() as i16).to_be_bytes());
        b.extend(weight.to_be_bytes());
        b.extend(sign.to_be_bytes());
        b.extend(dscale.to_be_bytes());
        for x in digits {
            b.extend(x.to_be_bytes());
        }
        b
    }

    #[test]
    fn scalars() {
        assert_eq!(decode(&Type::INT4, None, &cx()), Value::Null);
        assert_eq!(d(&Type::BOOL, &[1]), Value::Bool(true));
        assert_eq!(d(&Type::INT2, &(-5i16).to_be_bytes()), Value::Int(-5));
        assert_eq!(
            d(&Type::INT8, &i64::MAX.to_be_bytes()),
            Value::Int(i64::MAX)
        );
        assert_eq!(
            d(&Type::OID, &u32::MAX.to_be_bytes()),
            Value::Int(4_294_967_295)
        );
        assert_eq!(
            d(&Type::FLOAT4, &1.5f32.to_be_bytes()),
            Value::Numeric("1.5".into())
        );
        assert!(matches!(d(&Type::FLOAT8, &f64::NAN.to_be_bytes()), Value::Float(f) if f.is_nan()));
        assert_eq!(
            d(&Type::TEXT, "héllo".as_bytes()),
            Value::Text("héllo".into())
        );
        assert_eq!(
            d(&Type::JSON, b"{\"a\": 1}"),
            Value::Json("{\"a\": 1}".into())
        );
        assert_eq!(
            d(&Type::JSONB, b"\x01{\"a\": 1}"),
            Value::Json("{\"a\": 1}".into())
        );
        assert_eq!(d(&Type::BYTEA, &[0, 255]), Value::Bytes(vec![0, 255]));
        assert_eq!(
            d(&Type::MONEY, &(-123456i64).to_be_bytes()),
            Value::Numeric("-1234.56".into())
        );
        assert_eq!(
            t(
                &Type::UUID,
                &[
                    0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd,
                    0x38, 0x0a, 0x11
                ]
            ),
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
        );
        assert_eq!(
            t(&Type::PG_LSN, &0x0000_0001_6B37_4D48u64.to_be_bytes()),
            "1/6B374D48"
        );
    }

    #[test]
    fn malformed_bytes_become_hex() {
        assert_eq!(d(&Type::INT4, &[1, 2]), Value::Text("\\x0102".into()));
        assert_eq!(d(&Type::JSONB, b"{}"), Value::Text("\\x7b7d".into()));
        assert_eq!(d(&Type::TS_VECTOR, &[0xab]), Value::Text("\\xab".into()));
    }

    #[test]
    fn numerics() {
        assert_eq!(numeric_text(&numeric(0, 0, 0, &[])).unwrap(), "0");
        assert_eq!(numeric_text(&numeric(0, 0, 2, &[])).unwrap(), "0.00");
        // 12345.678
        assert_eq!(
            numeric_text(&numeric(1, 0, 3, &[1, 2345, 6780])).unwrap(),
            "12345.678"
        );
        // -0.00012
        assert_eq!(
            numeric_text(&numeric(-1, 0x4000, 5, &[1, 2000])).unwrap(),
            "-0.00012"
        );
        // 1e8 stored as a single digit group with weight 2
        assert_eq!(numeric_text(&numeric(2, 0, 0, &[1])).unwrap(), "100000000");
        assert_eq!(numeric_text(&numeric(0, 0xC000, 0, &[])).unwrap(), "NaN");
        assert_eq!(
            numeric_text(&numeric(0, 0xD000, 0, &[])).unwrap(),
            "Infinity"
        );
        assert_eq!(
            numeric_text(&numeric(0, 0xF000, 0, &[])).unwrap(),
            "-Infinity"
        );
        assert_eq!(t(&Type::NUMERIC, &numeric(0, 0, 1, &[3, 1400])), "3.1");
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(date_text(0), "2000-01-01");
        assert_eq!(date_text(-1), "1999-12-31");
        assert_eq!(date_text(9190), "2025-02-28");
        assert_eq!(date_text(i32::MAX), "infinity");
        assert_eq!(date_text(i32::MIN), "-infinity");
        // day counts as the server computes them ('0044-03-15 BC'::date - '2000-01-01')
        assert_eq!(date_text(-746_117), "0044-03-15 BC");
        assert_eq!(date_text(-2_451_179), "4713-11-24 BC");
        assert_eq!(date_text(2_145_031_948), "5874897-12-31");
        assert_eq!(time_text(45_296_500_000), "12:34:56.5");
        assert_eq!(time_text(0), "00:00:00");
        let mut tz = 45_296_000_000i64.to_be_bytes().to_vec();
        tz.extend((-19800i32).to_be_bytes());
        assert_eq!(t(&Type::TIMETZ, &tz), "12:34:56+05:30");
        assert_eq!(timestamp_text(0), "2000-01-01 00:00:00");
        assert_eq!(timestamp_text(-1), "1999-12-31 23:59:59.999999");
        assert_eq!(timestamp_text(i64::MIN), "-infinity");
        assert_eq!(timestamptz_text(0, &cx()), "2000-01-01 00:00:00+00");
        let paris = DecodeSettings::for_zone("Europe/Paris").unwrap();
        assert_eq!(timestamptz_text(0, &paris), "2000-01-01 01:00:00+01");
        let posix = DecodeSettings::for_zone("<+0330>-03:30").unwrap();
        assert_eq!(timestamptz_text(0, &posix), "2000-01-01 03:30:00+03:30");
        assert!(DecodeSettings::for_zone("No/Such_Zone").is_none());
    }

    fn interval(micros: i64, days: i32, months: i32) -> String {
        let mut b = micros.to_be_bytes().to_vec();
        b.extend(days.to_be_bytes());
        b.extend(months.to_be_bytes());
        interval_text(&b).unwrap()
    }

    #[test]
    fn intervals_in_postgres_style() {
        assert_eq!(
            interval(14_706_000_000, 3, 14),
            "1 year 2 mons 3 days 04:05:06"
        );
        assert_eq!(interval(0, 0, 0), "00:00:00");
        assert_eq!(interval(0, 1, 0), "1 day");
        assert_eq!(interval(-3_600_000_000, 0, 0), "-01:00:00");
        assert_eq!(interval(1_500_000, -2, 0), "-2 days +00:00:01.5");
        assert_eq!(interval(0, 0, -13), "-1 years -1 mons");
    }

    #[test]
    fn network_and_bits() {
        assert_eq!(
            t(&Type::INET, &[2, 32, 0, 4, 192, 168, 0, 1]),
            "192.168.0.1"
        );
        assert_eq!(
            t(&Type::INET, &[2, 24, 0, 4, 192, 168, 0, 1]),
            "192.168.0.1/24"
        );
        assert_eq!(t(&Type::CIDR, &[2, 8, 1, 4, 10, 0, 0, 0]), "10.0.0.0/8");
        let mut v6 = vec![3, 128, 0, 16];
        v6.extend(std::net::Ipv6Addr::LOCALHOST.octets());
        assert_eq!(t(&Type::INET, &v6), "::1");
        assert_eq!(
            t(&Type::MACADDR, &[8, 0, 0x2b, 1, 2, 3]),
            "08:00:2b:01:02:03"
        );
        let mut bits = 5i32.to_be_bytes().to_vec();
        bits.push(0b1010_1000);
        assert_eq!(t(&Type::VARBIT, &bits), "10101");
    }

    fn sized(b: &[u8]) -> Vec<u8> {
        let mut v = (b.len() as i32).to_be_bytes().to_vec();
        v.extend(b);
        v
    }

    fn array(elem_oid: u32, dims: &[(i32, i32)], elems: &[Option<&[u8]>]) -> Vec<u8> {
        let mut b = (dims.len() as i32).to_be_bytes().to_vec();
        b.extend(0i32.to_be_bytes());
        b.extend(elem_oid.to_be_bytes());
        for (len, lower) in dims {
            b.extend(len.to_be_bytes());
            b.extend(lower.to_be_bytes());
        }
        for e in elems {
            match e {
                Some(x) => b.extend(sized(x)),
                None => b.extend((-1i32).to_be_bytes()),
            }
        }
        b
    }

    #[test]
    fn arrays_in_literal_form() {
        let b = array(
            25,
            &[(5, 1)],
            &[
                Some(b"a"),
                Some(b"c d"),
                None,
                Some(b"null"),
                Some(b"q\"\\"),
            ],
        );
        assert_eq!(t(&Type::TEXT_ARRAY, &b), r#"{a,"c d",NULL,"null","q\"\\"}"#);
        let one = 1i32.to_be_bytes();
        let two = 2i32.to_be_bytes();
        let b = array(
            23,
            &[(2, 1), (2, 1)],
            &[Some(&one), Some(&two), Some(&two), Some(&one)],
        );
        assert_eq!(t(&Type::INT4_ARRAY, &b), "{{1,2},{2,1}}");
        let b = array(23, &[(2, 0)], &[Some(&one), Some(&two)]);
        assert_eq!(t(&Type::INT4_ARRAY, &b), "[0:1]={1,2}");
        assert_eq!(t(&Type::INT4_ARRAY, &array(23, &[], &[])), "{}");
        let b = array(16, &[(2, 1)], &[Some(&[1]), Some(&[0])]);
        assert_eq!(t(&Type::BOOL_ARRAY, &b), "{t,f}");
        let b = array(
            701,
            &[(2, 1)],
            &[
                Some(&f64::INFINITY.to_be_bytes()),
                Some(&1e300f64.to_be_bytes()),
            ],
        );
        assert_eq!(t(&Type::FLOAT8_ARRAY, &b), "{Infinity,1e+300}");
    }

    #[test]
    fn records_and_ranges() {
        let mut b = 3i32.to_be_bytes().to_vec();
        b.extend(23u32.to_be_bytes());
        b.extend(sized(&7i32.to_be_bytes()));
        b.extend(25u32.to_be_bytes());
        b.extend(sized(b"a \"b\""));
        b.extend(25u32.to_be_bytes());
        b.extend((-1i32).to_be_bytes());
        assert_eq!(t(&Type::RECORD, &b), r#"(7,"a ""b""",)"#);
        let mut unknown = 1i32.to_be_bytes().to_vec();
        unknown.extend(999_999u32.to_be_bytes());
        unknown.extend(sized(&[0xab]));
        assert_eq!(t(&Type::RECORD, &unknown), r#"("\\xab")"#);
        let one = 1i16.to_be_bytes();
        let two = 2i16.to_be_bytes();
        assert_eq!(
            t(
                &Type::INT2_VECTOR,
                &array(21, &[(2, 0)], &[Some(&one), Some(&two)])
            ),
            "1 2"
        );

        let mut r = vec![0x02];
        r.extend(sized(&1i32.to_be_bytes()));
        r.extend(sized(&5i32.to_be_bytes()));
        assert_eq!(t(&Type::INT4_RANGE, &r), "[1,5)");
        assert_eq!(t(&Type::INT4_RANGE, &[0x01]), "empty");
        let mut open = vec![0x08 | 0x04];
        open.extend(sized(&0i32.to_be_bytes()));
        assert_eq!(t(&Type::DATE_RANGE, &open), "(,2000-01-01]");
        let mut m = 1i32.to_be_bytes().to_vec();
        m.extend(sized(&r));
        assert_eq!(t(&Type::INT4MULTI_RANGE, &m), "{[1,5)}");
    }

    #[test]
    fn push_int_matches_std_formatting() {
        let values = [
            0,
            1,
            -1,
            5,
            -5,
            9,
            10,
            99,
            -99,
            100,
            9999,
            -9999,
            10_000,
            123_456_789,
            i64::MAX,
            i64::MIN + 1,
            i64::MIN,
        ];
        for n in values {
            for width in 0..=8 {
                let mut s = String::from("x");
                push_int(&mut s, n, width);
                assert_eq!(s, format!("x{n:0width$}"), "{n} width {width}");
            }
        }
    }

    /// The binary `numeric` for `unscaled / 10^dscale`, grouped on the
    /// decimal point as the server does.
    fn numeric_of(unscaled: i128, dscale: u16) -> Vec<u8> {
        let digits = unscaled.unsigned_abs().to_string();
        let scale = usize::from(dscale);
        let digits = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = digits.split_at(digits.len() - scale);
        let int = format!("{int:0>width$}", width = int.len().div_ceil(4) * 4);
        let frac = format!("{frac:0<width$}", width = frac.len().div_ceil(4) * 4);
        let mut groups: Vec<i16> = format!("{int}{frac}")
            .as_bytes()
            .chunks(4)
            .map(|g| std::str::from_utf8(g).unwrap().parse().unwrap())
            .collect();
        let mut weight = (int.len() / 4) as i16 - 1;
        while groups.first() == Some(&0) {
            groups.remove(0);
            weight -= 1;
        }
        while groups.last() == Some(&0) {
            groups.pop();
        }
        if groups.is_empty() {
            weight = 0;
        }
        numeric(
            weight,
            if unscaled < 0 { 0x4000 } else { 0 },
            dscale,
            &groups,
        )
    }

    /// `unscaled / 10^dscale` written with std formatting, the expected text.
    fn decimal(unscaled: i128, dscale: u16) -> String {
        let scale = u32::from(dscale);
        let p = 10u128.pow(scale);
        let a = unscaled.unsigned_abs();
        let sign = if unscaled < 0 { "-" } else { "" };
        if scale == 0 {
            format!("{sign}{a}")
        } else {
            format!("{sign}{}.{:0w$}", a / p, a % p, w = scale as usize)
        }
    }

    #[test]
    fn numerics_match_a_decimal_oracle() {
        let values = [
            0i128,
            1,
            -1,
            7,
            99_999,
            -100_000,
            123_456_789,
            -98_765_432_101,
            10_000_000_000,
            999_999_999_999_999_999,
            -1_000_000_000_000_000_001,
        ];
        for unscaled in values {
            for dscale in [0u16, 1, 2, 3, 4, 5, 8, 9, 12] {
                let b = numeric_of(unscaled, dscale);
                assert_eq!(
                    numeric_text(&b).unwrap(),
                    decimal(unscaled, dscale),
                    "{unscaled} scale {dscale}"
                );
            }
        }
        // Truncated digit bytes are malformed, not read past the end.
        let mut short = numeric(0, 0, 0, &[1, 2]);
        short.pop();
        assert_eq!(numeric_text(&short), None);
        assert_eq!(numeric_text(&numeric(0, 0x1234, 0, &[1])), None);
    }

    /// The server's text for a timestamp, from jiff's calendar and std formatting.
    fn expected_datetime(micros: i64, zone: &jiff::tz::TimeZone, with_offset: bool) -> String {
        let ts = jiff::Timestamp::from_microsecond(micros + UNIX_TO_PG_MICROS).unwrap();
        let offset = zone.to_offset(ts).seconds();
        let dt = zone.to_datetime(ts);
        let year = i64::from(dt.year());
        let (shown, bc) = if year <= 0 {
            (1 - year, " BC")
        } else {
            (year, "")
        };
        let mut s = format!(
            "{shown:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        let frac = dt.subsec_nanosecond() / 1000;
        if frac != 0 {
            s.push_str(format!(".{frac:06}").trim_end_matches('0'));
        }
        if with_offset {
            let a = offset.abs();
            s.push_str(&format!(
                "{}{:02}",
                if offset < 0 { '-' } else { '+' },
                a / 3600
            ));
            if a % 3600 != 0 {
                s.push_str(&format!(":{:02}", a / 60 % 60));
            }
            if a % 60 != 0 {
                s.push_str(&format!(":{:02}", a % 60));
            }
        }
        s.push_str(bc);
        s
    }

    #[test]
    fn timestamps_match_jiff_across_eras_and_zones() {
        let day = USECS_PER_DAY;
        let mut samples = vec![0i64, 1, -1, 999_999, 1_000_000, 120_500];
        // 1 BC … 9999 AD, about every 97 days and a few seconds.
        let mut m = -63_000 * 365 * day / 100;
        while m < 7_900 * 365 * day {
            samples.push(m);
            m += 97 * day + 3_723_000_123;
        }
        samples.push(-730_485 * day - 1); // 0001-12-31 23:59:59.999999 BC
        samples.push(2_914_000 * day + 86_399_999_999); // 9978
        let utc = jiff::tz::TimeZone::UTC;
        for &micros in &samples {
            assert_eq!(
                timestamp_text(micros),
                expected_datetime(micros, &utc, false),
                "{micros}"
            );
        }
        for zone in [
            "UTC",
            "Europe/Paris",
            "America/St_Johns",
            "Asia/Kolkata",
            "Europe/Amsterdam",
            "Pacific/Chatham",
        ] {
            let cx = DecodeSettings::for_zone(zone).unwrap();
            for &micros in &samples {
                assert_eq!(
                    timestamptz_text(micros, &cx),
                    expected_datetime(micros, &cx.tz, true),
                    "{zone} {micros}"
                );
            }
        }
        // Amsterdam's local mean time before 1937 has seconds in its offset.
        let ams = DecodeSettings::for_zone("Europe/Amsterdam").unwrap();
        assert_eq!(
            timestamptz_text(-36_524 * day, &ams),
            "1900-01-01 00:19:32+00:19:32"
        );
        assert_eq!(timestamptz_text(i64::MAX, &ams), "infinity");
        assert_eq!(timestamptz_text(i64::MIN, &ams), "-infinity");
    }

    #[test]
    fn floats_as_the_server_writes_them() {
        assert_eq!(float_text(1.5), "1.5");
        assert_eq!(float_text(0.0001), "0.0001");
        assert_eq!(float_text(0.00001), "1e-05");
        assert_eq!(float_text(123456789012345.0), "123456789012345");
        assert_eq!(float_text(1e15), "1e+15");
        assert_eq!(float_text(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(float4_text(0.1), "0.1");
        assert_eq!(float4_text(-1.1), "-1.1");
        assert_eq!(float4_text(123456.0), "123456");
        assert_eq!(float4_text(1234567.0), "1.234567e+06");
        assert_eq!(float4_text(1e7), "1e+07");
        assert_eq!(float4_text(0.0001), "0.0001");
        assert_eq!(float4_text(1.5e-5), "1.5e-05");
        assert_eq!(float4_text(f32::MAX), "3.4028235e+38");
        assert_eq!(float4_text(-0.0), "-0");
        assert_eq!(float4_text(f32::NAN), "NaN");
    }
}
