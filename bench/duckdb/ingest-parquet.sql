-- Parquet logs (ts, client_ip, proxy_ip, proxy_port, result_code, status, elapsed_ms, bytes,
-- method, target_host, exit_ip) and a Parquet inventory (ip, port, protocol, ...), into the
-- tables pipeline.sql goes on from: parsed (every row: source_file, reason NULL when valid,
-- raw), valid (the typed fields of the valid rows, the plaintext client address still among
-- them) and inventory_lines. The columns are typed already: validation checks addresses,
-- ranges and nulls, not syntax.

CREATE TABLE parsed AS SELECT *, filename AS source_file,
    concat_ws(' ', ts, client_ip, proxy_ip, proxy_port, result_code, status, elapsed_ms) AS raw,
    CASE
      WHEN ts IS NULL OR ts NOT BETWEEN TIMESTAMP '1995-01-01' AND TIMESTAMP '2100-01-01' THEN 'INVALID_TIMESTAMP'
      WHEN client_ip IS NULL OR (v4num(client_ip) IS NULL AND NOT is_ipv6(client_ip)) THEN 'INVALID_CLIENT_IP'
      WHEN status IS NULL OR status NOT BETWEEN 0 AND 999 OR elapsed_ms IS NULL OR elapsed_ms < 0
        OR bytes < 0 THEN 'INVALID_NUMBER'
    END AS reason
  FROM read_parquet('@LOGS@', filename = true);

CREATE TABLE valid AS SELECT ts, client_ip AS client, v4num(client_ip) AS c4,
    CASE WHEN v4num(proxy_ip) IS NOT NULL OR is_ipv6(proxy_ip) THEN proxy_ip END AS proxy_ip,
    v4num(proxy_ip) AS p4, result_code, status AS http_status, elapsed_ms, bytes, method,
    lower(target_host) AS target_host, NULL::BOOLEAN AS authenticated, source_file
  FROM parsed WHERE reason IS NULL;

-- Inventory: credentials dropped.
CREATE TABLE inventory_lines AS SELECT lower(protocol) AS protocol, ip, port, v4num(ip) AS n
  FROM read_parquet('@INVENTORY@')
  WHERE lower(protocol) IN ('http', 'https', 'socks4', 'socks5') AND port BETWEEN 1 AND 65535;
