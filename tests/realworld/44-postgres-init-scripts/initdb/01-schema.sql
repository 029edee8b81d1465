CREATE TABLE IF NOT EXISTS customers (
    id         SERIAL PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO customers (email) VALUES ('first@example.com');
