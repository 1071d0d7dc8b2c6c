// Runs every DuckDB example of a doc against a real lake, so that a renamed column or table breaks
// CI instead of an analyst's query. A block is a DuckDB example when the paragraph before its
// fence names DuckDB (the rule of the docs test that runs the Spark SQL blocks, DocsSqlTest).
// Usage (through scripts/check-duckdb-docs.sh): node check-duckdb-docs.mjs DOC LAKE
// The examples name the demo's lake, out/demo/lake; LAKE replaces it.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';

const [doc, lake] = process.argv.slice(2);
const parts = fs.readFileSync(doc, 'utf8').split(/^```.*$/m);
// parts alternate: prose, code, prose, code, ...; a code part's fence line said sql or not.
const fences = [...fs.readFileSync(doc, 'utf8').matchAll(/^```(.*)$/mg)].map((m) => m[1].trim());
const examples = [];
for (let i = 1; i < parts.length; i += 2) {
  const prose = parts[i - 1].trim().split(/\n\s*\n/).pop() ?? '';
  if (fences[i - 1] === 'sql' && /DuckDB/.test(prose)) {
    examples.push(parts[i].trim().replaceAll('out/demo/lake', lake));
  }
}
if (examples.length === 0) {
  console.error(`check-duckdb-docs: no DuckDB example in ${doc}`);
  process.exit(1);
}
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
let failed = 0;
for (const sql of examples) {
  const first = sql.split('\n')[0];
  try {
    const rows = (await c.runAndReadAll(sql)).getRows();
    // Every example asks about data the demo writes: no row means it asks the wrong thing.
    if (rows.length === 0) {
      failed++;
      console.error(`FAIL (no rows): ${first}`);
    } else {
      console.log(`ok (${rows.length} rows): ${first}`);
    }
  } catch (e) {
    failed++;
    console.error(`FAIL: ${first}\n  ${e.message}`);
  }
}
console.log(`check-duckdb-docs: ${examples.length - failed} of ${examples.length} DuckDB examples of ${doc} ran`);
process.exit(failed === 0 ? 0 : 1);
