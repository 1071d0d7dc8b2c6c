// Admission rules tried offline over an `ippipe eval` simulation (docs/score.md, "Admission
// thresholds against the baselines' order"): each rule's pool on one day, its precision, recall
// and bad exposure against the day's truth, and two baselines cut to the rule's own size.
// Score does not read the pool, so re-admitting a day's scores is exact (the group cap aside).
// Usage (after scripts/bench.sh has installed DuckDB into out/tools/duckdb, which it copies
// this file into): node out/tools/duckdb/admission.mjs EVAL_DIR DAY_INDEX
// EVAL_DIR is `ippipe eval --out` (scripts/bench-pool.sh --out), day 0 its first simulated day.
// The baselines are re-implemented here in SQL after common/.../eval/Baseline.java:
// ProxyBroker's order (lifetime error rate, then latency) and the success-rate rule (at least
// 3 trials and a rate of 0.5 over the last 7 days); ties fall by a hash, as there.
import { DuckDBInstance } from '@duckdb/node-api';

const [evalDir, dayIndex] = process.argv.slice(2);
const date = new Date(Date.parse('2026-11-01T00:00:00Z') + Number(dayIndex) * 86400000)
  .toISOString().slice(0, 10);
const scores = `${evalDir}/lake/scores`;
const truth = `${evalDir}/input/truth/dt=${date}/*.parquet`;

// The record's log likelihood ratio of a good proxy (serving 0.93) against a poorer one.
const ratio = (poor) => `(evidence_successes * ln(0.93 / ${poor})`
  + ` + (evidence - evidence_successes) * ln(0.07 / ${1 - poor}))`;
const notBound = `(excluded_reason IS NULL OR excluded_reason = 'uncertain')`;
const rules = [['today: bound score >= 60, score >= 60', `excluded_reason IS NULL AND score >= 60`]];
for (const poor of [0.55, 0.65, 0.7, 0.75]) {
  for (const min of [0.5, 1, 1.5]) {
    rules.push([`ratio 0.93/${poor} >= ${min}, score >= 60`,
      `${notBound} AND score >= 60 AND ${ratio(poor)} >= ${min}`]);
  }
}
for (const min of [70, 80, 85]) {
  rules.push([`bound score >= 60, score >= ${min}`, `excluded_reason IS NULL AND score >= ${min}`]);
}

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const rows = async (sql) => (await c.runAndReadAll(sql)).getRowObjects();
await c.run(`CREATE TABLE day AS
  WITH s AS (SELECT * FROM read_parquet('${scores}/dt=${date}/*.parquet') WHERE protocol IS NOT NULL),
       t AS (SELECT ip, port, protocol, quality, listed, traffic_share FROM read_parquet('${truth}'))
  SELECT s.*, CASE WHEN t.listed THEN coalesce(t.quality, 0) ELSE 0 END AS quality,
         coalesce(t.listed, false) AS listed, coalesce(t.traffic_share, 0) AS traffic
  FROM s LEFT JOIN t USING (ip, port, protocol)`);
await c.run(`CREATE TABLE history AS
  SELECT ip, port, dt, sum(attempts + coalesce(probe_checks, 0)) AS trials,
         sum(successes + coalesce(probe_passed, 0)) AS passes, avg(latency_p50_ms) AS latency
  FROM read_parquet('${scores}/dt=*/*.parquet', hive_partitioning = true)
  WHERE dt <= DATE '${date}' AND protocol IS NOT NULL GROUP BY ALL`);
const ranked = (order, from, where) => `SELECT row_number() OVER (ORDER BY ${order}, hash(d.ip, d.port)) AS rank,
    sum((d.quality >= 0.8)::INT) OVER (ORDER BY ${order}, hash(d.ip, d.port)) AS good,
    sum(CASE WHEN d.quality < 0.5 THEN d.traffic ELSE 0 END) OVER (ORDER BY ${order}, hash(d.ip, d.port)) AS bad_traffic,
    sum(d.traffic) OVER (ORDER BY ${order}, hash(d.ip, d.port)) AS traffic
  FROM day d JOIN (${from}) h USING (ip, port) WHERE d.listed AND ${where}`;
await c.run(`CREATE TABLE broker AS ${ranked('h.errors, h.latency NULLS LAST',
  'SELECT ip, port, 1 - sum(passes) / sum(trials) AS errors, avg(latency) AS latency FROM history WHERE trials > 0 GROUP BY ALL',
  'true')}`);
await c.run(`CREATE TABLE rate AS ${ranked('h.rate DESC',
  `SELECT ip, port, sum(passes) / sum(trials) AS rate FROM history WHERE dt > DATE '${date}' - 7 GROUP BY ALL HAVING sum(trials) >= 3`,
  'h.rate >= 0.5')}`);
const evidenced = `listed AND quality >= 0.8 AND (attempts >= 5 OR coalesce(probe_passed, 0) > 0)`;
const [{ good }] = await rows(`SELECT count(*) FILTER (WHERE ${evidenced}) AS good FROM day`);
const at = async (table, size) => (await rows(`SELECT good / rank AS precision, bad_traffic / traffic AS exposure
  FROM ${table} WHERE rank = (SELECT least(${size}, max(rank)) FROM ${table})`))[0];
const f = (x, digits) => Number(x).toFixed(digits);
console.log(['day', 'rule', 'pool', 'precision', 'recall', 'bad exposure',
  "precision at its size: ProxyBroker's / success rate", 'their bad exposure'].join('\t'));
for (const [name, where] of rules) {
  const [m] = await rows(`SELECT count(*) AS size, avg((quality >= 0.8)::INT) AS precision,
      count(*) FILTER (WHERE ${evidenced}) AS found,
      sum(traffic) FILTER (WHERE quality < 0.5) / sum(traffic) AS exposure FROM day WHERE ${where}`);
  const broker = await at('broker', m.size);
  const rate = await at('rate', m.size);
  console.log([dayIndex, name, m.size, f(m.precision, 4), f(Number(m.found) / Number(good), 3),
    f(100 * m.exposure, 3) + '%', f(broker.precision, 4) + ' / ' + f(rate.precision, 4),
    f(100 * broker.exposure, 3) + '% / ' + f(100 * rate.exposure, 3) + '%'].join('\t'));
}
