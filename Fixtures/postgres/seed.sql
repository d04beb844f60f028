-- dbadvisor test shop for PostgreSQL 15: a small shop schema with generated data that plants the
-- problems the rules look for. Loaded by scripts/test-servers.sh (as the database owner, followed by
-- ANALYZE); scripts/capture-plans.sh runs the scenarios in Fixtures/postgres/plans against it.
-- Data is generated arithmetically (no random()), so every load gives the same rows and plans.
--
-- Planted, by table:
--   orders           large; `status` and `created_at` have no index (seq_scan_filter); few refunds.
--   customers        `city` determines `country`: the planner multiplies their selectivities and
--                    underestimates `city = … AND country = …` about 50× (row_misestimate);
--                    `customers_created_at_idx` is never used; the FK to countries has no index.
--   order_items      `order_items_order_id_idx` duplicates the primary key's leading column;
--                    `product_id` values are scattered over the heap (lossy_bitmap with small work_mem).
--   promotions       no index on `country`: joins on it run as nested loops over a seq scan when
--                    hash and merge joins are disabled (nested_loop_seq_inner).
--   warehouse_stock  autovacuum off, vacuumed once and then updated: index-only scans fetch the heap;
--                    its FK product_id → products has no index leading with it (both keys start
--                    with warehouse_id).
--   events           partitioned by month into 120 partitions (partitioned_append, planning_heavy).
--   products         small; healthy primary-key lookups everywhere serve as controls;
--                    `products_category_idx1` is an exact duplicate of `products_category_idx`.
--   promotions       `promotions_country_key` is INVALID: its concurrent unique build failed.

SET client_min_messages = warning;

-- A well-mixed pseudo-random integer in [0, n) from a row number and a salt (one salt per column,
-- so columns are independent unless correlated on purpose), the same on every load: hashint8 is
-- the stable hash that hash partitioning relies on.
CREATE FUNCTION pick(i bigint, salt bigint, n bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN abs(hashint8(i * 1000 + salt)::bigint) % n;

-- The two-letter code of country number k (0..49): AA, AB, … BX.
CREATE FUNCTION country_code(k bigint) RETURNS char(2)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN chr(65 + (k / 26)::integer) || chr(65 + (k % 26)::integer);

CREATE TABLE countries (
    code char(2) PRIMARY KEY,
    name text NOT NULL
);

INSERT INTO countries (code, name)
SELECT country_code(n), 'Country ' || n
FROM generate_series(0, 49) AS n;

CREATE TABLE customers (
    id integer PRIMARY KEY,
    email text NOT NULL UNIQUE,
    -- Deliberately no index: a foreign key whose referencing column is not indexed.
    country char(2) NOT NULL REFERENCES countries,
    city text NOT NULL,
    created_at timestamptz NOT NULL
);

-- 500 cities, 10 per country: knowing the city fixes the country.
INSERT INTO customers (id, email, country, city, created_at)
SELECT i,
       'customer' || i || '@example.com',
       country_code(pick(i, 1, 500) / 10),
       'City ' || pick(i, 1, 500),
       timestamptz '2020-01-01 00:00+00' + i * interval '30 minutes'
FROM generate_series(1, 50000) AS i;

CREATE INDEX customers_city_idx ON customers (city);
-- Never used by any query of the workload (unused index).
CREATE INDEX customers_created_at_idx ON customers (created_at);

CREATE TABLE products (
    id integer PRIMARY KEY,
    sku text NOT NULL UNIQUE,
    name text NOT NULL,
    category text NOT NULL,
    price numeric(10, 2) NOT NULL
);

INSERT INTO products (id, sku, name, category, price)
SELECT i, 'SKU-' || lpad(i::text, 6, '0'), 'Product ' || i, 'Category ' || pick(i, 2, 40),
       (1 + pick(i, 3, 50000)) / 100.0
FROM generate_series(1, 5000) AS i;

CREATE INDEX products_category_idx ON products (category);
-- An exact duplicate (duplicate index): same table, same columns, same method.
CREATE INDEX products_category_idx1 ON products (category);

CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES customers,
    status text NOT NULL,
    created_at timestamptz NOT NULL,
    total numeric(12, 2) NOT NULL,
    note text
);

-- status: 90 % delivered, 5 % shipped, 3 % pending, 1.5 % cancelled, 0.5 % refunded.
INSERT INTO orders (id, customer_id, status, created_at, total, note)
SELECT i,
       1 + pick(i, 4, 50000),
       CASE
           WHEN pick(i, 5, 1000) < 900 THEN 'delivered'
           WHEN pick(i, 5, 1000) < 950 THEN 'shipped'
           WHEN pick(i, 5, 1000) < 980 THEN 'pending'
           WHEN pick(i, 5, 1000) < 995 THEN 'cancelled'
           ELSE 'refunded'
       END,
       timestamptz '2022-01-01 00:00+00' + i * interval '5 minutes',
       (100 + pick(i, 6, 100000)) / 100.0,
       CASE WHEN pick(i, 7, 20) = 0 THEN 'gift wrap, leave at the door' END
FROM generate_series(1, 300000) AS i;

CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
    order_id bigint NOT NULL REFERENCES orders,
    line integer NOT NULL,
    product_id integer NOT NULL REFERENCES products,
    quantity integer NOT NULL,
    unit_price numeric(10, 2) NOT NULL,
    PRIMARY KEY (order_id, line)
);

INSERT INTO order_items (order_id, line, product_id, quantity, unit_price)
SELECT o.id, l.line, 1 + pick(o.id * 3 + l.line, 8, 5000), 1 + pick(o.id * 3 + l.line, 9, 5),
       (1 + pick(o.id * 3 + l.line, 10, 50000)) / 100.0
FROM generate_series(1, 300000) AS o(id)
CROSS JOIN generate_series(1, 3) AS l(line);

CREATE INDEX order_items_product_id_idx ON order_items (product_id);
-- Redundant: the primary key (order_id, line) already serves lookups by order_id.
CREATE INDEX order_items_order_id_idx ON order_items (order_id);

CREATE TABLE promotions (
    id integer PRIMARY KEY,
    country char(2) NOT NULL,
    code text NOT NULL,
    discount_pct integer NOT NULL,
    starts_on date NOT NULL,
    ends_on date NOT NULL
);

INSERT INTO promotions (id, country, code, discount_pct, starts_on, ends_on)
SELECT i, country_code(pick(i, 11, 50)), 'PROMO' || i,
       5 + pick(i, 12, 30), date '2024-01-01' + pick(i, 13, 300)::integer,
       date '2024-01-01' + pick(i, 13, 300)::integer + 30
FROM generate_series(1, 500) AS i;

-- Autovacuum off so the state below stays: vacuumed once (all pages all-visible), then a third of
-- the rows updated, which clears the visibility map on every page the updates touch.
-- A concurrent unique build that fails on the duplicate countries leaves the index INVALID
-- (invalid index), as it does in production. The countries repeat by construction (500 promotions,
-- 50 countries), so the build fails on every load, announced as planted; any other outcome than that
-- unique violation leaving an INVALID index stops the seed.
\echo 'seed.sql: planted: the unique build of promotions_country_key fails (23505) and leaves the index INVALID'
\set ON_ERROR_STOP off
\set VERBOSITY sqlstate
CREATE UNIQUE INDEX CONCURRENTLY promotions_country_key ON promotions (country);
\set VERBOSITY default
\set ON_ERROR_STOP on
SELECT :'LAST_ERROR_SQLSTATE' = '23505'
       AND EXISTS (SELECT FROM pg_index WHERE indexrelid = 'promotions_country_key'::regclass AND NOT indisvalid)
       AS planted_invalid_index \gset
\if :planted_invalid_index
\else
DO $$ BEGIN
    RAISE EXCEPTION 'seed.sql: promotions_country_key was meant to fail on duplicate countries and stay INVALID';
END $$;
\endif

CREATE TABLE warehouse_stock (
    warehouse_id integer NOT NULL,
    product_id integer NOT NULL REFERENCES products,
    quantity integer NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (warehouse_id, product_id)
) WITH (autovacuum_enabled = false);

INSERT INTO warehouse_stock (warehouse_id, product_id, quantity, updated_at)
SELECT w, p, pick(w * 5000 + p, 14, 200), timestamptz '2024-01-01 00:00+00'
FROM generate_series(1, 20) AS w
CROSS JOIN generate_series(1, 5000) AS p;

CREATE INDEX warehouse_stock_quantity_idx ON warehouse_stock (warehouse_id, quantity) INCLUDE (product_id);

VACUUM (ANALYZE) warehouse_stock;

UPDATE warehouse_stock SET quantity = quantity + 1, updated_at = timestamptz '2024-06-01 00:00+00'
WHERE product_id % 3 = 0;

CREATE TABLE events (
    id bigint NOT NULL,
    customer_id integer NOT NULL,
    kind text NOT NULL,
    created_at timestamptz NOT NULL,
    payload jsonb NOT NULL
) PARTITION BY RANGE (created_at);

-- 120 monthly partitions, January 2015 to December 2024.
DO $$
BEGIN
    FOR month IN 0..119 LOOP
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
            'events_' || to_char(date '2015-01-01' + make_interval(months => month), 'YYYY_MM'),
            date '2015-01-01' + make_interval(months => month),
            date '2015-01-01' + make_interval(months => month + 1));
    END LOOP;
END
$$;

INSERT INTO events (id, customer_id, kind, created_at, payload)
SELECT i, 1 + pick(i, 15, 50000),
       (ARRAY['page_view', 'search', 'add_to_cart', 'checkout', 'login'])[1 + pick(i, 16, 5)],
       timestamptz '2015-01-01 00:00+00' + i * interval '21 minutes',
       jsonb_build_object('path', '/products/' || (1 + pick(i, 17, 5000)), 'ms', pick(i, 18, 900))
FROM generate_series(1, 240000) AS i;

ALTER TABLE events ADD PRIMARY KEY (id, created_at);
CREATE INDEX events_customer_id_idx ON events (customer_id);
