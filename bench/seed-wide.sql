-- The `wide` database: 2,000 tables across 20 schemas, 5–30 columns each,
-- about 3,000 foreign keys with an index on each, comments, one enum type per
-- schema and 200 views, all empty. It has the shape of the catalog that
-- `agent::context::tests::big_catalog` generates (same schemas, entities,
-- pairings, satellites, filler columns and cross-schema hubs), so the
-- questions of the context test make sense against it. Deterministic: the
-- choices that test makes with a random generator are arithmetic here.

create function pg_temp.plural(entity text) returns text language sql immutable as $$
    select case
        when entity ~ '[^aeiou]y$' then left(entity, -1) || 'ies'
        when entity ~ '(s|x|ch|sh)$' then entity || 'es'
        else entity || 's'
    end
$$;

do $seed$
declare
    domains text[][] := array[
        ['sales', 'customer order invoice quote discount sales_rep territory refund payment channel'],
        ['hr', 'employee department position contract leave_request benefit review candidate interview team'],
        ['inventory', 'warehouse stock_level bin item movement adjustment lot reorder_rule count_sheet zone'],
        ['finance', 'account journal_entry ledger budget expense fiscal_period cost_center tax_rate currency transaction'],
        ['marketing', 'campaign lead segment email_blast landing_page ad click conversion newsletter audience'],
        ['support', 'ticket agent sla escalation knowledge_article queue satisfaction_survey macro incident chat'],
        ['logistics', 'shipment carrier route vehicle driver delivery parcel depot tracking_event freight_rate'],
        ['procurement', 'vendor purchase_order requisition rfq contract_bid approval catalog_item receipt vendor_rating spend_category'],
        ['manufacturing', 'machine work_order bill_of_material production_run defect shift operator maintenance_job component routing_step'],
        ['crm', 'contact account_manager opportunity activity pipeline deal_stage meeting call_log partner referral'],
        ['billing', 'subscription plan usage_record credit_note dunning_notice billing_cycle coupon payment_method charge tax_exemption'],
        ['analytics', 'dashboard report metric dataset query_run kpi forecast cohort funnel experiment'],
        ['legal', 'case_file lawsuit attorney agreement clause trademark patent court_hearing settlement nda'],
        ['it', 'user device license software_asset server access_request password_reset vpn_session backup_job patch'],
        ['facilities', 'building room booking parking_space cleaning_task energy_reading lease floor desk visitor'],
        ['payroll', 'paycheck salary bonus deduction tax_withholding pay_period timesheet overtime_entry commission garnishment'],
        ['training', 'course enrollment instructor certification lesson quiz quiz_attempt learning_path webinar badge'],
        ['compliance', 'audit control risk policy finding remediation attestation regulator exception evidence'],
        ['projects', 'project task milestone sprint time_entry deliverable stakeholder issue risk_item resource_allocation'],
        ['catalog', 'product category brand variant price_list attribute product_image bundle supplier review_rating']
    ];
    -- Tables other schemas point at: schema, entity.
    hubs text[][] := array[['hr', 'employee'], ['sales', 'customer'], ['it', 'user'],
                           ['catalog', 'product'], ['finance', 'account'], ['facilities', 'building']];
    suffixes text[] := array['history', 'notes', 'attachments', 'audit_log', 'tags'];
    filler text[][] := array[
        ['name', 'varchar(120)'], ['description', 'text'], ['status', 'record_status'],
        ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'], ['amount', 'numeric(12,2)'],
        ['quantity', 'integer'], ['code', 'varchar(32)'], ['email', 'varchar(200)'],
        ['phone_number', 'varchar(40)'], ['start_date', 'date'], ['end_date', 'date'],
        ['total', 'numeric(12,2)'], ['notes', 'text'], ['price', 'numeric(10,2)'],
        ['currency_code', 'char(3)'], ['is_active', 'boolean'], ['priority', 'smallint'],
        ['external_ref', 'uuid'], ['country', 'varchar(2)'], ['city', 'text'],
        ['postal_code', 'text'], ['score', 'double precision'], ['weight_kg', 'numeric(8,3)'],
        ['approved_by', 'integer'], ['approved_at', 'timestamptz'], ['due_date', 'date'],
        ['sequence_no', 'integer'], ['label', 'text'], ['metadata', 'jsonb'],
        ['version', 'integer'], ['source', 'text'], ['category_code', 'text'],
        ['rating', 'smallint'], ['duration_minutes', 'integer'], ['url', 'text'],
        ['title', 'text'], ['percent', 'numeric(5,2)'], ['deleted_at', 'timestamptz'],
        ['checksum', 'bytea']
    ];
    s int;
    schema text;
    entities text[];
    -- Per schema: table name, then the entities it references (space-separated).
    tables text[][];
    refs text;
    t int := 0;          -- running table number: the seed of every choice
    name text;
    hub int;
    cols text;
    col text;
    wanted int;
    start int;
    n int;
    k int;
    e text;
    later text[] := array[]::text[];
    stmt text;
begin
    for s in 1 .. array_length(domains, 1) loop
        schema := domains[s][1];
        entities := string_to_array(domains[s][2], ' ');
        execute format('create schema %I', schema);
        execute format('comment on schema %I is %L', schema, 'The ' || schema || ' domain');
        execute format('create type %I.record_status as enum (''active'', ''pending'', ''archived'')', schema);

        -- Entities (each points at the previous one), pairings, satellites.
        tables := array[]::text[][];
        for k in 1 .. 10 loop
            tables := tables || array[[pg_temp.plural(entities[k]),
                                       case when k > 1 then entities[k - 1] else '' end]];
        end loop;
        for i in 1 .. 10 loop
            for j in i + 1 .. 10 loop
                tables := tables || array[[entities[i] || '_' || pg_temp.plural(entities[j]),
                    entities[i] || case when (i + j) % 2 = 0 then ' ' || entities[j] else '' end]];
            end loop;
        end loop;
        <<satellites>>
        foreach e in array entities loop
            foreach name in array suffixes loop
                exit satellites when array_length(tables, 1) = 100;
                tables := tables || array[[e || '_' || name, e]];
            end loop;
        end loop;

        for k in 1 .. array_length(tables, 1) loop
            t := t + 1;
            name := tables[k][1];
            cols := 'id integer primary key';
            n := 1;
            -- References inside the schema, each with an index.
            foreach e in array string_to_array(tables[k][2], ' ') loop
                cols := cols || format(', %I integer%s references %I.%I (id)', e || '_id',
                    case when (t + n) % 3 = 0 then '' else ' not null' end,
                    schema, pg_temp.plural(e));
                later := later || format('create index on %I.%I (%I)', schema, name, e || '_id');
                n := n + 1;
            end loop;
            -- Three tables in ten also point at a hub of another schema, which
            -- may not exist yet: that key is added once every table does.
            hub := 1 + (t * 5) % 6;
            if (t * 7) % 10 < 3 and hubs[hub][1] <> schema then
                cols := cols || format(', %I integer', hubs[hub][2] || '_id');
                later := later
                    || format('alter table %I.%I add foreign key (%I) references %I.%I (id)',
                              schema, name, hubs[hub][2] || '_id', hubs[hub][1], pg_temp.plural(hubs[hub][2]))
                    || format('create index on %I.%I (%I)', schema, name, hubs[hub][2] || '_id');
                n := n + 1;
            end if;
            -- Filler columns up to 5–30 in all.
            wanted := 5 + (t * 11) % 26;
            start := (t * 13) % 40;
            col := null;
            for c in 0 .. 39 loop
                exit when n >= wanted;
                col := coalesce(col, filler[1 + (start + c) % 40][1]);
                cols := cols || format(', %I %s%s', filler[1 + (start + c) % 40][1],
                    case when filler[1 + (start + c) % 40][2] = 'record_status'
                         then format('%I.record_status', schema)
                         else filler[1 + (start + c) % 40][2] end,
                    case when (t + c) % 2 = 0 then ' not null' else '' end);
                n := n + 1;
            end loop;
            execute format('create table %I.%I (%s)', schema, name, cols);
            if t % 5 = 0 then
                execute format('comment on table %I.%I is %L', schema, name,
                    'One row per ' || replace(name, '_', ' ') || ' record');
            end if;
            if t % 8 = 3 and col is not null then
                execute format('comment on column %I.%I.%I is %L', schema, name, col,
                    'The ' || replace(col, '_', ' ') || ' of this record');
            end if;
        end loop;

        -- One view per entity.
        for k in 1 .. 10 loop
            execute format('create view %I.%I as select * from %I.%I', schema,
                'recent_' || pg_temp.plural(entities[k]), schema, pg_temp.plural(entities[k]));
        end loop;
    end loop;
    foreach stmt in array later loop
        execute stmt;
    end loop;
end
$seed$;
