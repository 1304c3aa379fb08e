-- Failed sign-ins per user name on this workstation, for the lockout with growing delays.
-- Kept per node (not synced): the delay protects this keyboard; the hashes are checked here.
CREATE TABLE sign_in_failures (
    username TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
) STRICT;
