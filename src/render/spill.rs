//! The pager's row store: rows stay in memory up to a bound on their size
//! (what they take on the heap, not how many they are), and every row after
//! that spills to a private temporary file in a compact encoding, so paging
//! to the end of millions of rows keeps memory flat.
//!
//! The memory rows are always the first ones; the file holds the rest in
//! order. An index keeps the file offset of every [`STRIDE`]-th spilled row,
//! so reading a page back seeks once and decodes at most `STRIDE - 1` rows
//! it does not need. The file is unlinked as it is created (`tempfile`), so
//! nothing is left behind on any exit, and it is closed when the store is
//! dropped. Invariant: rows come back exactly as they went in.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::sync::OnceLock;

use crate::db::{Row, Value};

/// Row bytes kept in memory before rows spill to a file, unless
/// `GLANCE_PAGER_MEMORY` says otherwise.
pub const DEFAULT_MEMORY: usize = 24 << 20;

/// Every how many spilled rows the file offset is indexed.
const STRIDE: usize = 64;

/// Encoded rows are written to the file in pieces of about this size.
const WRITE_BUFFER: usize = 256 << 10;

/// What the allocator adds to every block (a rough, typical figure).
const BLOCK_OVERHEAD: usize = 16;

/// The bound on in-memory row bytes: `GLANCE_PAGER_MEMORY` (bytes), read
/// once, or [`DEFAULT_MEMORY`]. The variable is a tuning and test knob.
pub fn memory_limit() -> usize {
    static LIMIT: OnceLock<usize> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("GLANCE_PAGER_MEMORY")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_MEMORY)
    })
}

/// What `row` takes on the heap, roughly: its slot in the store, its values
/// and the text or bytes they own, each block with the allocator's overhead.
pub fn row_bytes(row: &Row) -> usize {
    let values =
        std::mem::size_of::<Row>() + row.capacity() * std::mem::size_of::<Value>() + BLOCK_OVERHEAD;
    let owned: usize = row
        .iter()
        .map(|value| match value {
            Value::Numeric(s) | Value::Text(s) | Value::Json(s) => s.capacity() + BLOCK_OVERHEAD,
            Value::Bytes(b) => b.capacity() + BLOCK_OVERHEAD,
            Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => 0,
        })
        .sum();
    values + owned
}

/// Rows in arrival order: the first in memory, the rest in a file.
pub struct RowStore {
    memory: Vec<Row>,
    memory_bytes: usize,
    limit: usize,
    spill: Option<Spill>,
}

/// The spilled rows.
struct Spill {
    /// Positioned at its end except inside [`Spill::read`].
    file: File,
    /// Encoded rows not yet written.
    pending: Vec<u8>,
    /// Bytes in the file.
    written: u64,
    /// Offset (file plus pending) of spilled rows 0, STRIDE, 2·STRIDE, …
    marks: Vec<u64>,
    rows: usize,
}

impl RowStore {
    /// A store keeping at most `limit` row bytes in memory.
    pub fn new(limit: usize) -> RowStore {
        RowStore {
            memory: Vec::new(),
            memory_bytes: 0,
            limit,
            spill: None,
        }
    }

    /// Rows stored so far.
    pub fn len(&self) -> usize {
        self.memory.len() + self.spill.as_ref().map_or(0, |s| s.rows)
    }

    /// Whether rows have gone to a file.
    #[cfg(test)]
    pub fn spilled(&self) -> bool {
        self.spill.is_some()
    }

    /// Appends rows, spilling once the memory bound is reached.
    pub fn extend(&mut self, rows: Vec<Row>) -> io::Result<()> {
        for row in rows {
            self.push(row)?;
        }
        Ok(())
    }

    /// Appends one row.
    pub fn push(&mut self, row: Row) -> io::Result<()> {
        if self.spill.is_none() {
            let bytes = row_bytes(&row);
            if self.memory_bytes + bytes <= self.limit {
                self.memory_bytes += bytes;
                self.memory.push(row);
                return Ok(());
            }
            self.memory.shrink_to_fit();
            self.spill = Some(Spill::create()?);
        }
        match &mut self.spill {
            Some(spill) => spill.push(&row),
            None => unreachable!("the spill file was just made"),
        }
    }

    /// The rows in `range` (clipped to the rows stored): borrowed when all
    /// are in memory, read back from the file otherwise.
    pub fn get(&mut self, range: Range<usize>) -> io::Result<Cow<'_, [Row]>> {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        let held = self.memory.len();
        if end <= held {
            return Ok(Cow::Borrowed(&self.memory[start..end]));
        }
        let mut rows = Vec::with_capacity(end - start);
        if start < held {
            rows.extend_from_slice(&self.memory[start..]);
        }
        if let Some(spill) = &mut self.spill {
            spill.read(start.max(held) - held..end - held, &mut rows)?;
        }
        Ok(Cow::Owned(rows))
    }
}

impl Spill {
    fn create() -> io::Result<Spill> {
        Ok(Spill {
            file: tempfile::tempfile()?,
            pending: Vec::with_capacity(WRITE_BUFFER),
            written: 0,
            marks: Vec::new(),
            rows: 0,
        })
    }

    fn push(&mut self, row: &Row) -> io::Result<()> {
        if self.rows.is_multiple_of(STRIDE) {
            self.marks.push(self.written + self.pending.len() as u64);
        }
        encode_row(row, &mut self.pending);
        self.rows += 1;
        if self.pending.len() >= WRITE_BUFFER {
            self.write_pending()?;
        }
        Ok(())
    }

    fn write_pending(&mut self) -> io::Result<()> {
        self.file.write_all(&self.pending)?;
        self.written += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// Decodes spilled rows `range` (already clipped) onto `out`.
    fn read(&mut self, range: Range<usize>, out: &mut Vec<Row>) -> io::Result<()> {
        if range.is_empty() {
            return Ok(());
        }
        self.write_pending()?;
        let block = range.start / STRIDE;
        self.file.seek(SeekFrom::Start(self.marks[block]))?;
        let result = (|| {
            let mut reader = BufReader::with_capacity(64 << 10, &mut self.file);
            for _ in block * STRIDE..range.start {
                decode_row(&mut reader)?;
            }
            for _ in range {
                out.push(decode_row(&mut reader)?);
            }
            Ok(())
        })();
        self.file.seek(SeekFrom::End(0))?;
        result
    }
}

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT: u8 = 3;
const FLOAT: u8 = 4;
const NUMERIC: u8 = 5;
const TEXT: u8 = 6;
const JSON: u8 = 7;
const BYTES: u8 = 8;

/// A row as its value count, then per value a tag and its payload: integers
/// as zigzag varints, floats as 8 bytes, text and bytes as a varint length
/// and the bytes.
fn encode_row(row: &Row, out: &mut Vec<u8>) {
    put_varint(out, row.len() as u64);
    for value in row {
        match value {
            Value::Null => out.push(NULL),
            Value::Bool(false) => out.push(FALSE),
            Value::Bool(true) => out.push(TRUE),
            Value::Int(i) => {
                out.push(INT);
                put_varint(out, ((i << 1) ^ (i >> 63)) as u64);
            }
            Value::Float(f) => {
                out.push(FLOAT);
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Numeric(s) => put_bytes(out, NUMERIC, s.as_bytes()),
            Value::Text(s) => put_bytes(out, TEXT, s.as_bytes()),
            Value::Json(s) => put_bytes(out, JSON, s.as_bytes()),
            Value::Bytes(b) => put_bytes(out, BYTES, b),
        }
    }
}

fn put_bytes(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("pager spill file: {what}"),
    )
}

fn get_u8(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8; 1];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn get_varint(r: &mut impl Read) -> io::Result<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let b = get_u8(r)?;
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Ok(n);
        }
    }
    Err(corrupt("varint too long"))
}

fn get_bytes(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let len = usize::try_from(get_varint(r)?).map_err(|_| corrupt("length"))?;
    let mut bytes = vec![0u8; len];
    r.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn get_string(r: &mut impl Read) -> io::Result<String> {
    String::from_utf8(get_bytes(r)?).map_err(|_| corrupt("text is not UTF-8"))
}

fn decode_row(r: &mut impl Read) -> io::Result<Row> {
    let count = usize::try_from(get_varint(r)?).map_err(|_| corrupt("count"))?;
    let mut row = Vec::with_capacity(count.min(4096));
    for _ in 0..count {
        row.push(match get_u8(r)? {
            NULL => Value::Null,
            FALSE => Value::Bool(false),
            TRUE => Value::Bool(true),
            INT => {
                let z = get_varint(r)?;
                Value::Int(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            FLOAT => {
                let mut b = [0u8; 8];
                r.read_exact(&mut b)?;
                Value::Float(f64::from_bits(u64::from_le_bytes(b)))
            }
            NUMERIC => Value::Numeric(get_string(r)?),
            TEXT => Value::Text(get_string(r)?),
            JSON => Value::Json(get_string(r)?),
            BYTES => Value::Bytes(get_bytes(r)?),
            tag => return Err(corrupt(&format!("unknown tag {tag}"))),
        });
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(i: usize) -> Row {
        let i64v = i as i64;
        vec![
            Value::Int(if i.is_multiple_of(2) {
                i64v
            } else {
                -i64v * 1_000_003
            }),
            if i.is_multiple_of(5) {
                Value::Null
            } else {
                Value::Text(format!("row {i} · ünïcödé ✓ 日本語 {}", "x".repeat(i % 37)))
            },
            Value::Bool(i.is_multiple_of(3)),
            Value::Float(i as f64 / 7.0),
            Value::Numeric(format!("{i}.25")),
            Value::Json(format!("{{\"v\":{i}}}")),
            Value::Bytes((0..(i % 11) as u8).collect()),
        ]
    }

    fn store_of(limit: usize, n: usize) -> RowStore {
        let mut store = RowStore::new(limit);
        store.extend((0..n).map(sample).collect()).unwrap();
        store
    }

    #[test]
    fn round_trips_every_kind_of_value() {
        let tricky = vec![
            vec![],
            vec![Value::Null, Value::Null],
            vec![
                Value::Int(i64::MIN),
                Value::Int(i64::MAX),
                Value::Int(0),
                Value::Int(-1),
            ],
            vec![
                Value::Float(f64::NAN),
                Value::Float(-0.0),
                Value::Float(f64::INFINITY),
            ],
            vec![
                Value::Text(String::new()),
                Value::Bytes(Vec::new()),
                Value::Text("\u{0}\n\t\u{1b}[31m".into()),
            ],
            vec![Value::Text("é".repeat(100_000))],
        ];
        let mut store = RowStore::new(0);
        store.extend(tricky.clone()).unwrap();
        assert!(store.spilled());
        assert_eq!(store.len(), tricky.len());
        let back = store.get(0..tricky.len()).unwrap().into_owned();
        // NaN is not equal to itself: compare the encodings.
        let enc = |rows: &[Row]| {
            let mut out = Vec::new();
            for row in rows {
                encode_row(row, &mut out);
            }
            out
        };
        assert_eq!(enc(&back), enc(&tricky));
        assert!(matches!(back[3][0], Value::Float(f) if f.is_nan()));
        assert_eq!(back[5], tricky[5]);
    }

    #[test]
    fn small_results_stay_in_memory() {
        let mut store = store_of(1 << 20, 100);
        assert!(!store.spilled());
        assert!(matches!(store.get(10..20).unwrap(), Cow::Borrowed(_)));
        assert_eq!(
            store.get(10..20).unwrap().as_ref(),
            &(10..20).map(sample).collect::<Vec<_>>()[..]
        );
    }

    #[test]
    fn pages_read_back_across_the_memory_and_file_boundary() {
        let limit = (0..50).map(|i| row_bytes(&sample(i))).sum::<usize>();
        let n = 1_000;
        let mut store = store_of(limit, n);
        assert!(store.spilled());
        assert_eq!(store.memory.len(), 50);
        assert_eq!(store.len(), n);
        // Every odd-sized window, forwards then backwards, in and out of
        // memory and across stride marks.
        for size in [1, 3, 7, 23, 64, 65, 129] {
            let starts: Vec<usize> = (0..n).step_by(size).collect();
            for &start in starts.iter().chain(starts.iter().rev()) {
                let got = store.get(start..start + size).unwrap().into_owned();
                let want: Vec<Row> = (start..(start + size).min(n)).map(sample).collect();
                assert_eq!(got, want, "rows {start}..{}", start + size);
            }
        }
        // More rows after reads append in order.
        store.extend((n..n + 10).map(sample).collect()).unwrap();
        assert_eq!(
            store.get(n - 2..n + 20).unwrap().into_owned(),
            (n - 2..n + 10).map(sample).collect::<Vec<_>>()
        );
    }

    #[test]
    fn empty_ranges_and_empty_stores() {
        let mut store = RowStore::new(0);
        assert_eq!(store.len(), 0);
        assert!(store.get(0..10).unwrap().is_empty());
        let mut store = store_of(0, 5);
        assert!(store.get(5..9).unwrap().is_empty());
        assert!(store.get(3..3).unwrap().is_empty());
        assert_eq!(store.get(4..100).unwrap().into_owned(), vec![sample(4)]);
    }

    #[test]
    fn rows_are_sized_by_what_they_hold() {
        let small = vec![Value::Int(1)];
        let big = vec![Value::Text("x".repeat(1000))];
        assert!(row_bytes(&big) >= row_bytes(&small) + 1000);
        assert!(row_bytes(&vec![Value::Null; 10]) > row_bytes(&small));
    }
}
