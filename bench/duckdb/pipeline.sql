-- The one-node baseline of the nightly run (scripts/bench.sh): the same job as `ippipe run`
-- (ingest, score, publish) on the same day, written as a user would write it in DuckDB SQL.
-- The day's logs and inventory in (ingest-squid.sql for Squid text logs and a URL inventory,
-- ingest-parquet.sql for Parquet ones, put in place below); a pseudonymised requests table, rejects,
-- scores and a capped pool per (country, protocol) out, as Parquet. IPv4 geo by ASOF joins on
-- DB-IP country and ASN range CSVs; the customer's address pseudonymised with a keyed SHA-256
-- (DuckDB has no ipcrypt); validation by regular expressions. Placeholders (@NAME@) are filled
-- in by pipeline.mjs.

CREATE MACRO v4num(ip) AS
  CASE WHEN regexp_matches(ip, '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$')
  THEN (split_part(ip, '.', 1)::UBIGINT << 24) + (split_part(ip, '.', 2)::UBIGINT << 16)
     + (split_part(ip, '.', 3)::UBIGINT << 8) + split_part(ip, '.', 4)::UBIGINT END;
-- Eight groups (six and an IPv4 tail), or fewer with one '::' (loose, but it refuses
-- 2001:db8:2ce:1 as ippipe does).
CREATE MACRO colons(ip) AS length(ip) - length(replace(ip, ':', ''));
CREATE MACRO is_ipv6(ip) AS regexp_matches(ip, '^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$') AND length(ip) <= 45
  AND (colons(ip) = 7 OR (colons(ip) = 6 AND strpos(ip, '.') > 0)
       OR (strpos(ip, '::') > 0 AND colons(ip) <= 7));

CREATE TABLE country AS SELECT column0::UBIGINT AS s, column1::UBIGINT AS e, column2 AS cc
  FROM read_csv('@COUNTRY_CSV@', header = false);
CREATE TABLE asn AS SELECT column0::UBIGINT AS s, column1::UBIGINT AS e, column2::BIGINT AS asn,
  column3 AS as_org FROM read_csv('@ASN_CSV@', header = false);

@INGEST@

-- Requests: geo for client and proxy, the client's address pseudonymised; rejects as read.
CREATE TABLE requests AS SELECT r.ts, substr(sha256('@KEY@' || r.client), 1, 32) AS client_ip,
    c_geo.cc AS client_country_code, c_asn.asn AS client_asn, c_asn.as_org AS client_as_org,
    r.proxy_ip, cp.cc AS proxy_country_code, ap.asn AS proxy_asn, ap.as_org AS proxy_as_org,
    r.result_code, r.http_status,
    CASE WHEN r.result_code LIKE 'TCP_DENIED%' OR r.http_status IN (403, 407, 429) THEN 'ban'
         WHEN r.http_status IN (0, 504) THEN 'connect_failure'
         WHEN r.http_status BETWEEN 500 AND 599 THEN 'upstream_error'
         ELSE 'success' END AS outcome,
    r.elapsed_ms, r.bytes, r.method, r.target_host, r.authenticated, r.source_file
  FROM valid r
  ASOF LEFT JOIN country c_geo ON r.c4 >= c_geo.s
  ASOF LEFT JOIN asn c_asn ON r.c4 >= c_asn.s
  ASOF LEFT JOIN country cp ON r.p4 >= cp.s
  ASOF LEFT JOIN asn ap ON r.p4 >= ap.s;
COPY requests TO '@OUT@/requests.parquet' (FORMAT parquet, COMPRESSION zstd);
COPY (SELECT source_file, reason, raw FROM parsed WHERE reason IS NOT NULL)
  TO '@OUT@/rejects.parquet' (FORMAT parquet, COMPRESSION zstd);

-- Inventory: geo by the same joins. (inventory_lines is a table of its own: with the parsing
-- inline, DuckDB 1.5 planned these ASOF joins so badly that 5 000 lines took minutes.)
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
