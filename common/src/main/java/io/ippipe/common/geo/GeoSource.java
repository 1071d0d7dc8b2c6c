package io.ippipe.common.geo;

/**
 * One loaded source: its ranges and its provenance, recorded in the run metrics.
 *
 * @param kind mmdb, csv-ranges, cidr-list
 * @param databaseType the database's own type name (mmdb metadata), else the kind
 * @param buildEpoch seconds since 1970 of the database build (mmdb metadata), else the file's
 *     modification time
 */
public record GeoSource(String name, String path, String kind, String databaseType,
    long buildEpoch, RangeTable ranges) {}
