package dev.fleet.scorer.domain;

/** A query vector whose length is not that of the collection's vectors (e.g. another embedding model). */
public class DimensionMismatchException extends IllegalArgumentException {

    private final int query;
    private final int collection;

    public DimensionMismatchException(int query, int collection) {
        super("the query vector has " + query + " dimensions, the collection's vectors have " + collection);
        this.query = query;
        this.collection = collection;
    }

    public int queryDimensions() {
        return query;
    }

    public int collectionDimensions() {
        return collection;
    }
}
