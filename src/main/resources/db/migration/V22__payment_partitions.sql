-- Pagila partitions payment by month for 2022-01..2022-07 only. A payment outside them must never fail:
-- the DEFAULT partition catches every row that has no month partition, and ensure_payment_partitions()
-- (run by the store at every startup, as the owner) creates the current and the following months' partitions
-- ahead of time, moving any rows of those months out of the default partition first.

CREATE TABLE payment_p_default PARTITION OF payment DEFAULT;
ALTER TABLE payment_p_default
    ADD CONSTRAINT payment_p_default_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer (customer_id),
    ADD CONSTRAINT payment_p_default_rental_id_fkey FOREIGN KEY (rental_id) REFERENCES rental (rental_id),
    ADD CONSTRAINT payment_p_default_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff (staff_id);
CREATE INDEX payment_p_default_customer_id_idx ON payment_p_default (customer_id);

CREATE FUNCTION ensure_payment_partitions(months_ahead integer DEFAULT 1) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    created integer := 0;
    month_start timestamptz;
    month_end timestamptz;
    partition_name text;
BEGIN
    FOR i IN 0..months_ahead LOOP
        month_start := date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + make_interval(months => i);
        month_end := month_start + interval '1 month';
        partition_name := 'payment_p' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
        CONTINUE WHEN to_regclass('public.' || partition_name) IS NOT NULL;
        -- Rows of this month that already landed in the default partition move into the new one before it is
        -- attached (attaching checks that the default partition holds none of its range).
        EXECUTE format('CREATE TABLE public.%I (LIKE public.payment INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', partition_name);
        EXECUTE format('WITH moved AS (DELETE FROM public.payment_p_default WHERE payment_date >= %L AND payment_date < %L RETURNING *) '
                       'INSERT INTO public.%I SELECT * FROM moved', month_start, month_end, partition_name);
        EXECUTE format('ALTER TABLE public.payment ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                       partition_name, month_start, month_end);
        EXECUTE format('ALTER TABLE public.%I ADD FOREIGN KEY (customer_id) REFERENCES public.customer (customer_id), '
                       'ADD FOREIGN KEY (rental_id) REFERENCES public.rental (rental_id), '
                       'ADD FOREIGN KEY (staff_id) REFERENCES public.staff (staff_id)', partition_name);
        EXECUTE format('CREATE INDEX ON public.%I (customer_id)', partition_name);
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;
REVOKE ALL ON FUNCTION ensure_payment_partitions(integer) FROM PUBLIC;

SELECT ensure_payment_partitions(1);
