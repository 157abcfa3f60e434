-- The price book, versioned config: each version is immutable once written and published to
-- fleet.price-book.v1 through the outbox. Amounts are numeric (exact), never floating point.

CREATE TABLE orchestrator.price_book_versions (
    version         integer     PRIMARY KEY CHECK (version >= 1),
    effective_from  timestamptz NOT NULL,
    currency        char(3)     NOT NULL,
    created_at      timestamptz NOT NULL
);

CREATE TABLE orchestrator.price_book_prices (
    version     integer NOT NULL REFERENCES orchestrator.price_book_versions (version),
    position    integer NOT NULL,
    model       text    NOT NULL,
    meter       text    NOT NULL,
    unit_price  numeric NOT NULL CHECK (unit_price >= 0),
    per         bigint  NOT NULL CHECK (per > 0),
    PRIMARY KEY (version, position),
    UNIQUE (version, model, meter)
);
