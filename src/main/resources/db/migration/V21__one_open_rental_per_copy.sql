-- A copy is with at most one customer at a time, whatever the application does: of two concurrent rentals
-- of the same copy, the second waits for the first to commit and then fails with 23505.
CREATE UNIQUE INDEX rental_one_open_per_inventory ON rental (inventory_id) WHERE return_date IS NULL;
