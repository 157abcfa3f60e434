package dev.fleet.orchestrator.persistence;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import dev.fleet.events.v1.Meter;
import dev.fleet.orchestrator.domain.billing.PriceBookStore;
import dev.fleet.orchestrator.domain.billing.PriceBookVersion;
import dev.fleet.orchestrator.domain.billing.PriceEntry;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Price book versions in {@code orchestrator.price_book_versions} and {@code price_book_prices} (numeric). */
@Repository
public class R2dbcPriceBookStore implements PriceBookStore {

    private final DatabaseClient db;

    public R2dbcPriceBookStore(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<Void> lockVersions() {
        // readers are not blocked; a second writer waits for this transaction
        return db.sql("LOCK TABLE orchestrator.price_book_versions IN SHARE ROW EXCLUSIVE MODE").then();
    }

    @Override
    public Mono<PriceBookVersion> latest() {
        return db.sql("SELECT max(version) AS version FROM orchestrator.price_book_versions")
                .map(row -> java.util.Optional.ofNullable(row.get("version", Integer.class)))
                .one()
                .flatMap(version -> version.map(this::find).orElseGet(Mono::empty));
    }

    @Override
    public Mono<Void> insert(PriceBookVersion version) {
        Mono<Void> header = db.sql("""
                INSERT INTO orchestrator.price_book_versions (version, effective_from, currency, created_at)
                VALUES (:version, :effectiveFrom, :currency, :createdAt)""")
                .bind("version", version.version())
                .bind("effectiveFrom", version.effectiveFrom())
                .bind("currency", version.currency())
                .bind("createdAt", version.createdAt())
                .then();
        return header.thenMany(Flux.range(0, version.prices().size()).concatMap(position -> {
            PriceEntry price = version.prices().get(position);
            return db.sql("""
                    INSERT INTO orchestrator.price_book_prices (version, position, model, meter, unit_price, per)
                    VALUES (:version, :position, :model, :meter, :unitPrice, :per)""")
                    .bind("version", version.version())
                    .bind("position", position)
                    .bind("model", price.model())
                    .bind("meter", price.meter().name())
                    .bind("unitPrice", price.unitPrice())
                    .bind("per", price.per())
                    .then();
        })).then();
    }

    @Override
    public Flux<PriceBookVersion> all() {
        return prices(null).flatMapMany(prices -> db.sql("""
                SELECT version, effective_from, currency, created_at FROM orchestrator.price_book_versions
                ORDER BY version""")
                .map(row -> {
                    int version = row.get("version", Integer.class);
                    return new PriceBookVersion(version, row.get("effective_from", Instant.class),
                            row.get("currency", String.class), prices.getOrDefault(version, List.of()),
                            row.get("created_at", Instant.class));
                })
                .all());
    }

    @Override
    public Mono<PriceBookVersion> find(int version) {
        return prices(version).flatMap(prices -> db.sql("""
                SELECT effective_from, currency, created_at FROM orchestrator.price_book_versions
                WHERE version = :version""")
                .bind("version", version)
                .map(row -> new PriceBookVersion(version, row.get("effective_from", Instant.class),
                        row.get("currency", String.class), prices.getOrDefault(version, List.of()),
                        row.get("created_at", Instant.class)))
                .one());
    }

    /** The prices of {@code version} (null: of every version), per version in position order. */
    private Mono<Map<Integer, List<PriceEntry>>> prices(Integer version) {
        DatabaseClient.GenericExecuteSpec select = version == null
                ? db.sql("""
                        SELECT version, model, meter, unit_price, per FROM orchestrator.price_book_prices
                        ORDER BY version, position""")
                : db.sql("""
                        SELECT version, model, meter, unit_price, per FROM orchestrator.price_book_prices
                        WHERE version = :version ORDER BY position""").bind("version", version);
        return select.map(row -> Map.entry(row.get("version", Integer.class), new PriceEntry(
                        row.get("model", String.class), Meter.valueOf(row.get("meter", String.class)),
                        row.get("unit_price", BigDecimal.class), row.get("per", Long.class))))
                .all()
                .collect(Collectors.groupingBy(Map.Entry::getKey, java.util.LinkedHashMap::new,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }
}
