--liquibase formatted sql

--changeset poolwise:1
-- Runs longer than the session statement timeout the migration tests configure for requests
SELECT pg_sleep(1.2);
CREATE TABLE migrated (id integer PRIMARY KEY);
