-- Squid native access.log lines and a URL inventory, into the tables pipeline.sql goes on from:
-- parsed (every row: source_file, reason NULL when valid, raw), valid (the typed fields of the
-- valid rows, the plaintext client address still among them) and inventory_lines.

-- Logs: one line a row, split on white space.
CREATE TABLE lines AS SELECT filename AS source_file, line,
    regexp_split_to_array(trim(line), '\s+') AS f
  FROM read_csv('@LOGS@', columns = {'line': 'VARCHAR'}, sep = chr(1), quote = '', escape = '',
    header = false, filename = true, auto_detect = false, strict_mode = false, null_padding = true);
CREATE TABLE parsed AS SELECT *, line AS raw,
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

CREATE TABLE valid AS SELECT
    make_timestamp((split_part(f[1], '.', 1)::BIGINT * 1000000
      + coalesce(TRY_CAST(rpad(split_part(f[1], '.', 2), 6, '0') AS BIGINT), 0))::BIGINT) AS ts,
    f[3] AS client, c4, CASE WHEN p4 IS NOT NULL OR is_ipv6(peer) THEN peer END AS proxy_ip, p4,
    split_part(f[4], '/', 1) AS result_code, split_part(f[4], '/', 2)::INT AS http_status,
    f[2]::BIGINT AS elapsed_ms, f[5]::BIGINT AS bytes, f[6] AS method,
    lower(regexp_extract(f[7], '^(?:[a-z]+://)?([^/:]+)', 1)) AS target_host,
    f[8] <> '-' AS authenticated, source_file
  FROM (SELECT *, v4num(f[3]) AS c4, split_part(f[9], '/', 2) AS peer,
               v4num(split_part(f[9], '/', 2)) AS p4
        FROM parsed WHERE reason IS NULL);

-- Inventory: scheme://[user:pass@]host:port, credentials dropped.
CREATE TABLE inventory_lines AS SELECT protocol, trim(host, '[]') AS ip, port,
    v4num(trim(host, '[]')) AS n
  FROM (SELECT lower(regexp_extract(line, '^([a-z0-9]+)://', 1)) AS protocol,
               regexp_extract(line, '^[a-z0-9]+://(?:.*@)?(\[[^\]]+\]|[^:/@]+):(\d{1,5})$', 1) AS host,
               TRY_CAST(regexp_extract(line, ':(\d{1,5})$', 1) AS INT) AS port
        FROM read_csv('@INVENTORY@', columns = {'line': 'VARCHAR'}, sep = chr(1), quote = '',
          escape = '', header = false, auto_detect = false, strict_mode = false,
          null_padding = true))
  WHERE protocol IN ('http', 'https', 'socks4', 'socks5') AND port BETWEEN 1 AND 65535;
