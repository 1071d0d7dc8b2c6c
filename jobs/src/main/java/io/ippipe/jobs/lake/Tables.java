package io.ippipe.jobs.lake;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * Every table of the lake, declared once: name, columns, partitioning, and the personal-data
 * flag. Jobs write through {@link StageOutput#write}, which refuses rows whose columns differ
 * from the declaration; {@code ippipe sql} registers one view per table; docs/tables.md
 * describes each column. Addresses are RFC 5952 text, the family and 16 network-order bytes
 * (IPv4 as IPv4-mapped), which sort and range-compare correctly in Spark SQL, Trino and DuckDB.
 */
public final class Tables {
  private static final Map<String, Table> ALL = new LinkedHashMap<>();

  private static final String PROXY_GEO = "country_code STRING, region STRING, city STRING, "
      + "latitude DOUBLE, longitude DOUBLE, time_zone STRING, asn BIGINT, as_org STRING, "
      + "network_type STRING, is_anonymous_vpn BOOLEAN, is_public_proxy BOOLEAN, "
      + "is_residential_proxy BOOLEAN, is_tor_exit BOOLEAN, is_hosting_provider BOOLEAN, "
      + "geo_status STRING";

  /**
   * One row per valid gateway log record, written once by ingest. The customer's address is
   * pseudonymised ({@code encrypt.scheme} under {@code key_id}); its geo is coarse unless
   * {@code geo.client_detail} asks for region, city and coordinates. Proxy addresses are the
   * provider's own and stay plaintext.
   *
   * <p>The address columns are written without a dictionary. parquet-mr hashes every value of
   * a dictionary column and looks it up in a map of objects, and a file of 250 000 requests
   * holds tens of thousands of distinct addresses: JFR put 14% of a 2 M run's CPU samples in
   * those lookups (docs/performance.md). A real day's customer addresses overflow a column
   * chunk's 1 MB dictionary anyway, which then falls back to plain encoding.
   */
  public static final Table REQUESTS = table("requests", "ts TIMESTAMP NOT NULL, "
      + "client_ip STRING NOT NULL, client_ip_version INT, client_ip_bytes BINARY, "
      + "client_class STRING NOT NULL, client_country_code STRING, client_region STRING, "
      + "client_city STRING, client_latitude DOUBLE, client_longitude DOUBLE, client_asn BIGINT, "
      + "client_as_org STRING, client_network_type STRING, client_geo_status STRING, "
      + "key_id STRING NOT NULL, "
      + "proxy_ip STRING, proxy_ip_version INT, proxy_ip_bytes BINARY, proxy_port INT, "
      + "proxy_class STRING, proxy_country_code STRING, proxy_region STRING, proxy_city STRING, "
      + "proxy_asn BIGINT, proxy_as_org STRING, proxy_network_type STRING, "
      + "proxy_geo_status STRING, "
      + "hierarchy_code STRING, result_code STRING, http_status INT NOT NULL, "
      + "outcome STRING NOT NULL, elapsed_ms BIGINT, bytes BIGINT NOT NULL, method STRING, "
      + "target_host STRING, authenticated BOOLEAN NOT NULL, exit_ip STRING, "
      + "source_file STRING NOT NULL",
      List.of(Lake.DATE_COLUMN), false, "one row per valid gateway log record",
      List.of("client_ip", "client_ip_bytes", "proxy_ip", "proxy_ip_bytes"));

  /**
   * One row per proxy endpoint that carried requests that day: the request evidence score reads,
   * gathered by ingest as it parsed the requests (never by reading them back). Squid native logs
   * name no proxy port: their evidence is per address, with a null port.
   */
  public static final Table EVIDENCE = table("evidence", "proxy_ip STRING NOT NULL, "
      + "proxy_port INT, attempts BIGINT NOT NULL, successes BIGINT NOT NULL, "
      + "connect_failures BIGINT NOT NULL, bans BIGINT NOT NULL, upstream_errors BIGINT NOT NULL, "
      + "bytes BIGINT NOT NULL, exit_observed BIGINT NOT NULL, exit_mismatches BIGINT NOT NULL, "
      + "latency_p50_ms DOUBLE, latency_p90_ms DOUBLE, latency_p99_ms DOUBLE, "
      + "distinct_targets BIGINT NOT NULL, first_seen TIMESTAMP NOT NULL, "
      + "last_seen TIMESTAMP NOT NULL",
      List.of(Lake.DATE_COLUMN), false, "one row per proxy endpoint with requests: evidence");

  /** One row per distinct (ip, port, protocol) of the day's valid inventory records, with geo. */
  public static final Table INVENTORY = table("inventory", "ip STRING NOT NULL, "
      + "ip_version INT NOT NULL, ip_bytes BINARY NOT NULL, port INT NOT NULL, "
      + "protocol STRING NOT NULL, proxy_type STRING, supplier STRING, claimed_country STRING, "
      + "has_credentials BOOLEAN NOT NULL, anonymity STRING, source_file STRING NOT NULL, "
      + "source_line BIGINT NOT NULL, listed_count INT NOT NULL, "
      + "listed_in ARRAY<STRING> NOT NULL, " + PROXY_GEO,
      List.of(Lake.DATE_COLUMN), false, "one row per distinct listed proxy endpoint");

  /** One row per rejected record; raw text with credentials and IP literals masked. */
  public static final Table REJECTS = table("rejects", "source_file STRING NOT NULL, "
      + "source_line BIGINT NOT NULL, record_index INT NOT NULL, reason STRING NOT NULL, "
      + "reason_code INT NOT NULL, detail STRING, raw STRING",
      List.of(Lake.DATE_COLUMN, "dataset"), false, "one row per rejected input record");

  public static final Table PROBES = table("probes", "ip STRING NOT NULL, port INT NOT NULL, "
      + "protocol STRING NOT NULL, supplier STRING, reason STRING NOT NULL, "
      + "attempt INT NOT NULL, final_attempt BOOLEAN NOT NULL, checked_at TIMESTAMP NOT NULL, "
      + "outcome STRING NOT NULL, connect_ms DOUBLE, handshake_ms DOUBLE, ttfb_ms DOUBLE, "
      + "total_ms DOUBLE NOT NULL, http_status INT, exit_ip STRING, exit_ip_matches BOOLEAN, "
      + "anonymity STRING, detail STRING",
      List.of(Lake.DATE_COLUMN), false, "one row per active check attempt");

  public static final Table PROBE_STATE = table("probe_state", "ip STRING NOT NULL, "
      + "port INT NOT NULL, protocol STRING NOT NULL, supplier STRING, "
      + "first_checked_at TIMESTAMP NOT NULL, last_checked_at TIMESTAMP NOT NULL, "
      + "last_outcome STRING NOT NULL, last_ok_at TIMESTAMP, consecutive_failures INT NOT NULL, "
      + "checks_total BIGINT NOT NULL, next_due_at TIMESTAMP NOT NULL",
      List.of(Lake.DATE_COLUMN), false, "the re-check schedule, one row per checked endpoint");

  public static final Table SCORES = table("scores", "ip STRING, port INT, protocol STRING, "
      + "ip_bytes BINARY, proxy_type STRING, supplier STRING, claimed_country STRING, "
      + "country_code STRING, region STRING, city STRING, asn BIGINT, as_org STRING, "
      + "network_type STRING, in_inventory BOOLEAN, blocklist STRING, "
      + "globally_reachable BOOLEAN, attempts BIGINT, successes BIGINT, connect_failures BIGINT, "
      + "bans BIGINT, upstream_errors BIGINT, success_rate DOUBLE, bytes BIGINT, "
      + "distinct_targets BIGINT, exit_observed BIGINT, exit_mismatches BIGINT, "
      + "exit_mismatch_rate DOUBLE, latency_p50_ms DOUBLE, latency_p90_ms DOUBLE, "
      + "latency_p99_ms DOUBLE, first_seen TIMESTAMP, last_seen TIMESTAMP, last_listed DATE, "
      + "days_since_last_seen INT, days_since_listed INT, previous_dt DATE, "
      + "previous_health DOUBLE, previous_evidence DOUBLE, previous_successes DOUBLE, "
      + "probe_checks BIGINT, probe_passed BIGINT, probe_median_ms DOUBLE, availability DOUBLE, "
      + "latency_score DOUBLE, ban_rate DOUBLE, observed DOUBLE, carried_evidence DOUBLE, "
      + "evidence DOUBLE, evidence_successes DOUBLE, health DOUBLE, record_rate DOUBLE, "
      + "freshness DOUBLE, geo_consistency STRING, geo_factor DOUBLE, type_consistency STRING, "
      + "type_factor DOUBLE, bound_score DOUBLE, score DOUBLE, excluded_reason STRING",
      List.of(Lake.DATE_COLUMN), false, "one row per proxy endpoint: evidence and score");

  public static final Table POOL = table("pool", "`group` STRING, member STRING, score DOUBLE, "
      + "rank INT, protocol STRING, ip STRING, port INT, country_code STRING, region STRING, "
      + "city STRING, asn BIGINT, as_org STRING, network_type STRING, proxy_type STRING, "
      + "supplier STRING, attempts BIGINT, availability DOUBLE, latency_p90_ms DOUBLE",
      List.of(Lake.DATE_COLUMN), false, "the selected pool");

  public static final Table POOL_CHANGES = table("pool_changes", "member STRING, change STRING, "
      + "reason STRING, old_group STRING, new_group STRING, old_score DOUBLE, new_score DOUBLE",
      List.of(Lake.DATE_COLUMN), false, "added, removed and kept pool members");

  private Tables() {}

  private static Table table(String name, String ddl, List<String> partitioning,
      boolean personalData, String description) {
    return table(name, ddl, partitioning, personalData, description, List.of());
  }

  private static Table table(String name, String ddl, List<String> partitioning,
      boolean personalData, String description, List<String> withoutDictionary) {
    if (personalData) {
      // The lake is private by default: a table of plaintext personal data has no place in it.
      throw new IllegalStateException("Table " + name + " would hold plaintext personal data");
    }
    Table t = new Table(name, StructType.fromDDL(ddl), partitioning, personalData, description,
        withoutDictionary);
    if (ALL.put(name, t) != null) {
      throw new IllegalStateException("Duplicate table " + name);
    }
    return t;
  }

  public static List<Table> all() {
    return Collections.unmodifiableList(new ArrayList<>(ALL.values()));
  }

  public static Table byName(String name) {
    Table t = ALL.get(name);
    if (t == null) {
      throw new IllegalArgumentException("No table " + name + "; tables are " + ALL.keySet());
    }
    return t;
  }
}
