-- The `shop` database: a small web shop with customers, products, orders and
-- their lines, keys, foreign keys (each indexed), checks and comments:
-- 200,000 customers, 2,000 products, 500,000 orders, 1,500,000 order lines.
-- Large enough that a table rewrite or a full scan under a lock would hurt,
-- which is what `glance migrate` and `glance lint` are tried on.
-- Deterministic: every value is arithmetic on the row number.
create table customers (
    id          bigint generated always as identity primary key,
    email       text not null unique,
    name        text not null,
    country     char(2) not null,
    created_at  timestamptz not null default now()
);
comment on table customers is 'People who have an account at the shop';
comment on column customers.country is 'ISO 3166-1 alpha-2 code';

create table products (
    id          int generated always as identity primary key,
    sku         text not null unique,
    title       text not null,
    price       numeric(10,2) not null check (price >= 0)
);
comment on table products is 'What the shop sells';

create table orders (
    id          bigint generated always as identity primary key,
    customer_id bigint not null references customers,
    status      text not null check (status in ('open', 'paid', 'shipped', 'cancelled')),
    placed_at   timestamptz not null
);
create index orders_customer_id_idx on orders (customer_id);
comment on table orders is 'One checkout by one customer';

create table order_items (
    order_id    bigint not null references orders on delete cascade,
    product_id  int not null references products,
    quantity    int not null check (quantity > 0),
    unit_price  numeric(10,2) not null,
    primary key (order_id, product_id)
);
create index order_items_product_id_idx on order_items (product_id);

insert into customers (email, name, country, created_at)
select 'customer' || g || '@example.com',
       'Customer ' || g,
       (array['DE', 'FR', 'US', 'GB', 'NL', 'SE', 'JP', 'BR'])[1 + g % 8],
       timestamptz '2020-01-01 00:00:00+00' + g * interval '7 minutes'
from generate_series(1, 200000) as g;

insert into products (sku, title, price)
select 'SKU-' || lpad(g::text, 5, '0'), 'Product ' || g, (g * 7919 % 20000) / 100.0
from generate_series(1, 2000) as g;

insert into orders (customer_id, status, placed_at)
select 1 + (g::bigint * 7919) % 200000,
       (array['open', 'paid', 'shipped', 'cancelled'])[1 + g % 4],
       timestamptz '2023-01-01 00:00:00+00' + g * interval '61 seconds'
from generate_series(1, 500000) as g;

insert into order_items (order_id, product_id, quantity, unit_price)
select o, 1 + (o * 31 + k * 577) % 2000, 1 + (o + k) % 5, ((o * 31 + k * 577) % 20000) / 100.0
from generate_series(1, 500000) as o, generate_series(1, 3) as k;
