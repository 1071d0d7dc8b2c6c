// Runs pipeline.sql (the one-node baseline of the nightly run) on one day and times it, the
// way scripts/bench.sh times `ippipe run`: a whole process, with DUCKDB_THREADS threads (the
// run's cores; the machine's cores without it).
// Usage: node pipeline.mjs squid|parquet LOG_DIR INVENTORY_DIR COUNTRY_NUM_CSV ASN_NUM_CSV OUT_DIR
// Prints a JSON line: seconds, rows, valid requests, rejects, proxies with evidence, pool size.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [format, logs, inventory, countryCsv, asnCsv, out] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const quote = (s) => s.replaceAll("'", "''");
fs.mkdirSync(out, { recursive: true });
const ingest = fs.readFileSync(path.join(here, `ingest-${format}.sql`), 'utf8');
const sql = fs.readFileSync(path.join(here, 'pipeline.sql'), 'utf8')
  .replace('@INGEST@', () => ingest)
  .replaceAll('@LOGS@', quote(path.join(logs, 'part-*')))
  .replaceAll('@INVENTORY@', quote(path.join(inventory, 'part-*')))
  .replaceAll('@COUNTRY_CSV@', quote(countryCsv))
  .replaceAll('@ASN_CSV@', quote(asnCsv))
  .replaceAll('@OUT@', quote(out))
  .replaceAll('@KEY@', 'bench-' + Math.random().toString(36).slice(2));
const start = performance.now();
const threads = Number(process.env.DUCKDB_THREADS || os.cpus().length);
const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const c = await db.connect();
await c.run(sql);
const seconds = (performance.now() - start) / 1000;
const one = async (q) => Number(Object.values((await (await c.runAndReadAll(q)).getRowObjects())[0])[0]);
const rows = await one('SELECT count(*) FROM parsed');
const valid = await one('SELECT count(*) FROM requests');
const rejects = await one('SELECT count(*) FROM parsed WHERE reason IS NOT NULL');
const withEvidence = await one('SELECT count(*) FROM evidence');
const pool = await one(`SELECT count(*) FROM read_parquet('${quote(out)}/pool.parquet')`);
console.log(`duckdb pipeline: ${rows} log lines, ${valid} valid, ${rejects} rejected, `
  + `${withEvidence} proxies with evidence, pool ${pool}: ${seconds.toFixed(1)} s, `
  + `${Math.round(rows / seconds / threads)} log rows/s per core`);
console.log(JSON.stringify({ seconds, rows, valid, rejects, proxies_with_evidence: withEvidence,
  pool, cores: threads }));
