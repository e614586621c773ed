-- One month's payment partition, for any month: ensure_payment_partitions() (V22) creates the coming months at
-- every start, and the history generator (cluster/pagila-cluster grow) creates past months before it writes
-- payments into them, so grown payments land in their month's partition, not in the default one.
CREATE OR REPLACE FUNCTION ensure_payment_partition(month timestamptz) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    month_start timestamptz := date_trunc('month', month AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    month_end timestamptz := month_start + interval '1 month';
    partition_name text := 'payment_p' || to_char(month_start AT TIME ZONE 'UTC', 'YYYY_MM');
BEGIN
    IF to_regclass('public.' || partition_name) IS NOT NULL THEN
        RETURN false;
    END IF;
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
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION ensure_payment_partition(timestamptz) FROM PUBLIC;

CREATE OR REPLACE FUNCTION ensure_payment_partitions(months_ahead integer DEFAULT 1) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    created integer := 0;
BEGIN
    FOR i IN 0..months_ahead LOOP
        IF ensure_payment_partition(now() + make_interval(months => i)) THEN
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END
$$;
REVOKE ALL ON FUNCTION ensure_payment_partitions(integer) FROM PUBLIC;
