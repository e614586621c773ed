-- A write retried with the same key returns the first outcome instead of renting or charging twice. The key row is
-- written in the same transaction as the rental or return it names, so either both exist or neither: a write
-- whose answer was lost (a timeout, a dropped connection) is found by its key on the retry.
CREATE TABLE idempotency_key (
    staff_id    integer     NOT NULL REFERENCES staff (staff_id),
    key         text        NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
    request     text        NOT NULL CHECK (length(request) <= 200),  -- what was asked, e.g. rent:customer=1:copy=7
    receipt     jsonb,                                                -- the answer given; set before commit
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (staff_id, key)
);
GRANT SELECT, INSERT, UPDATE (receipt) ON idempotency_key TO pagila_app;

-- Choosing a copy for "rent any copy of this film" locks it (SELECT ... FOR UPDATE SKIP LOCKED), so two staff
-- renting the same film at once get different copies instead of one of them a conflict. Row locks need an
-- UPDATE privilege on some column; this one column is all the store gets.
GRANT UPDATE (last_update) ON inventory TO pagila_app;
