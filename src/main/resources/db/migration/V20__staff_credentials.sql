-- Staff sign-in. Pagila's staff.password is an unsalted SHA-1; the counter never reads it.
-- Hashes are bcrypt (modular crypt format, $2a$); only the owner writes them (store startup, `pagila-cluster staff-password`).
CREATE TABLE staff_credential (
    staff_id      integer PRIMARY KEY REFERENCES staff (staff_id),
    password_hash text NOT NULL CHECK (password_hash LIKE '$2_$%'),
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- What sign-in reads: only active staff with a credential can sign in.
CREATE VIEW staff_login AS
SELECT s.staff_id, s.username, c.password_hash, 'staff'::text AS role, s.store_id, s.first_name, s.last_name
FROM staff s
JOIN staff_credential c USING (staff_id)
WHERE s.active;

GRANT SELECT ON staff_login TO pagila_app;
