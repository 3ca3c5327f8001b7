//! The built-in demo: a small shop in SQLite, generated deterministically in
//! the user's data directory so glance can be tried with nothing installed.
//!
//! Invariants: the content depends only on [`DEMO_VERSION`] and the code here
//! (a fixed seed and a fixed reference date, never the clock), so every
//! machine gets the same rows; the file at the final path is always complete,
//! because it is built under a temporary name and renamed into place.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// Why the demo database could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "cannot find the user data directory for the demo database (set XDG_DATA_HOME or HOME)"
    )]
    NoDataDir,
    #[error("cannot {action} {}: {source}", path.display())]
    File {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot create {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot write the demo database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot make a demo timestamp: {0}")]
    Time(#[from] jiff::Error),
}

type Result<T> = std::result::Result<T, DemoError>;

/// The error for a file operation on `path`.
fn file_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> DemoError {
    let path = path.to_path_buf();
    move |source| DemoError::File {
        action,
        path,
        source,
    }
}
use rusqlite::{Connection, OpenFlags, params};

/// Bumped whenever the schema or the generated data change; an existing demo
/// with another `user_version` is rebuilt.
const DEMO_VERSION: i64 = 1;
/// File name inside `<data dir>/glance/`.
const FILE_NAME: &str = "demo.sqlite";
/// The seed of the generator.
const SEED: u64 = 0x5EED_0F6A_A4CE;
/// "Now" for the generated shop: 2026-06-30 00:00:00 UTC. Dates spread over
/// the two years before it.
const REFERENCE_SECONDS: i64 = 1_782_777_600;
const DAY: i64 = 86_400;

const CUSTOMERS: usize = 500;
const PRODUCTS: usize = 150;
const ORDERS: usize = 2_000;
const REVIEWS: usize = 800;

/// Returns the path of the demo database, creating (or refreshing an
/// outdated) one first.
pub fn ensure() -> Result<PathBuf> {
    let dir = dirs::data_dir().ok_or(DemoError::NoDataDir)?.join("glance");
    ensure_in(&dir)
}

/// [`ensure`] in a given directory.
fn ensure_in(dir: &Path) -> Result<PathBuf> {
    let path = dir.join(FILE_NAME);
    if existing_version(&path) == Some(DEMO_VERSION) {
        return Ok(path);
    }
    crate::files::private_dir(dir).map_err(file_error("create", dir))?;
    let tmp = dir.join(format!("{FILE_NAME}.{}.tmp", std::process::id()));
    let built = remove_if_present(&tmp)
        .and_then(|()| build(&tmp))
        .and_then(|()| fs::rename(&tmp, &path).map_err(file_error("move the demo into", &path)));
    if built.is_err() {
        // Best effort: the temporary file is useless now; the error that matters is `built`.
        let _ = fs::remove_file(&tmp);
    }
    built.map(|()| path)
}

fn remove_if_present(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(file_error("remove", path)(e)),
        _ => Ok(()),
    }
}

/// The `user_version` of a readable demo file; `None` when missing or unreadable.
fn existing_version(path: &Path) -> Option<i64> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
        r.get::<_, i64>(0)
    })
    .ok()?;
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).ok()
}

/// The shop's schema. Comments after `--` are read back by introspection as
/// table and column descriptions.
pub(crate) const SCHEMA: &str = "
CREATE TABLE categories ( -- product groups shown in the shop's menu
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT
);
CREATE TABLE customers ( -- people with an account in the shop
    id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE, -- login and contact address
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    created_at TEXT NOT NULL -- sign-up time, UTC, 'YYYY-MM-DD HH:MM:SS'
);
CREATE TABLE products ( -- what the shop sells
    id INTEGER PRIMARY KEY,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    name TEXT NOT NULL UNIQUE,
    price REAL NOT NULL CHECK (price > 0), -- current unit price in euros
    stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0), -- units in the warehouse
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)) -- 0 once withdrawn from sale
);
CREATE TABLE orders ( -- one checkout by one customer
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
    ordered_at TEXT NOT NULL, -- UTC, 'YYYY-MM-DD HH:MM:SS'
    shipped_at TEXT -- NULL until the parcel leaves the warehouse
);
CREATE TABLE order_items ( -- the lines of an order, one per product
    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price REAL NOT NULL CHECK (unit_price >= 0), -- price in euros when ordered
    PRIMARY KEY (order_id, product_id)
);
CREATE TABLE reviews ( -- customers' ratings of products they received
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5), -- stars, 1 to 5
    body TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (product_id, customer_id)
);
CREATE INDEX products_category_id_idx ON products(category_id);
CREATE INDEX orders_customer_id_idx ON orders(customer_id);
CREATE INDEX orders_ordered_at_idx ON orders(ordered_at);
CREATE INDEX order_items_product_id_idx ON order_items(product_id);
CREATE INDEX reviews_customer_id_idx ON reviews(customer_id);
CREATE VIEW order_totals AS
SELECT o.id AS order_id, o.customer_id, o.status, o.ordered_at,
       count(*) AS items, round(sum(i.quantity * i.unit_price), 2) AS total
FROM orders o JOIN order_items i ON i.order_id = o.id
GROUP BY o.id;
";

/// Writes the whole demo into a new file at `path`.
fn build(path: &Path) -> Result<()> {
    let mut conn = Connection::open(path).map_err(|source| DemoError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    conn.execute_batch("PRAGMA journal_mode = MEMORY; PRAGMA foreign_keys = ON;")?;
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA)?;
    let mut rng = SplitMix64(SEED);
    let categories = insert_categories(&tx)?;
    let customers = insert_customers(&tx, &mut rng)?;
    let prices = insert_products(&tx, &mut rng, categories)?;
    let delivered = insert_orders(&tx, &mut rng, &customers, &prices)?;
    insert_reviews(&tx, &mut rng, &delivered)?;
    tx.execute_batch(&format!("PRAGMA user_version = {DEMO_VERSION}"))?;
    tx.commit()?;
    conn.execute_batch("ANALYZE")?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

/// A tiny deterministic generator (splitmix64): same seed, same shop.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with the given chance in percent.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A UTC timestamp in SQLite's text form.
fn timestamp(seconds: i64) -> Result<String> {
    Ok(jiff::Timestamp::from_second(seconds)?
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string())
}

const CATEGORIES: [(&str, &str, &[&str]); 12] = [
    (
        "Books",
        "Printed books and e-readers",
        &["Novel", "Cookbook", "Atlas", "Biography", "Notebook"],
    ),
    (
        "Kitchen",
        "Cookware and small appliances",
        &["Kettle", "Frying Pan", "Knife Set", "Toaster", "Teapot"],
    ),
    (
        "Garden",
        "Tools and plants for outdoors",
        &["Rake", "Watering Can", "Hose", "Planter", "Pruner"],
    ),
    (
        "Electronics",
        "Gadgets and accessories",
        &["Headphones", "Charger", "Speaker", "Keyboard", "Webcam"],
    ),
    (
        "Toys",
        "Games and toys for all ages",
        &["Puzzle", "Board Game", "Kite", "Building Set", "Yo-yo"],
    ),
    (
        "Sports",
        "Equipment for sport and fitness",
        &["Yoga Mat", "Football", "Water Bottle", "Tent", "Racket"],
    ),
    (
        "Clothing",
        "Clothes for every season",
        &["T-shirt", "Hoodie", "Scarf", "Raincoat", "Socks"],
    ),
    (
        "Beauty",
        "Care and cosmetics",
        &["Soap", "Shampoo", "Face Cream", "Lip Balm", "Perfume"],
    ),
    (
        "Office",
        "Stationery and desk supplies",
        &["Pen Set", "Stapler", "Desk Lamp", "Folder", "Planner"],
    ),
    (
        "Pets",
        "Food and accessories for pets",
        &["Dog Bed", "Cat Toy", "Leash", "Bird Feeder", "Bowl"],
    ),
    (
        "Music",
        "Instruments and accessories",
        &[
            "Ukulele",
            "Harmonica",
            "Guitar Strings",
            "Metronome",
            "Drumsticks",
        ],
    ),
    (
        "Home",
        "Furniture and decoration",
        &["Cushion", "Vase", "Candle", "Wall Clock", "Blanket"],
    ),
];

const ADJECTIVES: [&str; 16] = [
    "Classic", "Compact", "Deluxe", "Eco", "Vintage", "Smart", "Bright", "Cosy", "Sturdy", "Mini",
    "Pro", "Soft", "Nordic", "Travel", "Bamboo", "Premium",
];

const FIRST_NAMES: [&str; 40] = [
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Leon", "Sofia", "Mateo", "Chloe",
    "Hugo", "Anna", "Jakub", "Lea", "Elias", "Julia", "Oscar", "Nora", "Arjun", "Yuki", "Kenji",
    "Amara", "Kofi", "Ingrid", "Lars", "Chiara", "Marco", "Camille", "Louis", "Isabel", "Diego",
    "Fatima", "Omar", "Priya", "Wei", "Hannah", "Tomas", "Zoe", "Mila",
];

const LAST_NAMES: [&str; 40] = [
    "Smith",
    "Müller",
    "Rossi",
    "García",
    "Martin",
    "Nowak",
    "Jensen",
    "Dubois",
    "Silva",
    "Novak",
    "Kowalski",
    "Andersson",
    "Bakker",
    "Costa",
    "Fischer",
    "Moreau",
    "Lopez",
    "Russo",
    "Nielsen",
    "Horvat",
    "Brown",
    "Wilson",
    "Taylor",
    "Schmidt",
    "Weber",
    "Laurent",
    "Romano",
    "Fernandez",
    "Janssen",
    "Berg",
    "Tanaka",
    "Kim",
    "Patel",
    "Okafor",
    "Mensah",
    "Haddad",
    "Chen",
    "Singh",
    "Walsh",
    "Murphy",
];

const PLACES: [(&str, &str); 24] = [
    ("Berlin", "Germany"),
    ("Hamburg", "Germany"),
    ("Munich", "Germany"),
    ("Paris", "France"),
    ("Lyon", "France"),
    ("Madrid", "Spain"),
    ("Valencia", "Spain"),
    ("Rome", "Italy"),
    ("Milan", "Italy"),
    ("Amsterdam", "Netherlands"),
    ("Rotterdam", "Netherlands"),
    ("Lisbon", "Portugal"),
    ("Vienna", "Austria"),
    ("Warsaw", "Poland"),
    ("Kraków", "Poland"),
    ("Prague", "Czechia"),
    ("Copenhagen", "Denmark"),
    ("Stockholm", "Sweden"),
    ("Dublin", "Ireland"),
    ("London", "United Kingdom"),
    ("Manchester", "United Kingdom"),
    ("Brussels", "Belgium"),
    ("Zagreb", "Croatia"),
    ("Oslo", "Norway"),
];

const DOMAINS: [&str; 3] = ["example.com", "example.org", "example.net"];

const REVIEW_TEXTS: [(i64, &str); 10] = [
    (5, "Exactly as described, would buy again."),
    (5, "Excellent quality for the price."),
    (4, "Good, but delivery took a while."),
    (4, "Does the job well."),
    (3, "Fine, nothing special."),
    (3, "Smaller than I expected."),
    (2, "Broke after a few weeks."),
    (2, "Not what the pictures showed."),
    (1, "Arrived damaged."),
    (1, "Would not recommend."),
];

/// Inserts the categories; returns their product nouns by id order.
fn insert_categories(tx: &Connection) -> Result<Vec<&'static [&'static str]>> {
    let mut stmt =
        tx.prepare("INSERT INTO categories (id, name, description) VALUES (?1, ?2, ?3)")?;
    for (i, (name, description, _)) in CATEGORIES.iter().enumerate() {
        stmt.execute(params![i as i64 + 1, name, description])?;
    }
    Ok(CATEGORIES.iter().map(|(_, _, nouns)| *nouns).collect())
}

/// Inserts the customers; returns each one's sign-up time (index = id - 1).
fn insert_customers(tx: &Connection, rng: &mut SplitMix64) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare(
        "INSERT INTO customers (id, first_name, last_name, email, city, country, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut emails = HashSet::new();
    let mut created = Vec::with_capacity(CUSTOMERS);
    for id in 1..=CUSTOMERS as i64 {
        let first = *rng.pick(&FIRST_NAMES);
        let last = *rng.pick(&LAST_NAMES);
        let local = format!("{}.{}", ascii_lower(first), ascii_lower(last));
        let domain = rng.pick(&DOMAINS);
        let mut email = format!("{local}@{domain}");
        if !emails.insert(email.clone()) {
            email = format!("{local}{id}@{domain}");
            emails.insert(email.clone());
        }
        let (city, country) = rng.pick(&PLACES);
        let at = REFERENCE_SECONDS - rng.between(30 * DAY, 730 * DAY);
        created.push(at);
        stmt.execute(params![
            id,
            first,
            last,
            email,
            city,
            country,
            timestamp(at)?
        ])?;
    }
    Ok(created)
}

/// The lower-case ASCII form of a name for e-mail addresses, accents folded
/// (`Müller` → `muller`).
fn ascii_lower(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'ü' => 'u',
            'á' | 'à' => 'a',
            'é' | 'è' => 'e',
            'í' => 'i',
            'ó' => 'o',
            c => c.to_ascii_lowercase(),
        })
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Inserts the products; returns each one's price in cents (index = id - 1).
fn insert_products(tx: &Connection, rng: &mut SplitMix64, nouns: Vec<&[&str]>) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare(
        "INSERT INTO products (id, category_id, name, price, stock, active) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut names = HashSet::new();
    let mut prices = Vec::with_capacity(PRODUCTS);
    let mut id = 0i64;
    while prices.len() < PRODUCTS {
        let category = rng.below(nouns.len() as u64) as usize;
        let name = format!("{} {}", rng.pick(&ADJECTIVES), rng.pick(nouns[category]));
        if !names.insert(name.clone()) {
            continue;
        }
        id += 1;
        let cents = rng.between(3, 250) * 100 - [1, 5, 51][rng.below(3) as usize];
        let stock = if rng.chance(8) {
            0
        } else {
            rng.between(1, 400)
        };
        let active = !rng.chance(5);
        stmt.execute(params![
            id,
            category as i64 + 1,
            name,
            cents as f64 / 100.0,
            stock,
            active
        ])?;
        prices.push(cents);
    }
    Ok(prices)
}

/// A delivered order line, from which reviews are drawn.
struct Delivered {
    customer_id: i64,
    product_id: i64,
    delivered_at: i64,
}

/// Inserts orders and their items; returns the lines that were delivered.
fn insert_orders(
    tx: &Connection,
    rng: &mut SplitMix64,
    customers: &[i64],
    prices: &[i64],
) -> Result<Vec<Delivered>> {
    let mut order = tx.prepare(
        "INSERT INTO orders (id, customer_id, status, ordered_at, shipped_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut item = tx.prepare(
        "INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut delivered = Vec::new();
    for id in 1..=ORDERS as i64 {
        let customer = rng.below(customers.len() as u64) as usize;
        let since = customers[customer];
        let at = since + rng.between(0, REFERENCE_SECONDS - since - 1);
        let age_days = (REFERENCE_SECONDS - at) / DAY;
        let status = if rng.chance(6) {
            "cancelled"
        } else {
            match age_days {
                0 => ["pending", "paid"][rng.below(2) as usize],
                1..=2 => ["paid", "shipped"][rng.below(2) as usize],
                3..=6 => ["shipped", "delivered"][rng.below(2) as usize],
                _ => "delivered",
            }
        };
        let shipped =
            matches!(status, "shipped" | "delivered").then(|| at + rng.between(DAY / 4, 2 * DAY));
        let shipped_at = shipped.map(timestamp).transpose()?;
        order.execute(params![
            id,
            customer as i64 + 1,
            status,
            timestamp(at)?,
            shipped_at
        ])?;
        let lines = [1, 1, 2, 2, 2, 3, 3, 4, 5, 2][rng.below(10) as usize];
        let mut products = HashSet::new();
        while products.len() < lines {
            let product = rng.below(prices.len() as u64) as usize;
            if !products.insert(product) {
                continue;
            }
            let quantity = [1, 1, 1, 1, 2, 2, 3, 4][rng.below(8) as usize];
            let cents = if rng.chance(15) {
                prices[product] * 9 / 10
            } else {
                prices[product]
            };
            item.execute(params![
                id,
                product as i64 + 1,
                quantity,
                cents as f64 / 100.0
            ])?;
            if status == "delivered" {
                let delivered_at = shipped.unwrap_or(at) + 2 * DAY;
                delivered.push(Delivered {
                    customer_id: customer as i64 + 1,
                    product_id: product as i64 + 1,
                    delivered_at,
                });
            }
        }
    }
    Ok(delivered)
}

/// Inserts reviews of delivered products, one per customer and product at most.
fn insert_reviews(tx: &Connection, rng: &mut SplitMix64, delivered: &[Delivered]) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT INTO reviews (id, product_id, customer_id, rating, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut seen = HashSet::new();
    let mut id = 0i64;
    while id < REVIEWS as i64 && seen.len() < delivered.len() {
        let line = rng.pick(delivered);
        if !seen.insert((line.product_id, line.customer_id)) {
            continue;
        }
        id += 1;
        let (rating, text) = *rng.pick(&REVIEW_TEXTS);
        let body = (!rng.chance(25)).then_some(text);
        let at = (line.delivered_at + rng.between(DAY, 20 * DAY)).min(REFERENCE_SECONDS - 1);
        stmt.execute(params![
            id,
            line.product_id,
            line.customer_id,
            rating,
            body,
            timestamp(at)?
        ])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{DefaultHasher, Hash, Hasher};

    const TABLES: [&str; 6] = [
        "categories",
        "customers",
        "products",
        "orders",
        "order_items",
        "reviews",
    ];

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(tag: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("glance-demo-{tag}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).expect("temp dir");
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// A checksum of every row of every table, in primary-key order.
    fn checksum(path: &Path) -> u64 {
        let conn = Connection::open(path).expect("opens");
        let mut hasher = DefaultHasher::new();
        for table in TABLES {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
                .expect("prepares");
            let width = stmt.column_count();
            let mut rows = stmt.query([]).expect("queries");
            while let Some(row) = rows.next().expect("row") {
                for i in 0..width {
                    format!("{:?}", row.get_ref(i).expect("value")).hash(&mut hasher);
                }
            }
        }
        hasher.finish()
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    }

    #[test]
    fn builds_the_same_valid_shop_every_time() {
        let (a, b) = (TempDir::new("a"), TempDir::new("b"));
        let first = ensure_in(&a.0).expect("builds");
        let second = ensure_in(&b.0).expect("builds");
        assert_eq!(checksum(&first), checksum(&second));

        let conn = Connection::open(&first).expect("opens");
        let counts: Vec<i64> = TABLES
            .iter()
            .map(|t| count(&conn, &format!("SELECT count(*) FROM {t}")))
            .collect();
        assert_eq!(&counts[..4], &[12, 500, 150, 2000]);
        assert!(
            (4_000..=6_500).contains(&counts[4]),
            "order items: {}",
            counts[4]
        );
        assert_eq!(counts[5], 800);
        assert_eq!(
            count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
            0
        );
        assert_eq!(count(&conn, "PRAGMA user_version"), DEMO_VERSION);
        assert_eq!(count(&conn, "SELECT count(DISTINCT status) FROM orders"), 5);
        assert_eq!(count(&conn, "SELECT count(*) FROM order_totals"), 2000);
        assert!(
            count(&conn, "SELECT count(*) FROM sqlite_stat1") > 0,
            "ANALYZE ran"
        );
        let range = "SELECT count(*) FROM orders WHERE ordered_at < '2024-06-30' OR ordered_at >= '2026-06-30'";
        assert_eq!(
            count(&conn, range),
            0,
            "dates stay within the two years before the reference date"
        );
        let leftovers = fs::read_dir(&a.0).expect("lists").count();
        assert_eq!(leftovers, 1, "no temporary files remain");
    }

    #[test]
    fn keeps_a_current_demo_and_rebuilds_a_stale_or_broken_one() {
        let dir = TempDir::new("refresh");
        let path = ensure_in(&dir.0).expect("builds");
        let sum = checksum(&path);

        Connection::open(&path)
            .and_then(|c| c.execute_batch("DELETE FROM reviews WHERE id = 1"))
            .expect("edit");
        ensure_in(&dir.0).expect("keeps");
        assert_ne!(checksum(&path), sum, "a current demo is left alone");

        Connection::open(&path)
            .and_then(|c| c.execute_batch("PRAGMA user_version = 0"))
            .expect("edit");
        ensure_in(&dir.0).expect("rebuilds");
        assert_eq!(checksum(&path), sum, "an outdated demo is rebuilt");

        fs::write(
            &path,
            "not a database at all, just some text that is long enough".repeat(30),
        )
        .expect("write");
        ensure_in(&dir.0).expect("rebuilds");
        assert_eq!(checksum(&path), sum, "a broken demo is rebuilt");
    }

    #[test]
    fn introspection_reads_the_demo_comments() {
        use crate::db::Backend;
        let dir = TempDir::new("catalog");
        let path = ensure_in(&dir.0).expect("builds");
        let mut backend = crate::db::sqlite::SqliteBackend::open(&path).expect("opens");
        let catalog = backend.introspect().expect("introspects");
        let customers = catalog.find("customers").expect("customers");
        assert_eq!(
            customers.comment.as_deref(),
            Some("people with an account in the shop")
        );
        let email = customers
            .columns
            .iter()
            .find(|c| c.name == "email")
            .expect("email");
        assert_eq!(email.comment.as_deref(), Some("login and contact address"));
        assert_eq!(customers.row_estimate, Some(500));
        let items = catalog.find("order_items").expect("order_items");
        assert_eq!(items.primary_key.as_ref().map(|k| k.columns.len()), Some(2));
        let fk_columns: Vec<&str> = items
            .foreign_keys
            .iter()
            .map(|fk| fk.columns[0].as_str())
            .collect();
        assert_eq!(
            fk_columns,
            ["order_id", "product_id"],
            "foreign keys in declaration order"
        );
        assert_eq!(
            catalog.find("order_totals").map(|v| v.kind),
            Some(crate::catalog::RelationKind::View)
        );
    }
}
