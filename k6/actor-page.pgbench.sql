-- pgbench script of k6/bench.sh: the two queries of /actors/{id}, a random actor each time, as Hibernate sends them.
\set id random(1, 200)
select a1_0.actor_id,a1_0.first_name,a1_0.last_name from actor a1_0 where a1_0.actor_id=:id;
select f1_0.film_id,f1_0.title,f1_0.description,f1_0.release_year,f1_0.rating,f1_0.length,f1_0.rental_rate,cast(null as bigint),true,count(*) over() from film f1_0 where exists(select 1 from film_actor a1_0 where a1_0.actor_id=:id and f1_0.film_id=a1_0.film_id) order by f1_0.title;
