-- dbadvisor test shop for MariaDB 10.11 (and MySQL 8): a small shop schema with generated data that
-- plants the problems the rules look for. Loaded by scripts/test-servers.sh into the database `shop`
-- (followed by ANALYZE TABLE); scripts/capture-plans.sh runs the scenarios in Fixtures/mysql/plans.
-- Data is generated arithmetically (CRC32 of the row number), so every load gives the same rows.
--
-- Planted, by table:
--   orders       large; `status` and `created_at` have no index (full_scan_filter, filesort_temporary);
--                `orders_customer_id_idx` ranges read far more rows than a `total` filter keeps
--                (rows_examined_ratio).
--   customers    `city` determines `country`; `customers_created_at_idx` is never used.
--   promotions   no index on `country` (no foreign key either: InnoDB would add one), so joining on
--                it reads the whole table for every outer row (no_usable_key).
--   order_items  `order_items_order_id_idx` duplicates the primary key's leading column.
--   products     small; healthy primary-key lookups serve as controls.
--   reviews      index rules (scans as the live scan tests run them): `reviews_product_id_idx` is a
--                prefix of `reviews_product_id_rating_idx` (redundant); `reviews_customer_id_id_idx`
--                spells out the primary key InnoDB appends to `reviews_customer_id_idx` anyway (redundant,
--                pt-duplicate-key-checker's --clustered); `reviews_created_on_idx` duplicates
--                `reviews_created_at_idx`; `reviews_rating_idx` is never read (unused); the primary key
--                and `reviews_product_id_rating_idx` are healthy controls.
--   shipments    large, read by nothing but the live scan test's frequent lookup by `tracking_code`,
--                which has no index: every lookup scans the table (table-seq-scan-heavy).

-- 1..1,000,000 from a cross join of digits: portable INSERT … SELECT, no recursion limits.
CREATE TABLE digits (d INT NOT NULL PRIMARY KEY);
INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
CREATE TABLE numbers (n INT NOT NULL PRIMARY KEY);
INSERT INTO numbers (n)
SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * d.d + 10000 * e.d + 100000 * f.d
FROM digits a, digits b, digits c, digits d, digits e, digits f;

CREATE TABLE countries (
    code CHAR(2) NOT NULL PRIMARY KEY,
    name VARCHAR(40) NOT NULL
) ENGINE = InnoDB;

INSERT INTO countries (code, name)
SELECT CONCAT(CHAR(64 + 1 + (n - 1) DIV 26), CHAR(64 + 1 + (n - 1) MOD 26)), CONCAT('Country ', n - 1)
FROM numbers WHERE n <= 50;

CREATE TABLE customers (
    id INT NOT NULL PRIMARY KEY,
    email VARCHAR(80) NOT NULL,
    country CHAR(2) NOT NULL,
    city VARCHAR(20) NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE KEY customers_email_key (email),
    KEY customers_city_idx (city),
    -- Never used by any query of the workload (unused index).
    KEY customers_created_at_idx (created_at),
    CONSTRAINT customers_country_fkey FOREIGN KEY (country) REFERENCES countries (code)
) ENGINE = InnoDB;

-- 500 cities, 10 per country: knowing the city fixes the country.
INSERT INTO customers (id, email, country, city, created_at)
SELECT n, CONCAT('customer', n, '@example.com'),
       CONCAT(CHAR(65 + (city DIV 10) DIV 26), CHAR(65 + (city DIV 10) MOD 26)),
       CONCAT('City ', city),
       TIMESTAMP '2020-01-01 00:00:00' + INTERVAL (30 * n) MINUTE
FROM (SELECT n, CRC32(CONCAT(n, ':1')) MOD 500 AS city FROM numbers WHERE n <= 50000) AS picked;

CREATE TABLE products (
    id INT NOT NULL PRIMARY KEY,
    sku VARCHAR(20) NOT NULL,
    name VARCHAR(40) NOT NULL,
    category VARCHAR(20) NOT NULL,
    price DECIMAL(10, 2) NOT NULL,
    UNIQUE KEY products_sku_key (sku)
) ENGINE = InnoDB;

INSERT INTO products (id, sku, name, category, price)
SELECT n, CONCAT('SKU-', LPAD(n, 6, '0')), CONCAT('Product ', n),
       CONCAT('Category ', CRC32(CONCAT(n, ':2')) MOD 40), (1 + CRC32(CONCAT(n, ':3')) MOD 50000) / 100
FROM numbers WHERE n <= 5000;

CREATE TABLE orders (
    id BIGINT NOT NULL PRIMARY KEY,
    customer_id INT NOT NULL,
    status VARCHAR(12) NOT NULL,
    created_at DATETIME NOT NULL,
    total DECIMAL(12, 2) NOT NULL,
    note VARCHAR(100) NULL,
    KEY orders_customer_id_idx (customer_id),
    CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB;

-- status: 90 % delivered, 5 % shipped, 3 % pending, 1.5 % cancelled, 0.5 % refunded.
INSERT INTO orders (id, customer_id, status, created_at, total, note)
SELECT n, 1 + CRC32(CONCAT(n, ':4')) MOD 50000,
       CASE
           WHEN status_pick < 900 THEN 'delivered'
           WHEN status_pick < 950 THEN 'shipped'
           WHEN status_pick < 980 THEN 'pending'
           WHEN status_pick < 995 THEN 'cancelled'
           ELSE 'refunded'
       END,
       TIMESTAMP '2022-01-01 00:00:00' + INTERVAL (5 * n) MINUTE,
       (100 + CRC32(CONCAT(n, ':6')) MOD 100000) / 100,
       IF(CRC32(CONCAT(n, ':7')) MOD 20 = 0, 'gift wrap, leave at the door', NULL)
FROM (SELECT n, CRC32(CONCAT(n, ':5')) MOD 1000 AS status_pick FROM numbers WHERE n <= 300000) AS picked;

CREATE TABLE order_items (
    order_id BIGINT NOT NULL,
    line INT NOT NULL,
    product_id INT NOT NULL,
    quantity INT NOT NULL,
    unit_price DECIMAL(10, 2) NOT NULL,
    PRIMARY KEY (order_id, line),
    -- Redundant: the primary key (order_id, line) already serves lookups by order_id.
    KEY order_items_order_id_idx (order_id),
    KEY order_items_product_id_idx (product_id),
    CONSTRAINT order_items_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT order_items_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)
) ENGINE = InnoDB;

INSERT INTO order_items (order_id, line, product_id, quantity, unit_price)
SELECT (n + 1) DIV 2, 2 - n MOD 2, 1 + CRC32(CONCAT(n, ':8')) MOD 5000, 1 + CRC32(CONCAT(n, ':9')) MOD 5,
       (1 + CRC32(CONCAT(n, ':10')) MOD 50000) / 100
FROM numbers WHERE n <= 600000;

CREATE TABLE promotions (
    id INT NOT NULL PRIMARY KEY,
    country CHAR(2) NOT NULL,
    code VARCHAR(20) NOT NULL,
    discount_pct INT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL
) ENGINE = InnoDB;

INSERT INTO promotions (id, country, code, discount_pct, starts_on, ends_on)
SELECT n, CONCAT(CHAR(65 + country DIV 26), CHAR(65 + country MOD 26)), CONCAT('PROMO', n),
       5 + CRC32(CONCAT(n, ':12')) MOD 30, DATE '2024-01-01' + INTERVAL start_day DAY,
       DATE '2024-01-01' + INTERVAL (start_day + 30) DAY
FROM (SELECT n, CRC32(CONCAT(n, ':11')) MOD 50 AS country, CRC32(CONCAT(n, ':13')) MOD 300 AS start_day
      FROM numbers WHERE n <= 500) AS picked;

CREATE TABLE reviews (
    id INT NOT NULL PRIMARY KEY,
    product_id INT NOT NULL,
    customer_id INT NOT NULL,
    rating TINYINT NOT NULL,
    created_at DATETIME NOT NULL,
    KEY reviews_product_id_idx (product_id),
    KEY reviews_product_id_rating_idx (product_id, rating),
    KEY reviews_customer_id_idx (customer_id),
    KEY reviews_customer_id_id_idx (customer_id, id),
    KEY reviews_created_at_idx (created_at),
    KEY reviews_created_on_idx (created_at),
    KEY reviews_rating_idx (rating)
) ENGINE = InnoDB;

INSERT INTO reviews (id, product_id, customer_id, rating, created_at)
SELECT n, 1 + CRC32(CONCAT(n, ':14')) MOD 5000, 1 + CRC32(CONCAT(n, ':15')) MOD 50000,
       1 + CRC32(CONCAT(n, ':16')) MOD 5, TIMESTAMP '2023-01-01 00:00:00' + INTERVAL (17 * n) MINUTE
FROM numbers WHERE n <= 20000;

CREATE TABLE shipments (
    id INT NOT NULL PRIMARY KEY,
    order_id BIGINT NOT NULL,
    carrier VARCHAR(12) NOT NULL,
    tracking_code CHAR(12) NOT NULL,
    shipped_at DATETIME NOT NULL
) ENGINE = InnoDB;

INSERT INTO shipments (id, order_id, carrier, tracking_code, shipped_at)
SELECT n, n, ELT(1 + CRC32(CONCAT(n, ':17')) MOD 3, 'post', 'courier', 'freight'),
       CONCAT('TRK', LPAD(n, 9, '0')), TIMESTAMP '2022-01-02 00:00:00' + INTERVAL (5 * n) MINUTE
FROM numbers WHERE n <= 200000;

DROP TABLE numbers;
DROP TABLE digits;
