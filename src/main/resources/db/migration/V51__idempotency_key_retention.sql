-- Idempotency keys are kept for pagila.idempotency.keep (a day by default), long enough for any client's retry of a
-- lost answer; older ones are deleted by their owner (IdempotencyKeyRetention), so the table does not grow with every
-- write the store ever took. The index makes that delete read only what it removes. pagila_app gets no DELETE.
CREATE INDEX idempotency_key_created_at ON idempotency_key (created_at);
