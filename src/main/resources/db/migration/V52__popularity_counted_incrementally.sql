-- Popularity counted incrementally. V40's materialized view recounted every rental at each refresh, so a refresh cost
-- as much as the history was long: at 490k rentals (x10 and the benchmark's loads) 0.3 s on an idle primary and 0.8 s
-- under the rental load, every 30 s, by every store in front of the cluster. Now every statement that adds, deletes or
-- moves rentals leaves one row per rental in rental_tally (statement triggers: one small INSERT, no shared counter row
-- that concurrent rentals of one film would queue on, which is why V40 chose against per-row counters), and the
-- refresh drains the tally into film_popularity, now a table: its cost is that of the rentals since the last refresh.
-- Draining is DELETE ... RETURNING, so a tally row committed after the refresh's snapshot stays for the next one;
-- refreshes take turns (the table lock below), so two stores refreshing at once neither double-count nor deadlock.
-- The tally and the counts replicate like any other write, so a promoted standby carries on where the primary was.

CREATE TABLE rental_tally (inventory_id integer NOT NULL, delta integer NOT NULL);

CREATE FUNCTION tally_rentals_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rental_tally (inventory_id, delta) SELECT inventory_id, 1 FROM added;
    RETURN NULL;
END
$$;

CREATE FUNCTION tally_rentals_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rental_tally (inventory_id, delta) SELECT inventory_id, -1 FROM removed;
    RETURN NULL;
END
$$;

-- The store only ever sets return_date (V50); a rental moved to another copy is the owner's correction.
CREATE FUNCTION tally_rentals_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rental_tally (inventory_id, delta)
    SELECT moved.inventory_id, moved.delta
    FROM before_rows b JOIN after_rows a ON a.rental_id = b.rental_id AND a.inventory_id <> b.inventory_id,
         LATERAL (VALUES (b.inventory_id, -1), (a.inventory_id, 1)) AS moved (inventory_id, delta);
    RETURN NULL;
END
$$;

-- The triggers first: CREATE TRIGGER locks rental against writes until this migration commits, so no rental can fall
-- between the count below and the tally.
CREATE TRIGGER rental_tally_added AFTER INSERT ON rental REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tally_rentals_added();
CREATE TRIGGER rental_tally_removed AFTER DELETE ON rental REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tally_rentals_removed();
CREATE TRIGGER rental_tally_moved AFTER UPDATE ON rental REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tally_rentals_moved();

-- storefront_shelf is built on film_popularity: both go, and come back with the view a table.
DROP MATERIALIZED VIEW storefront_shelf;
DROP MATERIALIZED VIEW film_popularity;
CREATE TABLE film_popularity (film_id integer PRIMARY KEY, rentals bigint NOT NULL);
INSERT INTO film_popularity (film_id, rentals)
SELECT f.film_id, count(r.rental_id)
FROM film f
LEFT JOIN inventory i ON i.film_id = f.film_id
LEFT JOIN rental r ON r.inventory_id = i.inventory_id
GROUP BY f.film_id;

-- The storefront in one small table: shelf 0 is "most rented" (8 films), shelves 1.. are the categories in name
-- order with their film counts and their 4 most rented films. The storefront reads these rows and nothing else.
CREATE MATERIALIZED VIEW storefront_shelf AS
WITH counts AS (
    SELECT c.category_id, c.name, count(fc.film_id) AS films,
           row_number() OVER (ORDER BY c.name) AS shelf
    FROM category c LEFT JOIN film_category fc ON fc.category_id = c.category_id
    GROUP BY c.category_id, c.name),
most_rented AS (
    SELECT 0::bigint AS shelf, NULL::text AS category, 0::bigint AS category_films, p.film_id, p.rentals,
           row_number() OVER (ORDER BY p.rentals DESC, f.title) AS place
    FROM film_popularity p JOIN film f ON f.film_id = p.film_id
    ORDER BY p.rentals DESC, f.title LIMIT 8),
favourites AS (
    SELECT k.shelf, k.name AS category, k.films AS category_films, fc.film_id, p.rentals,
           row_number() OVER (PARTITION BY k.category_id ORDER BY p.rentals DESC, f.title) AS place
    FROM counts k
    JOIN film_category fc ON fc.category_id = k.category_id
    JOIN film f ON f.film_id = fc.film_id
    JOIN film_popularity p ON p.film_id = f.film_id)
SELECT shelf, category, category_films, film_id, rentals, place FROM most_rented
UNION ALL
SELECT shelf, category, category_films, film_id, rentals, place FROM favourites WHERE place <= 4
UNION ALL
-- a category without films still gets its (empty) shelf
SELECT k.shelf, k.name, k.films, NULL, 0, 1 FROM counts k WHERE k.films = 0;
CREATE UNIQUE INDEX storefront_shelf_place_idx ON storefront_shelf (shelf, place);

-- As in V50: the store's login reads the aggregates, and its rentals write their tally rows (the triggers run with
-- the rights of the statement's user).
GRANT SELECT ON film_popularity, storefront_shelf TO pagila_app;
GRANT INSERT ON rental_tally TO pagila_app;

-- Called by the store on the primary (as the owner) every pagila.catalog.aggregates-refresh (CatalogAggregates).
CREATE OR REPLACE FUNCTION refresh_catalog_aggregates() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- one refresh at a time (reads are not blocked): the next one finds the tally drained up to where this one was
    LOCK TABLE film_popularity IN SHARE ROW EXCLUSIVE MODE;
    INSERT INTO film_popularity (film_id, rentals) SELECT film_id, 0 FROM film ON CONFLICT (film_id) DO NOTHING;
    DELETE FROM film_popularity p WHERE NOT EXISTS (SELECT 1 FROM film f WHERE f.film_id = p.film_id);
    WITH drained AS (DELETE FROM rental_tally RETURNING inventory_id, delta),
         per_film AS (SELECT i.film_id, sum(d.delta) AS delta
                      FROM drained d JOIN inventory i ON i.inventory_id = d.inventory_id GROUP BY i.film_id)
    UPDATE film_popularity p SET rentals = p.rentals + per_film.delta
    FROM per_film WHERE p.film_id = per_film.film_id AND per_film.delta <> 0;
    REFRESH MATERIALIZED VIEW CONCURRENTLY storefront_shelf;
END
$$;
REVOKE ALL ON FUNCTION refresh_catalog_aggregates() FROM PUBLIC;
