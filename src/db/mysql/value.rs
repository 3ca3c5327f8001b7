//! Result values from the binary protocol, decoded by column type into
//! [`Value`], and the column type's name as MySQL writes it.

use mysql::Column as MyColumn;
use mysql::Value as MyValue;
use mysql::consts::{ColumnFlags, ColumnType};

use crate::db::Value;

/// The character set number of binary strings (`BINARY`, `VARBINARY`, `BLOB`).
const BINARY_CHARSET: u16 = 63;

/// How one column's values are decoded, read once from its metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Date,
    DateTime {
        decimals: u8,
    },
    Time {
        decimals: u8,
    },
    Decimal,
    Json,
    Bit,
    Binary,
    Text,
    /// Numbers and everything the protocol already sends typed.
    Plain,
}

impl Kind {
    pub fn of(column: &MyColumn) -> Kind {
        let decimals = column.decimals().min(6);
        match column.column_type() {
            ColumnType::MYSQL_TYPE_DATE | ColumnType::MYSQL_TYPE_NEWDATE => Kind::Date,
            ColumnType::MYSQL_TYPE_DATETIME
            | ColumnType::MYSQL_TYPE_DATETIME2
            | ColumnType::MYSQL_TYPE_TIMESTAMP
            | ColumnType::MYSQL_TYPE_TIMESTAMP2 => Kind::DateTime { decimals },
            ColumnType::MYSQL_TYPE_TIME | ColumnType::MYSQL_TYPE_TIME2 => Kind::Time { decimals },
            ColumnType::MYSQL_TYPE_DECIMAL | ColumnType::MYSQL_TYPE_NEWDECIMAL => Kind::Decimal,
            ColumnType::MYSQL_TYPE_JSON => Kind::Json,
            ColumnType::MYSQL_TYPE_BIT => Kind::Bit,
            ColumnType::MYSQL_TYPE_GEOMETRY => Kind::Binary,
            _ if column.character_set() == BINARY_CHARSET && is_string(column.column_type()) => {
                Kind::Binary
            }
            t if is_string(t) => Kind::Text,
            _ => Kind::Plain,
        }
    }

    /// One value of a column of this kind.
    pub fn decode(self, value: MyValue) -> Value {
        match value {
            MyValue::NULL => Value::Null,
            MyValue::Int(i) => Value::Int(i),
            MyValue::UInt(u) => i64::try_from(u)
                .map(Value::Int)
                .unwrap_or_else(|_| Value::Numeric(u.to_string())),
            // The shortest text of the f32 read back as f64: 0.1, not 0.10000000149.
            MyValue::Float(f) => Value::Float(f.to_string().parse().unwrap_or(f64::from(f))),
            MyValue::Double(d) => Value::Float(d),
            MyValue::Date(y, mo, d, h, mi, s, us) => match self {
                Kind::Date => Value::Text(format!("{y:04}-{mo:02}-{d:02}")),
                Kind::DateTime { decimals } => Value::Text(format!(
                    "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{}",
                    fraction(us, decimals)
                )),
                _ => Value::Text(format!(
                    "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{}",
                    fraction(us, 6)
                )),
            },
            MyValue::Time(negative, days, h, mi, s, us) => {
                let decimals = match self {
                    Kind::Time { decimals } => decimals,
                    _ => 6,
                };
                let hours = u64::from(days) * 24 + u64::from(h);
                Value::Text(format!(
                    "{}{hours:02}:{mi:02}:{s:02}{}",
                    if negative { "-" } else { "" },
                    fraction(us, decimals)
                ))
            }
            MyValue::Bytes(bytes) => match self {
                Kind::Decimal => Value::Numeric(String::from_utf8_lossy(&bytes).into_owned()),
                Kind::Json => Value::Json(text(bytes)),
                Kind::Binary => Value::Bytes(bytes),
                Kind::Bit => bits(&bytes),
                _ => Value::Text(text(bytes)),
            },
        }
    }
}

fn is_string(t: ColumnType) -> bool {
    matches!(
        t,
        ColumnType::MYSQL_TYPE_VARCHAR
            | ColumnType::MYSQL_TYPE_VAR_STRING
            | ColumnType::MYSQL_TYPE_STRING
            | ColumnType::MYSQL_TYPE_TINY_BLOB
            | ColumnType::MYSQL_TYPE_MEDIUM_BLOB
            | ColumnType::MYSQL_TYPE_LONG_BLOB
            | ColumnType::MYSQL_TYPE_BLOB
            | ColumnType::MYSQL_TYPE_ENUM
            | ColumnType::MYSQL_TYPE_SET
    )
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A BIT value (big-endian bytes) as a number; beyond 64 bits is impossible.
fn bits(bytes: &[u8]) -> Value {
    let n = bytes.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b));
    i64::try_from(n)
        .map(Value::Int)
        .unwrap_or_else(|_| Value::Numeric(n.to_string()))
}

/// `.ffffff` cut to the column's digits; nothing when it has none.
fn fraction(micros: u32, decimals: u8) -> String {
    if decimals == 0 {
        return String::new();
    }
    let digits = format!("{micros:06}");
    format!(".{}", &digits[..usize::from(decimals)])
}

/// The type of a result column as MySQL names it: `int`, `bigint unsigned`,
/// `varchar`, `decimal`, `datetime`, `json`…
pub fn type_name(column: &MyColumn) -> String {
    let flags = column.flags();
    let binary = column.character_set() == BINARY_CHARSET;
    let base = match column.column_type() {
        _ if flags.contains(ColumnFlags::ENUM_FLAG) => "enum",
        _ if flags.contains(ColumnFlags::SET_FLAG) => "set",
        ColumnType::MYSQL_TYPE_TINY => "tinyint",
        ColumnType::MYSQL_TYPE_SHORT => "smallint",
        ColumnType::MYSQL_TYPE_INT24 => "mediumint",
        ColumnType::MYSQL_TYPE_LONG => "int",
        ColumnType::MYSQL_TYPE_LONGLONG => "bigint",
        ColumnType::MYSQL_TYPE_FLOAT => "float",
        ColumnType::MYSQL_TYPE_DOUBLE => "double",
        ColumnType::MYSQL_TYPE_DECIMAL | ColumnType::MYSQL_TYPE_NEWDECIMAL => "decimal",
        ColumnType::MYSQL_TYPE_DATE | ColumnType::MYSQL_TYPE_NEWDATE => "date",
        ColumnType::MYSQL_TYPE_DATETIME | ColumnType::MYSQL_TYPE_DATETIME2 => "datetime",
        ColumnType::MYSQL_TYPE_TIMESTAMP | ColumnType::MYSQL_TYPE_TIMESTAMP2 => "timestamp",
        ColumnType::MYSQL_TYPE_TIME | ColumnType::MYSQL_TYPE_TIME2 => "time",
        ColumnType::MYSQL_TYPE_YEAR => "year",
        ColumnType::MYSQL_TYPE_BIT => "bit",
        ColumnType::MYSQL_TYPE_JSON => "json",
        ColumnType::MYSQL_TYPE_ENUM => "enum",
        ColumnType::MYSQL_TYPE_SET => "set",
        ColumnType::MYSQL_TYPE_GEOMETRY => "geometry",
        ColumnType::MYSQL_TYPE_NULL => "null",
        ColumnType::MYSQL_TYPE_VARCHAR | ColumnType::MYSQL_TYPE_VAR_STRING if binary => "varbinary",
        ColumnType::MYSQL_TYPE_VARCHAR | ColumnType::MYSQL_TYPE_VAR_STRING => "varchar",
        ColumnType::MYSQL_TYPE_STRING if binary => "binary",
        ColumnType::MYSQL_TYPE_STRING => "char",
        ColumnType::MYSQL_TYPE_TINY_BLOB
        | ColumnType::MYSQL_TYPE_MEDIUM_BLOB
        | ColumnType::MYSQL_TYPE_LONG_BLOB
        | ColumnType::MYSQL_TYPE_BLOB
            if binary =>
        {
            "blob"
        }
        ColumnType::MYSQL_TYPE_TINY_BLOB
        | ColumnType::MYSQL_TYPE_MEDIUM_BLOB
        | ColumnType::MYSQL_TYPE_LONG_BLOB
        | ColumnType::MYSQL_TYPE_BLOB => "text",
        _ => "unknown",
    };
    let numeric = matches!(
        column.column_type(),
        ColumnType::MYSQL_TYPE_TINY
            | ColumnType::MYSQL_TYPE_SHORT
            | ColumnType::MYSQL_TYPE_INT24
            | ColumnType::MYSQL_TYPE_LONG
            | ColumnType::MYSQL_TYPE_LONGLONG
    );
    if numeric && flags.contains(ColumnFlags::UNSIGNED_FLAG) {
        format!("{base} unsigned")
    } else {
        base.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(t: ColumnType) -> MyColumn {
        MyColumn::new(t).with_character_set(45)
    }

    #[test]
    fn values_decode_by_column_type() {
        let c = |t| Kind::of(&column(t));
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_LONG).decode(MyValue::Int(-3)),
            Value::Int(-3)
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_LONGLONG).decode(MyValue::UInt(u64::MAX)),
            Value::Numeric("18446744073709551615".into())
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_LONGLONG).decode(MyValue::UInt(7)),
            Value::Int(7)
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_FLOAT).decode(MyValue::Float(0.1)),
            Value::Float(0.1)
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_NEWDECIMAL).decode(MyValue::Bytes(b"12.50".to_vec())),
            Value::Numeric("12.50".into())
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_JSON).decode(MyValue::Bytes(b"{\"a\": 1}".to_vec())),
            Value::Json("{\"a\": 1}".into())
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_VAR_STRING).decode(MyValue::Bytes(b"hi".to_vec())),
            Value::Text("hi".into())
        );
        let binary = MyColumn::new(ColumnType::MYSQL_TYPE_BLOB).with_character_set(63);
        assert_eq!(
            Kind::of(&binary).decode(MyValue::Bytes(vec![0, 255])),
            Value::Bytes(vec![0, 255])
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_BIT).decode(MyValue::Bytes(vec![1, 2])),
            Value::Int(258)
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_YEAR).decode(MyValue::Int(2024)),
            Value::Int(2024)
        );
        assert_eq!(
            c(ColumnType::MYSQL_TYPE_LONG).decode(MyValue::NULL),
            Value::Null
        );
    }

    #[test]
    fn dates_and_times_are_iso_text() {
        let date = Kind::of(&column(ColumnType::MYSQL_TYPE_DATE));
        assert_eq!(
            date.decode(MyValue::Date(2024, 2, 9, 0, 0, 0, 0)),
            Value::Text("2024-02-09".into())
        );
        let dt = Kind::of(&column(ColumnType::MYSQL_TYPE_DATETIME).with_decimals(3));
        assert_eq!(
            dt.decode(MyValue::Date(2024, 2, 9, 13, 5, 7, 120_000)),
            Value::Text("2024-02-09 13:05:07.120".into())
        );
        let ts = Kind::of(&column(ColumnType::MYSQL_TYPE_TIMESTAMP));
        assert_eq!(
            ts.decode(MyValue::Date(2024, 2, 9, 13, 5, 7, 0)),
            Value::Text("2024-02-09 13:05:07".into())
        );
        let time = Kind::of(&column(ColumnType::MYSQL_TYPE_TIME));
        assert_eq!(
            time.decode(MyValue::Time(true, 1, 2, 3, 4, 0)),
            Value::Text("-26:03:04".into())
        );
    }

    #[test]
    fn type_names_are_lowercase_mysql_names() {
        let unsigned =
            column(ColumnType::MYSQL_TYPE_LONGLONG).with_flags(ColumnFlags::UNSIGNED_FLAG);
        assert_eq!(type_name(&unsigned), "bigint unsigned");
        assert_eq!(type_name(&column(ColumnType::MYSQL_TYPE_LONG)), "int");
        assert_eq!(
            type_name(&column(ColumnType::MYSQL_TYPE_VAR_STRING)),
            "varchar"
        );
        assert_eq!(
            type_name(&column(ColumnType::MYSQL_TYPE_NEWDECIMAL)),
            "decimal"
        );
        assert_eq!(
            type_name(&column(ColumnType::MYSQL_TYPE_DATETIME)),
            "datetime"
        );
        let e = column(ColumnType::MYSQL_TYPE_STRING).with_flags(ColumnFlags::ENUM_FLAG);
        assert_eq!(type_name(&e), "enum");
        let vb = MyColumn::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(63);
        assert_eq!(type_name(&vb), "varbinary");
    }
}
