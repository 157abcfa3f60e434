package dev.fleet.metering.domain;

/** The price book versions published so far ({@code fleet.price-book.v1}). */
public interface PublishedPriceBooks {

    PriceBooks current();
}
