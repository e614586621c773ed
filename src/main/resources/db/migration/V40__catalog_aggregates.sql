-- Catalog aggregates whose cost per request does not grow with the rental history, and the film page in one row.
--
-- Popularity (how often each film was rented) used to be a plain view: every storefront and every popularity sort
-- counted all rentals again (16k rows in Pagila, 160k with the history x10, 8x slower per request). Now it is a
-- materialized view with one row per film, refreshed on the primary on a schedule (the store calls
-- refresh_catalog_aggregates(), see CatalogAggregates) and shipped to the standbys by replication like any other
-- write. Chosen over counters kept by a trigger because a trigger would put an extra row lock and update on every
-- rental (the hot write path, and concurrent rentals of one film would queue on its counter row), while a ranking
-- of "most rented" films may lag the newest rentals by the refresh interval; the counting cost (a few ms, growing
-- with history) is paid once per interval on the primary instead of on every request on every standby.
DROP VIEW IF EXISTS film_popularity;
CREATE MATERIALIZED VIEW film_popularity AS
SELECT f.film_id, count(r.rental_id) AS rentals
FROM film f
LEFT JOIN inventory i ON i.film_id = f.film_id
LEFT JOIN rental r ON r.inventory_id = i.inventory_id
GROUP BY f.film_id;
-- REFRESH ... CONCURRENTLY (readers never blocked) needs a unique index.
CREATE UNIQUE INDEX film_popularity_film_id_idx ON film_popularity (film_id);
GRANT SELECT ON film_popularity TO pagila_app;

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
GRANT SELECT ON storefront_shelf TO pagila_app;

-- Called by the store on the primary (as the owner) every pagila.catalog.aggregates-refresh.
CREATE OR REPLACE FUNCTION refresh_catalog_aggregates() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY film_popularity;
    REFRESH MATERIALIZED VIEW CONCURRENTLY storefront_shelf;
END
$$;

-- The film page in one row, so a page is one round trip: facts, language, categories, actors, and copies per store
-- (names in code-point order, as the pages always sorted them; live stock: it uses the partial index of open rentals, so its cost does not grow with history either).
CREATE OR REPLACE VIEW film_page AS
SELECT f.film_id, f.title, f.description, f.release_year::int AS release_year, f.length::int AS length,
       f.rating::text AS rating, f.special_features, f.rental_rate, f.rental_duration::int AS rental_duration,
       f.replacement_cost, trim(l.name) AS language,
       (SELECT coalesce(json_agg(json_build_object('name', c.name) ORDER BY c.name COLLATE "C"), '[]')
          FROM film_category fc JOIN category c ON c.category_id = fc.category_id
         WHERE fc.film_id = f.film_id) AS categories,
       (SELECT coalesce(json_agg(json_build_object('id', a.actor_id, 'name', a.first_name || ' ' || a.last_name)
                                 ORDER BY a.first_name || ' ' || a.last_name COLLATE "C"), '[]')
          FROM film_actor fa JOIN actor a ON a.actor_id = fa.actor_id
         WHERE fa.film_id = f.film_id) AS actors,
       (SELECT json_agg(json_build_object('storeId', s.store_id, 'address', s.address, 'city', s.city,
                                          'owned', s.owned, 'inStock', s.in_stock) ORDER BY s.store_id)
          FROM (SELECT st.store_id, a.address, ci.city, count(i.inventory_id) AS owned,
                       count(i.inventory_id) FILTER (WHERE NOT EXISTS (
                           SELECT 1 FROM rental r WHERE r.inventory_id = i.inventory_id AND r.return_date IS NULL)) AS in_stock
                  FROM store st
                  JOIN address a ON a.address_id = st.address_id
                  JOIN city ci ON ci.city_id = a.city_id
                  LEFT JOIN inventory i ON i.store_id = st.store_id AND i.film_id = f.film_id
                 GROUP BY st.store_id, a.address, ci.city) s) AS availability
FROM film f JOIN language l ON l.language_id = f.language_id;
GRANT SELECT ON film_page TO pagila_app;
