-- Failed-login limiting, shared by every users-api instance: one row per account, counting the
-- password checks reserved in its current window (see LoginAttempts in users-api).
-- account_key is 'user:<id>' for a known user, whichever login (username or email) named it, or
-- 'login:<sha-256 of the normalised login>' for an unknown one, so a password typed into the
-- username field is never stored.
CREATE TABLE login_attempts (
    account_key text        PRIMARY KEY,
    window_end  timestamptz NOT NULL,
    attempts    integer     NOT NULL CHECK (attempts >= 0)
);

-- Finished windows are deleted now and then.
CREATE INDEX login_attempts_window_end_idx ON login_attempts (window_end);
