// The geo range join in DuckDB, for scripts/bench.sh: the IPv4 proxy addresses of a validated
// day (the rows geotag's baselines use) against the ASN range CSV. Loads both into memory
// first (the Spark baselines also time the lookup, not the load), then times, median of three
// after a warm-up: the plain BETWEEN join (DuckDB plans it as an IEJoin) and, as DuckDB's best
// form of this lookup, an ASOF join on the range start with the end checked after.
// Usage (bench.sh copies it next to its node_modules): node bench-duckdb.mjs REQUESTS_DIR ASN_CSV
import { DuckDBInstance } from '@duckdb/node-api';
import os from 'node:os';

const [requests, asnCsv] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const q = async (sql) => (await c.runAndReadAll(sql)).getRowObjects();
const quote = (s) => `'${s.replaceAll("'", "''")}'`;
await q(`CREATE TABLE ips AS SELECT ('0x' || right(hex(proxy_ip_bytes), 8))::UBIGINT AS ip
         FROM read_parquet(${quote(requests + '/*.parquet')}) WHERE proxy_ip_version = 4`);
await q(`CREATE TABLE ranges AS SELECT column0::UBIGINT AS s, column1::UBIGINT AS e, column2::BIGINT AS asn
         FROM read_csv(${quote(asnCsv)}, header = false)`);
const rows = Number((await q('SELECT count(*) AS n FROM ips'))[0].n);
const ranges = Number((await q('SELECT count(*) AS n FROM ranges'))[0].n);
const threads = Number((await q("SELECT current_setting('threads') AS t"))[0].t);
const cores = os.cpus().length;

async function time(what, sql) {
  await q(sql);
  const runs = [];
  let found;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    found = Number((await q(sql))[0].found);
    runs.push((performance.now() - start) / 1000);
  }
  runs.sort((a, b) => a - b);
  const median = runs[1];
  const ns = median * 1e9 * cores / rows;
  console.log(`${what.padEnd(75)} ${rows.toLocaleString('en').padStart(12)} rows ${median.toFixed(2).padStart(8)} s  `
    + `${Math.round(rows / median / cores).toLocaleString('en').padStart(10)} rows/s/core  ${Math.round(ns).toLocaleString('en').padStart(8)} ns/row/core`);
  return { ns, found };
}

console.log(`DuckDB ${(await q('SELECT version() AS v'))[0].v}, ${threads} threads, ${ranges.toLocaleString('en')} ASN ranges`);
const between = await time('DuckDB BETWEEN join (IEJoin), ASN only',
  'SELECT count(asn) AS found FROM ips i LEFT JOIN ranges r ON i.ip BETWEEN r.s AND r.e');
const asof = await time('DuckDB ASOF join on the range start, ASN only',
  'SELECT count(CASE WHEN i.ip <= r.e THEN r.asn END) AS found FROM ips i ASOF LEFT JOIN ranges r ON i.ip >= r.s');
if (between.found !== asof.found) {
  console.log(`the two joins disagree: ${between.found} against ${asof.found} addresses found`);
  process.exit(1);
}
console.log(JSON.stringify({ duckdb_between_ns: between.ns, duckdb_asof_ns: asof.ns, found: between.found }));
