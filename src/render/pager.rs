//! The interactive pager for `table` and `expanded` output on a terminal.
//!
//! Pages are printed one after another (scrolling, like `more`), each with
//! its own header and a layout fitted to the terminal. Page 1 appears as
//! soon as enough rows have arrived to know whether there is a page 2; a
//! result that fits on one page is drawn with its footer and no prompt.
//! Otherwise a status line (`-- page 2 of ≥5 · …`, `≥` while rows are still
//! being fetched) waits for one key: Enter/Space/n/j/Down/PageDown next,
//! b/p/k/Up/PageUp back, g/Home first, G/End last, digits and Enter jump,
//! q/Esc/Ctrl-C quit. Moving past the buffered rows lets the backend fetch
//! more; quitting stops the fetch. The footer adds `page x of y`. A page is
//! drawn as soon as its rows are in, but its status line waits for the next
//! chunk of rows or the end of the result, so a result that has all arrived
//! says `page 1 of 2 · 40 rows`, never `≥2 · rows so far`.
//!
//! Table or expanded (with [`Expanded::Auto`](super::Expanded::Auto)) is
//! chosen once, on the first page. Invariant: raw mode is on only while one
//! key is read, and a guard turns it off again on every path, panics
//! included. Every row seen is kept, since paging back needs it: in memory
//! up to a bound on their size, then in a temporary file
//! ([`RowStore`](super::spill::RowStore)), so memory stays flat however many
//! rows are paged through. The rows are freed when the result ends.

use std::io::{self, BufWriter, Write};
use std::ops::Range;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use owo_colors::OwoColorize;

use super::expanded::RecordLayout;
use super::footer::footer;
use super::spill::{RowStore, memory_limit};
use super::streamed::Sticky;
use super::table::{TableLayout, natural_widths, total_width};
use super::text::truncate;
use super::{Expanded, Format, RenderOptions, ResultWriter};
use crate::db::{Column, Outcome, OutcomeKind, Row, RowFlow, RowSink};
use crate::numbers::thousands;
use crate::term::RawMode;

/// What a key asks the pager to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PagerAction {
    Next,
    Previous,
    First,
    Last,
    /// Go to this page number (1-based).
    Jump(usize),
    Quit,
}

/// The pager's reading of one key, given the digits typed so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Do(PagerAction),
    /// The page number being typed changed to this.
    Typing(String),
    Ignore,
}

/// Maps a key to a step; `typed` holds the digits of a page number in progress.
pub fn on_key(key: &KeyEvent, typed: &str) -> Step {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Char('c') if ctrl => Step::Do(PagerAction::Quit),
        KeyCode::Char(d) if d.is_ascii_digit() && !ctrl => {
            if typed.len() < 9 {
                Step::Typing(format!("{typed}{d}"))
            } else {
                Step::Ignore
            }
        }
        KeyCode::Backspace if !typed.is_empty() => {
            Step::Typing(typed[..typed.len() - 1].to_owned())
        }
        KeyCode::Esc if !typed.is_empty() => Step::Typing(String::new()),
        KeyCode::Enter if !typed.is_empty() => match typed.parse() {
            Ok(page) => Step::Do(PagerAction::Jump(page)),
            Err(_) => Step::Typing(String::new()),
        },
        _ if ctrl => Step::Ignore,
        KeyCode::Char('q' | 'Q') | KeyCode::Esc => Step::Do(PagerAction::Quit),
        KeyCode::Enter | KeyCode::Char(' ' | 'n' | 'j') | KeyCode::Down | KeyCode::PageDown => {
            Step::Do(PagerAction::Next)
        }
        KeyCode::Char('b' | 'p' | 'k') | KeyCode::Up | KeyCode::PageUp => {
            Step::Do(PagerAction::Previous)
        }
        KeyCode::Char('g') | KeyCode::Home => Step::Do(PagerAction::First),
        KeyCode::Char('G') | KeyCode::End => Step::Do(PagerAction::Last),
        _ => Step::Ignore,
    }
}

/// Page arithmetic over the rows buffered so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pages {
    per_page: usize,
}

impl Pages {
    pub fn new(per_page: usize) -> Pages {
        Pages {
            per_page: per_page.max(1),
        }
    }

    /// Pages `rows` rows fill (at least one, even when empty).
    pub fn count(self, rows: usize) -> usize {
        rows.div_ceil(self.per_page).max(1)
    }

    /// The rows on `page` (0-based), clipped to `rows`.
    pub fn range(self, page: usize, rows: usize) -> Range<usize> {
        let start = page.saturating_mul(self.per_page).min(rows);
        start..start.saturating_add(self.per_page).min(rows)
    }

    /// Whether `page` can be drawn: the result is complete, or a row beyond
    /// the page has arrived (so it is known not to be the last page).
    pub fn ready(self, page: usize, rows: usize, complete: bool) -> bool {
        complete || rows > (page + 1).saturating_mul(self.per_page)
    }
}

/// `page 2 of ≥5` (`≥` while not all rows are fetched); `page` is 0-based.
pub fn page_text(page: usize, pages: usize, complete: bool) -> String {
    let at_least = if complete { "" } else { "≥" };
    format!("page {} of {at_least}{pages}", page + 1)
}

/// The prompt under a page; `typed` is a page number being typed.
pub fn status_line(page: usize, pages: Pages, rows: usize, complete: bool, typed: &str) -> String {
    let position = page_text(page, pages.count(rows), complete);
    let so_far = if complete { "" } else { " so far" };
    if typed.is_empty() {
        format!(
            "-- {position} · {} rows{so_far} · Enter/Space/n next · b back · g first · G last · 12⏎ jump · q quit --",
            thousands(rows as u64)
        )
    } else {
        format!("-- {position} · go to page {typed}_ · Enter go · Esc cancel --")
    }
}

/// Where the pager wants to go next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Goal {
    Page(usize),
    Last,
    /// Past the last page of a complete result.
    Done,
    Quit,
}

/// Supplies key presses.
pub trait Keys {
    fn next_key(&mut self) -> io::Result<KeyEvent>;
}

/// Reads keys from the terminal, in raw mode only while waiting for one.
pub struct TerminalKeys;

impl Keys for TerminalKeys {
    fn next_key(&mut self) -> io::Result<KeyEvent> {
        let _raw = RawMode::enable()?;
        loop {
            if let Event::Key(key) = event::read()?
                && key.kind != KeyEventKind::Release
            {
                return Ok(key);
            }
        }
    }
}

/// Pages a result on a terminal.
pub struct Pager<W: Write, K: Keys> {
    out: BufWriter<W>,
    options: RenderOptions,
    keys: K,
    size: (usize, usize),
    columns: Option<Vec<Column>>,
    rows: RowStore,
    /// Set once the first page decides between table and records.
    layout: Option<(bool, Pages)>,
    goal: Goal,
    shown: Option<usize>,
    /// The page drawn while rows were still arriving, whose status line
    /// waits for the next chunk or the end.
    unprompted: Option<usize>,
    sticky: Sticky,
}

impl<W: Write, K: Keys> Pager<W, K> {
    pub fn new(options: &RenderOptions, out: W, keys: K) -> Self {
        let (w, h) = options.terminal.unwrap_or((80, 24));
        Pager {
            out: BufWriter::new(out),
            options: options.clone(),
            keys,
            size: (usize::from(w).max(1), usize::from(h).max(1)),
            columns: None,
            rows: RowStore::new(memory_limit()),
            layout: None,
            goal: Goal::Page(0),
            shown: None,
            unprompted: None,
            sticky: Sticky::default(),
        }
    }

    /// Decides table or records and the page size, once enough rows are in.
    fn layout(&mut self, complete: bool) -> io::Result<Option<(bool, Pages)>> {
        if self.layout.is_none() {
            let (width, height) = self.size;
            let table = Pages::new(self.options.page_size.unwrap_or(height.saturating_sub(3)));
            if !table.ready(0, self.rows.len(), complete) {
                return Ok(None);
            }
            let columns = self.columns.as_deref().unwrap_or_default();
            let first = self.rows.get(table.range(0, self.rows.len()))?;
            let records = match (self.options.format, self.options.expanded) {
                (Format::Expanded, _) | (_, Expanded::On) => true,
                (_, Expanded::Off) => false,
                (_, Expanded::Auto) => {
                    total_width(&natural_widths(columns, &first, &self.options.null)) > width
                }
            };
            let pages = if records {
                let fit = height.saturating_sub(1) / RecordLayout::lines_per_record(columns.len());
                Pages::new(
                    self.options
                        .page_size
                        .map_or(fit, |size| size.min(fit.max(1))),
                )
            } else {
                table
            };
            self.layout = Some((records, pages));
        }
        Ok(self.layout)
    }

    /// Shows pages and reads keys until more rows are needed or paging ends.
    fn pump(&mut self, complete: bool) -> io::Result<RowFlow> {
        // Rows just arrived and more may follow: a page drawn from them
        // waits one chunk for its status line. Pages the keys ask for
        // among rows already in are prompted at once.
        let mut fresh_rows = !complete;
        loop {
            let Some((records, pages)) = self.layout(complete)? else {
                return Ok(RowFlow::Continue);
            };
            let count = pages.count(self.rows.len());
            let page = match self.goal {
                Goal::Quit | Goal::Done => return Ok(RowFlow::Stop),
                Goal::Last if complete => count - 1,
                Goal::Page(p) if complete => p.min(count - 1),
                Goal::Page(p) if pages.ready(p, self.rows.len(), false) => p,
                Goal::Last | Goal::Page(_) => return Ok(RowFlow::Continue),
            };
            if self.unprompted.take() != Some(page) {
                self.draw_page(records, pages.range(page, self.rows.len()))?;
                self.shown = Some(page);
                if complete && count == 1 {
                    self.goal = Goal::Done;
                    continue;
                }
                if fresh_rows {
                    self.unprompted = Some(page);
                    return Ok(RowFlow::Continue);
                }
            }
            fresh_rows = false;
            self.goal = match self.prompt(page, pages, complete)? {
                PagerAction::Next if complete && page + 1 == count => Goal::Done,
                PagerAction::Next => Goal::Page(page + 1),
                PagerAction::Previous => Goal::Page(page.saturating_sub(1)),
                PagerAction::First => Goal::Page(0),
                PagerAction::Last => Goal::Last,
                PagerAction::Jump(n) => Goal::Page(n.saturating_sub(1)),
                PagerAction::Quit => Goal::Quit,
            };
        }
    }

    fn draw_page(&mut self, records: bool, range: Range<usize>) -> io::Result<()> {
        let columns = self.columns.as_deref().unwrap_or_default();
        let rows = self.rows.get(range.clone())?;
        let rows = rows.as_ref();
        let (null, color, width) = (
            self.options.null.as_str(),
            self.options.color,
            Some(self.size.0),
        );
        if records {
            let layout = RecordLayout::new(columns, rows, null, width);
            for (number, row) in (range.start as u64 + 1..).zip(rows) {
                layout.write_record(&mut self.out, number, columns, row, null, color)?;
            }
        } else {
            let layout = TableLayout::new(columns, rows, null, width);
            layout.write_header(&mut self.out, columns, color)?;
            for row in rows {
                layout.write_row(&mut self.out, row, null, color)?;
            }
        }
        self.out.flush()
    }

    /// Shows the status line and reads keys until one asks for a command.
    fn prompt(&mut self, page: usize, pages: Pages, complete: bool) -> io::Result<PagerAction> {
        let mut typed = String::new();
        loop {
            let status = status_line(page, pages, self.rows.len(), complete, &typed);
            let status = truncate(&status, self.size.0.saturating_sub(1)).into_owned();
            if self.options.color {
                write!(self.out, "{}", status.reversed())?;
            } else {
                self.out.write_all(status.as_bytes())?;
            }
            self.out.flush()?;
            let key = self.keys.next_key();
            self.out.write_all(b"\r\x1b[2K")?;
            self.out.flush()?;
            match on_key(&key?, &typed) {
                Step::Do(command) => return Ok(command),
                Step::Typing(digits) => typed = digits,
                Step::Ignore => {}
            }
        }
    }

    fn write_footer(&mut self, outcome: &Outcome) -> io::Result<()> {
        let mut text = footer(
            outcome,
            &self.options.command_tag,
            true,
            self.options.timing,
        );
        if let (Some(page), Some((_, pages))) = (self.shown, self.layout) {
            let count = pages.count(self.rows.len());
            let complete = !matches!(
                outcome.kind,
                OutcomeKind::Rows {
                    complete: false,
                    ..
                }
            );
            if count > 1 || !complete {
                text = format!("{text} · {}", page_text(page, count, complete));
            }
        }
        writeln!(self.out, "{text}")
    }
}

impl<W: Write, K: Keys> RowSink for Pager<W, K> {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        self.columns = Some(columns.to_vec());
        RowFlow::Continue
    }

    /// A page waits for a key.
    fn interactive(&self) -> bool {
        true
    }

    fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
        if self.sticky.failed() {
            return RowFlow::Stop;
        }
        if let Err(e) = self.rows.extend(rows) {
            return self.sticky.flow(Err(e));
        }
        match self.pump(false) {
            Ok(flow) => flow,
            Err(e) => self.sticky.flow(Err(e)),
        }
    }
}

impl<W: Write, K: Keys> ResultWriter for Pager<W, K> {
    fn finish(&mut self, outcome: &Outcome) -> io::Result<()> {
        self.sticky.take()?;
        if self.columns.is_some() {
            self.pump(true)?;
        }
        if self.options.footer {
            self.write_footer(outcome)?;
        }
        // Paging is over: the rows (and any spill file) go now, not when
        // the writer is dropped.
        self.rows = RowStore::new(0);
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::time::Duration;

    use super::super::tests::{command, done, options};
    use super::*;
    use crate::db::Value;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_map_to_commands() {
        use PagerAction::*;
        let cases = [
            (KeyCode::Enter, Step::Do(Next)),
            (KeyCode::Char(' '), Step::Do(Next)),
            (KeyCode::Char('n'), Step::Do(Next)),
            (KeyCode::Char('j'), Step::Do(Next)),
            (KeyCode::Down, Step::Do(Next)),
            (KeyCode::PageDown, Step::Do(Next)),
            (KeyCode::Char('b'), Step::Do(Previous)),
            (KeyCode::Char('p'), Step::Do(Previous)),
            (KeyCode::Char('k'), Step::Do(Previous)),
            (KeyCode::Up, Step::Do(Previous)),
            (KeyCode::PageUp, Step::Do(Previous)),
            (KeyCode::Char('g'), Step::Do(First)),
            (KeyCode::Home, Step::Do(First)),
            (KeyCode::Char('G'), Step::Do(Last)),
            (KeyCode::End, Step::Do(Last)),
            (KeyCode::Char('q'), Step::Do(Quit)),
            (KeyCode::Esc, Step::Do(Quit)),
            (KeyCode::Char('x'), Step::Ignore),
            (KeyCode::Char('4'), Step::Typing("4".into())),
        ];
        for (code, step) in cases {
            assert_eq!(on_key(&key(code), ""), step, "{code:?}");
        }
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(on_key(&ctrl_c, "12"), Step::Do(Quit));
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(on_key(&shift_g, ""), Step::Do(Last));
    }

    #[test]
    fn typed_digits_jump() {
        assert_eq!(
            on_key(&key(KeyCode::Char('2')), "1"),
            Step::Typing("12".into())
        );
        assert_eq!(
            on_key(&key(KeyCode::Enter), "12"),
            Step::Do(PagerAction::Jump(12))
        );
        assert_eq!(
            on_key(&key(KeyCode::Backspace), "12"),
            Step::Typing("1".into())
        );
        assert_eq!(
            on_key(&key(KeyCode::Esc), "12"),
            Step::Typing(String::new())
        );
        assert_eq!(on_key(&key(KeyCode::Char('1')), "123456789"), Step::Ignore);
    }

    #[test]
    fn page_arithmetic() {
        let pages = Pages::new(3);
        assert_eq!(pages.count(0), 1);
        assert_eq!(pages.count(3), 1);
        assert_eq!(pages.count(10), 4);
        assert_eq!(pages.range(1, 10), 3..6);
        assert_eq!(pages.range(3, 10), 9..10);
        assert_eq!(pages.range(7, 10), 10..10);
        assert!(!pages.ready(0, 3, false));
        assert!(pages.ready(0, 4, false));
        assert!(pages.ready(0, 3, true));
        assert_eq!(Pages::new(0).count(2), 2);
        assert_eq!(page_text(0, 3, false), "page 1 of ≥3");
        assert_eq!(page_text(2, 3, true), "page 3 of 3");
        let status = status_line(0, pages, 4, false, "");
        assert!(
            status.starts_with("-- page 1 of ≥2 · 4 rows so far · Enter/Space/n next"),
            "{status}"
        );
        assert!(status_line(1, pages, 4, true, "3").contains("page 2 of 2 · go to page 3_"));
    }

    struct Script(VecDeque<KeyEvent>);

    impl Keys for Script {
        fn next_key(&mut self) -> io::Result<KeyEvent> {
            self.0
                .pop_front()
                .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no more keys"))
        }
    }

    fn numbers(range: Range<i64>) -> Vec<Row> {
        range.map(|i| vec![Value::Int(i)]).collect()
    }

    fn pager<'b>(
        height: u16,
        keys: &[KeyCode],
        buf: &'b mut Vec<u8>,
    ) -> Pager<&'b mut Vec<u8>, Script> {
        let mut opts = options(Format::Table);
        opts.terminal = Some((60, height));
        let keys = Script(keys.iter().map(|&c| key(c)).collect());
        let mut p = Pager::new(&opts, buf, keys);
        p.columns(&[Column {
            name: "n".into(),
            type_name: "int8".into(),
        }]);
        p
    }

    #[test]
    fn one_page_results_have_no_prompt() {
        let mut buf = Vec::new();
        let mut p = pager(10, &[], &mut buf);
        assert_eq!(p.rows(numbers(1..4)), RowFlow::Continue);
        p.finish(&done(3)).unwrap();
        drop(p);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            " n\n---\n 1\n 2\n 3\n3 rows · 1.20 ms\n"
        );
    }

    #[test]
    fn pages_forward_back_and_to_the_end() {
        use KeyCode::*;
        let mut buf = Vec::new();
        // Height 6: three rows a page.
        let mut p = pager(6, &[Enter, Char('b'), Char('G'), Enter], &mut buf);
        let mut flows = Vec::new();
        for start in (1..11).step_by(2) {
            flows.push(p.rows(numbers(start..start + 2)));
        }
        assert!(flows.iter().all(|f| *f == RowFlow::Continue));
        p.finish(&done(10)).unwrap();
        drop(p);
        let text = String::from_utf8(buf).unwrap();
        let erase = "\r\u{1b}[2K";
        let pages: Vec<&str> = text.split(erase).collect();
        assert_eq!(pages.len(), 5, "{text}");
        // Each page's status line waits for the chunk after the one that
        // completed the page.
        assert!(
            pages[0].starts_with(" n\n---\n 1\n 2\n 3\n-- page 1 of ≥2 · 6 rows so far"),
            "{text}"
        );
        assert!(
            pages[1].starts_with(" n\n---\n 4\n 5\n 6\n-- page 2 of ≥4 · 10 rows so far"),
            "{text}"
        );
        assert!(
            pages[2].starts_with(" n\n---\n 1\n 2\n 3\n-- page 1 of ≥4"),
            "{text}"
        );
        assert!(
            pages[3].starts_with(" n\n----\n 10\n-- page 4 of 4 · 10 rows ·"),
            "{text}"
        );
        assert_eq!(pages[4], "10 rows · 1.20 ms · page 4 of 4\n");
    }

    #[test]
    fn spilled_rows_page_the_same_as_rows_in_memory() {
        use KeyCode::*;
        let keys = [Char('G'), Char('g'), Char('2'), Enter, Char('b'), Char('q')];
        let run = |limit: usize| {
            let mut buf = Vec::new();
            let mut p = pager(6, &keys, &mut buf);
            p.rows = RowStore::new(limit);
            for start in (1..30).step_by(4) {
                assert_eq!(p.rows(numbers(start..start + 4)), RowFlow::Continue);
            }
            p.finish(&done(32)).unwrap();
            assert_eq!(p.rows.len(), 0, "the rows are freed at the end");
            drop(p);
            String::from_utf8(buf).unwrap()
        };
        let in_memory = run(usize::MAX);
        assert_eq!(run(0), in_memory);
        assert_eq!(run(200), in_memory);
        assert!(
            in_memory.contains(
                " 31
 32
-- page 11 of 11"
            ),
            "{in_memory}"
        );
        assert!(
            in_memory.contains(
                " 4
 5
 6
-- page 2 of 11"
            ),
            "{in_memory}"
        );
    }

    #[test]
    fn quitting_stops_the_fetch() {
        let mut buf = Vec::new();
        let mut p = pager(
            6,
            &[KeyCode::Char('3'), KeyCode::Enter, KeyCode::Char('q')],
            &mut buf,
        );
        assert_eq!(p.rows(numbers(1..5)), RowFlow::Continue);
        assert_eq!(p.rows(numbers(5..8)), RowFlow::Continue);
        assert_eq!(p.rows(numbers(8..12)), RowFlow::Continue);
        assert_eq!(p.rows(numbers(12..14)), RowFlow::Stop);
        let outcome = Outcome {
            kind: OutcomeKind::Rows {
                count: 13,
                complete: false,
            },
            db_time: Duration::from_micros(1200),
        };
        p.finish(&outcome).unwrap();
        drop(p);
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("go to page 3_"), "{text}");
        assert!(text.contains(" 7\n 8\n 9\n-- page 3 of ≥5"), "{text}");
        assert!(
            text.ends_with("13 rows, not fetched completely · 1.20 ms · page 3 of ≥5\n"),
            "{text}"
        );
    }

    #[test]
    fn commands_print_the_status_only() {
        let mut buf = Vec::new();
        let opts = RenderOptions {
            terminal: Some((60, 10)),
            command_tag: "UPDATE".into(),
            ..options(Format::Table)
        };
        let mut p = Pager::new(&opts, &mut buf, Script(VecDeque::new()));
        p.finish(&command(Some(2))).unwrap();
        drop(p);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "UPDATE, 2 rows affected · 0.80 ms\n"
        );
    }

    #[test]
    fn a_key_read_error_is_reported() {
        let mut buf = Vec::new();
        let mut p = pager(6, &[], &mut buf);
        assert_eq!(p.rows(numbers(1..10)), RowFlow::Continue);
        assert!(p.finish(&done(9)).is_err());
    }

    #[test]
    fn a_result_that_has_all_arrived_gives_its_exact_page_count() {
        let mut buf = Vec::new();
        let mut p = pager(6, &[KeyCode::Char('q')], &mut buf);
        assert_eq!(p.rows(numbers(1..5)), RowFlow::Continue);
        p.finish(&done(4)).unwrap();
        drop(p);
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.contains(" 3\n-- page 1 of 2 · 4 rows · Enter/Space/n next"),
            "{text}"
        );
        assert!(!text.contains('≥') && !text.contains("so far"), "{text}");
    }
}
