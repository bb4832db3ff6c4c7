-- Deliberately invalid: the migration job must fail and name this file.
CREATE TABLE broken_table (id bigint PRIMARY KEY;
