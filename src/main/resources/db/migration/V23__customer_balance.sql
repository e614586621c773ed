-- Pagila's documented balance rules, in a form PostgreSQL runs (its get_customer_balance calls MySQL's IF()).
-- A rental is due rental_duration days after it was rented. Past that, every started day costs $1.00, and
-- when it is more than twice its rental duration past due the film's replacement cost is charged as well.
-- An open rental accrues up to as_of; a returned one up to its return.
CREATE FUNCTION rental_late_fee(rented timestamptz, returned timestamptz, rental_duration integer,
                                replacement_cost numeric, as_of timestamptz DEFAULT now()) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN late <= interval '0' THEN 0.00
                ELSE ceil(extract(epoch FROM late) / 86400) * 1.00
                     + CASE WHEN late > rental_duration * 2 * interval '1 day' THEN replacement_cost ELSE 0.00 END
           END
    FROM (SELECT least(coalesce(returned, as_of), as_of) - (rented + rental_duration * interval '1 day') AS late) t
$$;

-- Fees (rental rate + late fees) of the rentals made up to as_of, minus the payments made up to as_of.
CREATE FUNCTION customer_balance(customer integer, as_of timestamptz DEFAULT now()) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT sum(f.rental_rate + rental_late_fee(r.rental_date, r.return_date, f.rental_duration,
                                                                f.replacement_cost, as_of))
                     FROM rental r JOIN inventory i USING (inventory_id) JOIN film f USING (film_id)
                     WHERE r.customer_id = customer AND r.rental_date <= as_of), 0.00)
         - coalesce((SELECT sum(p.amount) FROM payment p
                     WHERE p.customer_id = customer AND p.payment_date <= as_of), 0.00)
$$;

GRANT EXECUTE ON FUNCTION rental_late_fee(timestamptz, timestamptz, integer, numeric, timestamptz) TO pagila_app;
GRANT EXECUTE ON FUNCTION customer_balance(integer, timestamptz) TO pagila_app;
