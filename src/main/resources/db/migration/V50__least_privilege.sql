-- The store's login (pagila_app) gets exactly what the store's statements use, nothing else. Run by the owner
-- (pagila_owner), who owns every table here (`up` hands them over). Clusters made by older versions granted
-- pagila_app SELECT on every table (staff.password and staff_credential included), INSERT and UPDATE on every column
-- of rental and payment, and every sequence: all of that goes first, then the list below is granted.
-- A new table or query of the store grants its own right in its own migration.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM pagila_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM pagila_app;

-- The catalog (standby pool): Panache entities Film (with film_actor, film_category), Actor, Category, Language;
-- the film page, popularity and storefront aggregates (V40).
GRANT SELECT ON film, film_actor, film_category, actor, category, language TO pagila_app;
GRANT SELECT ON film_page, film_popularity, storefront_shelf TO pagila_app;

-- Sign-in: the view alone (username, bcrypt hash, store). Never staff (Pagila's SHA-1 password column) or
-- staff_credential; the view reads them with its owner's rights.
GRANT SELECT ON staff_login TO pagila_app;

-- The counter's reads (CounterReads, RentalService): customers and their addresses, copies, rentals, payments;
-- customer_balance() and rental_late_fee() run with the caller's rights over the same tables.
GRANT SELECT ON customer, address, city, country, inventory, rental, payment TO pagila_app;

-- The counter's writes: a rental and its payment are inserted; a return sets return_date and nothing else.
GRANT INSERT ON rental, payment TO pagila_app;
GRANT UPDATE (return_date) ON rental TO pagila_app;
GRANT USAGE ON SEQUENCE rental_rental_id_seq, payment_payment_id_seq TO pagila_app;

-- Idempotency keys (V30) and the row lock of "rent any copy" (FOR UPDATE needs UPDATE on one column), as before.
GRANT SELECT, INSERT, UPDATE (receipt) ON idempotency_key TO pagila_app;
GRANT UPDATE (last_update) ON inventory TO pagila_app;

-- Upkeep that only the owner runs (EXECUTE is PUBLIC's by default; it would fail for others anyway).
REVOKE ALL ON FUNCTION refresh_catalog_aggregates() FROM PUBLIC;
