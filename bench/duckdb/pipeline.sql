-- The one-node baseline of the nightly run (scripts/bench.sh): the same job as `ippipe run`
-- (ingest, score, publish) on the same day, written as a user would write it in DuckDB SQL.
-- Squid text logs and a URL inventory in; a pseudonymised requests table, rejects, scores and a
-- capped pool per (country, protocol) out, as Parquet. IPv4 geo by ASOF joins on DB-IP country
-- and ASN range CSVs; the customer's address pseudonymised with a keyed SHA-256 (DuckDB has no
-- ipcrypt); validation by regular expressions. Placeholders (@NAME@) are filled in by pipeline.mjs.

CREATE MACRO v4num(ip) AS
  CASE WHEN regexp_matches(ip, '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$')
  THEN (split_part(ip, '.', 1)::UBIGINT << 24) + (split_part(ip, '.', 2)::UBIGINT << 16)
     + (split_part(ip, '.', 3)::UBIGINT << 8) + split_part(ip, '.', 4)::UBIGINT END;
CREATE MACRO is_ipv6(ip) AS regexp_matches(ip, '^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$') AND length(ip) <= 45;

CREATE TABLE country AS SELECT column0::UBIGINT AS s, column1::UBIGINT AS e, column2 AS cc
  FROM read_csv('@COUNTRY_CSV@', header = false);
CREATE TABLE asn AS SELECT column0::UBIGINT AS s, column1::UBIGINT AS e, column2::BIGINT AS asn,
  column3 AS as_org FROM read_csv('@ASN_CSV@', header = false);

-- Logs: one line a row, split on white space.
CREATE TABLE lines AS SELECT filename AS source_file, line,
    regexp_split_to_array(trim(line), '\s+') AS f
  FROM read_csv('@LOGS@', columns = {'line': 'VARCHAR'}, sep = chr(1), quote = '', escape = '',
    header = false, filename = true, auto_detect = false, strict_mode = false, null_padding = true);
CREATE TABLE parsed AS SELECT *,
    CASE
      WHEN line IS NULL OR trim(line) = '' THEN 'BLANK_LINE'
      WHEN len(f) <> 10 THEN 'MALFORMED_RECORD'
      WHEN NOT regexp_matches(f[1], '^\d{9,11}(\.\d{1,6})?$')
        OR TRY_CAST(split_part(f[1], '.', 1) AS BIGINT) NOT BETWEEN 788918400 AND 4102444800 THEN 'INVALID_TIMESTAMP'
      WHEN NOT regexp_matches(f[2], '^\d{1,18}$') THEN 'INVALID_NUMBER'
      WHEN v4num(f[3]) IS NULL AND NOT is_ipv6(f[3]) THEN 'INVALID_CLIENT_IP'
      WHEN NOT regexp_matches(f[4], '^[^/]+/\d{3}$') THEN 'INVALID_NUMBER'
      WHEN NOT regexp_matches(f[5], '^\d{1,18}$') THEN 'INVALID_NUMBER'
      WHEN position('/' IN f[9]) <= 1 THEN 'MALFORMED_RECORD'
    END AS reason
  FROM lines;

CREATE TABLE valid AS SELECT *, CASE WHEN p4 IS NOT NULL OR is_ipv6(peer) THEN peer END AS proxy_ip
  FROM (SELECT *, v4num(f[3]) AS c4, split_part(f[9], '/', 2) AS peer,
               v4num(split_part(f[9], '/', 2)) AS p4
        FROM parsed WHERE reason IS NULL);
CREATE TABLE requests AS SELECT
    make_timestamp((split_part(f[1], '.', 1)::BIGINT * 1000000
      + coalesce(TRY_CAST(rpad(split_part(f[1], '.', 2), 6, '0') AS BIGINT), 0))::BIGINT) AS ts,
    substr(sha256('@KEY@' || f[3]), 1, 32) AS client_ip,
    c_geo.cc AS client_country_code, c_asn.asn AS client_asn, c_asn.as_org AS client_as_org,
    r.proxy_ip, cp.cc AS proxy_country_code, ap.asn AS proxy_asn, ap.as_org AS proxy_as_org,
    split_part(f[4], '/', 1) AS result_code, split_part(f[4], '/', 2)::INT AS http_status,
    CASE WHEN split_part(f[4], '/', 1) LIKE 'TCP_DENIED%' OR split_part(f[4], '/', 2)::INT IN (403, 407, 429) THEN 'ban'
         WHEN split_part(f[4], '/', 2)::INT IN (0, 504) THEN 'connect_failure'
         WHEN split_part(f[4], '/', 2)::INT BETWEEN 500 AND 599 THEN 'upstream_error'
         ELSE 'success' END AS outcome,
    f[2]::BIGINT AS elapsed_ms, f[5]::BIGINT AS bytes, f[6] AS method,
    lower(regexp_extract(f[7], '^(?:[a-z]+://)?([^/:]+)', 1)) AS target_host,
    f[8] <> '-' AS authenticated, source_file
  FROM valid r
  ASOF LEFT JOIN country c_geo ON r.c4 >= c_geo.s
  ASOF LEFT JOIN asn c_asn ON r.c4 >= c_asn.s
  ASOF LEFT JOIN country cp ON r.p4 >= cp.s
  ASOF LEFT JOIN asn ap ON r.p4 >= ap.s;
COPY requests TO '@OUT@/requests.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (SELECT source_file, reason, line AS raw FROM parsed WHERE reason IS NOT NULL)
  TO '@OUT@/rejects.parquet' (FORMAT parquet, COMPRESSION zstd);

-- Inventory: scheme://[user:pass@]host:port, credentials dropped, geo by the same joins.
-- (Parsed into a table of its own first: with the filter inline, DuckDB 1.5 planned the ASOF
-- joins below so badly that 5 000 lines took minutes.)
CREATE TABLE inventory_lines AS SELECT protocol, trim(host, '[]') AS ip, port,
    v4num(trim(host, '[]')) AS n
  FROM (SELECT lower(regexp_extract(line, '^([a-z0-9]+)://', 1)) AS protocol,
               regexp_extract(line, '^[a-z0-9]+://(?:.*@)?(\[[^\]]+\]|[^:/@]+):(\d{1,5})$', 1) AS host,
               TRY_CAST(regexp_extract(line, ':(\d{1,5})$', 1) AS INT) AS port
        FROM read_csv('@INVENTORY@', columns = {'line': 'VARCHAR'}, sep = chr(1), quote = '',
          escape = '', header = false, auto_detect = false, strict_mode = false,
          null_padding = true))
  WHERE protocol IN ('http', 'https', 'socks4', 'socks5') AND port BETWEEN 1 AND 65535;
CREATE TABLE inventory AS SELECT DISTINCT ON (ip, port, protocol) i.protocol, i.ip, i.port,
    g.cc AS country_code, a.asn, a.as_org
  FROM inventory_lines i
  ASOF LEFT JOIN country g ON i.n >= g.s
  ASOF LEFT JOIN asn a ON i.n >= a.s
  WHERE i.n IS NOT NULL OR is_ipv6(i.ip);

-- Score: the day's evidence per proxy address (Squid names no port: every listed endpoint of the
-- address gets it), the Wilson lower bound of the success rate, latency, bans, a prior.
CREATE TABLE evidence AS SELECT proxy_ip, count(*) AS attempts,
    count(*) FILTER (outcome = 'success') AS successes, count(*) FILTER (outcome = 'ban') AS bans,
    quantile_cont(elapsed_ms, 0.9) FILTER (outcome = 'success') AS p90
  FROM requests WHERE proxy_ip IS NOT NULL GROUP BY proxy_ip;
CREATE TABLE scores AS SELECT i.*, coalesce(e.attempts, 0) AS attempts, e.successes, e.bans, e.p90,
    round(100 * ((coalesce(e.attempts, 0) * obs + 20 * 0.5) / (coalesce(e.attempts, 0) + 20)), 1) AS score
  FROM inventory i LEFT JOIN evidence e ON e.proxy_ip = i.ip
  CROSS JOIN LATERAL (SELECT CASE WHEN e.attempts > 0 THEN
      (0.7 * ((e.successes / e.attempts + 1.9208 / e.attempts
          - 1.96 * sqrt((e.successes / e.attempts * (1 - e.successes / e.attempts) + 0.9604 / e.attempts) / e.attempts))
        / (1 + 3.8416 / e.attempts))
       + 0.3 * greatest(0, least(1, (8000 - coalesce(e.p90, 0)) / 7200.0)))
      * (1 - e.bans / e.attempts) ELSE 0.5 END AS obs) s;
COPY scores TO '@OUT@/scores.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY country_code, protocol
        ORDER BY score DESC, ip, port) AS rank FROM scores WHERE score >= 40) WHERE rank <= 5000)
  TO '@OUT@/pool.parquet' (FORMAT parquet, COMPRESSION zstd);
