-- The `events` database: one table of :rows rows (2,000,000 by default) and a
-- 1,000-row copy for the first-page comparison. Deterministic: every value is
-- arithmetic on the row number, so every run seeds the same bytes.
create table events (
    id          bigint primary key,
    occurred_at timestamptz not null,
    user_id     int not null,
    kind        text not null,
    payload     jsonb not null,
    amount      numeric(12,2) not null
);

insert into events
select g,
       timestamptz '2024-01-01 00:00:00+00' + g * interval '13 seconds',
       (g * 7919) % 100000,
       (array['page_view', 'click', 'add_to_cart', 'purchase', 'signup', 'logout'])[(1 + g % 6)::int]
           || ' ' || (g % 97),
       jsonb_build_object('v', g % 1000, 'ok', g % 3 = 0, 'tag', 't' || (g % 17)),
       ((g * 104729) % 10000000) / 100.0
from generate_series(1::bigint, :rows) as g;

create table events_1k as select * from events where id <= 1000;
alter table events_1k add primary key (id);
