CREATE TABLE IF NOT EXISTS account (
	id bigint PRIMARY KEY,
	owner text NOT NULL,
	balance numeric(12, 2) NOT NULL CHECK (balance >= 0)
);

CREATE TABLE IF NOT EXISTS transfer (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	from_account bigint NOT NULL REFERENCES account (id),
	to_account bigint NOT NULL REFERENCES account (id),
	amount numeric(12, 2) NOT NULL CHECK (amount > 0),
	created_at timestamptz NOT NULL DEFAULT now()
);
