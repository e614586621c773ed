-- pgbench script of k6/bench.sh: the film page's own query (one row of the film_page view), a random film each time.
\set id random(1, 1000)
SELECT * FROM film_page WHERE film_id = :id;
