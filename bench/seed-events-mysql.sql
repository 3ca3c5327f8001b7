-- The `events` database on MariaDB: the PostgreSQL one's table
-- (seed-events.sql) in MariaDB types, @rows rows (set by bench/run.sh),
-- generated server-side from the SEQUENCE engine's seq_1_to_N table.
-- Deterministic: every value is arithmetic on the row number.
create table events (
    id          bigint primary key,
    occurred_at datetime not null,
    user_id     int not null,
    kind        varchar(40) not null,
    payload     json not null,
    amount      decimal(12,2) not null
);

set @fill = concat(
    'insert into events ',
    'select seq, ',
    '       timestamp ''2024-01-01 00:00:00'' + interval (seq * 13) second, ',
    '       (seq * 7919) % 100000, ',
    '       concat(elt(1 + seq % 6, ''page_view'', ''click'', ''add_to_cart'', ''purchase'', ',
    '                  ''signup'', ''logout''), '' '', seq % 97), ',
    '       json_object(''v'', seq % 1000, ''ok'', seq % 3 = 0, ''tag'', concat(''t'', seq % 17)), ',
    '       ((seq * 104729) % 10000000) / 100.0 ',
    'from seq_1_to_', @rows);
prepare fill from @fill;
execute fill;
deallocate prepare fill;
analyze table events;
