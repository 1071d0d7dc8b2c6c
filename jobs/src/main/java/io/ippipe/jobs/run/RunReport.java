package io.ippipe.jobs.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ippipe.jobs.lake.Lake;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * {@code reports/dt=D/report.html}: one self-contained page (no network, no external script)
 * with the run's stages and five charts drawn as SVG by a small inline script from the embedded
 * run.json. scripts/check-report.sh renders it in headless Chromium and fails on a script error
 * or a chart without bars.
 */
final class RunReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReport() {}

  static String write(Lake lake, LocalDate date, RunMetrics run) throws IOException {
    String file = lake.reportFile(date);
    lake.writeText(file, html(date, run.document()));
    return file;
  }

  static String html(LocalDate date, Map<String, Object> run) throws IOException {
    // "</" would end the script element early; JSON allows "<\/".
    String data = JSON.writeValueAsString(run).replace("</", "<\\/");
    StringBuilder stages = new StringBuilder();
    @SuppressWarnings("unchecked")
    List<RunJob.StageRun> runs = (List<RunJob.StageRun>) run.get("stages");
    for (RunJob.StageRun s : runs) {
      stages.append("<tr><td>").append(escape(s.stage())).append("</td><td>")
          .append(escape(s.status())).append("</td><td class=num>")
          .append(String.format("%.1f", s.seconds())).append("</td><td>")
          .append(escape(s.detail() == null ? "" : s.detail())).append("</td></tr>\n");
    }
    return TEMPLATE.replace("@DATE@", date.toString())
        .replace("@DIGEST@", escape(String.valueOf(run.get("config_digest"))))
        .replace("@STAGES@", stages.toString())
        .replace("@DATA@", data);
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static final String TEMPLATE = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8">
      <title>ippipe run @DATE@</title>
      <style>
      body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}
      h1{font-size:1.4em} h2{font-size:1.1em;margin-top:1.6em}
      table{border-collapse:collapse} td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
      td.num{text-align:right} .charts{display:grid;grid-template-columns:1fr 1fr;gap:1.5em}
      .chart svg text{font:11px system-ui,sans-serif} #errors{color:#b00}
      </style></head>
      <body>
      <h1>ippipe nightly run, @DATE@</h1>
      <p>Configuration digest <code>@DIGEST@</code>. Every figure comes from <code>_metrics/dt=@DATE@/run.json</code>.</p>
      <h2>Stages</h2>
      <table><tr><th>stage</th><th>status</th><th>seconds</th><th>detail</th></tr>
      @STAGES@</table>
      <div class="charts">
      <div><h2>Rejects by reason</h2><div class="chart" id="chart-rejects"></div></div>
      <div><h2>geo_status shares</h2><div class="chart" id="chart-geo"></div></div>
      <div><h2>Score histogram</h2><div class="chart" id="chart-scores"></div></div>
      <div><h2>Pool by country</h2><div class="chart" id="chart-pool"></div></div>
      <div><h2>Pool changes</h2><div class="chart" id="chart-changes"></div></div>
      </div>
      <pre id="errors"></pre>
      <script type="application/json" id="run-data">@DATA@</script>
      <script>
      "use strict";
      window.onerror = function (msg) { document.getElementById("errors").textContent += "error: " + msg + "\\n"; };
      const run = JSON.parse(document.getElementById("run-data").textContent);
      const NS = "http://www.w3.org/2000/svg";
      function el(name, attrs, text) {
        const e = document.createElementNS(NS, name);
        for (const k in attrs) e.setAttribute(k, attrs[k]);
        if (text !== undefined) e.textContent = text;
        return e;
      }
      // Horizontal bars, largest first; an empty series draws one "(none)" bar so that an
      // empty chart always means a drawing failure.
      function bars(id, entries, format) {
        entries = entries.filter(e => e[1] !== undefined && e[1] !== null);
        if (entries.length === 0) entries = [["(none)", 0]];
        const max = Math.max(1, ...entries.map(e => e[1]));
        // Labels are right-aligned before the bars: the column is as wide as the longest one
        // (about 7 px a character at 11 px), so that none is cut at the left edge.
        const longest = Math.max(...entries.map(e => String(e[0]).length));
        const row = 18, labelW = Math.max(120, Math.ceil(longest * 7) + 12), barW = 300,
          h = entries.length * row + 4;
        const svg = el("svg", {width: labelW + barW + 90, height: h, role: "img"});
        entries.forEach((e, i) => {
          const y = i * row + 2;
          svg.appendChild(el("text", {x: labelW - 6, y: y + 12, "text-anchor": "end"}, e[0]));
          svg.appendChild(el("rect", {x: labelW, y: y, width: Math.max(1, barW * e[1] / max), height: row - 4, fill: "#4a7bd0", "data-value": e[1]}));
          svg.appendChild(el("text", {x: labelW + Math.max(1, barW * e[1] / max) + 4, y: y + 12}, format ? format(e[1]) : String(e[1])));
        });
        document.getElementById(id).appendChild(svg);
      }
      const v = run.ingest || {};
      const rejects = [];
      for (const ds in (v.rejects_by_reason || {}))
        for (const r in v.rejects_by_reason[ds]) rejects.push([ds + ": " + r, v.rejects_by_reason[ds][r]]);
      bars("chart-rejects", rejects.sort((a, b) => b[1] - a[1]));
      const geo = [];
      for (const col in (run.geo_status || {})) {
        const counts = run.geo_status[col];
        const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
        for (const s in counts) geo.push([col + ": " + s, counts[s] / total]);
      }
      bars("chart-geo", geo, x => (100 * x).toFixed(1) + "%");
      const hist = (run.score || {}).histogram || {};
      bars("chart-scores", Object.keys(hist).sort().map(k => [k, hist[k]]));
      const byCountry = (run.pool || {}).by_country || {};
      bars("chart-pool", Object.entries(byCountry).sort((a, b) => b[1] - a[1]).slice(0, 25));
      const changes = (run.pool || {}).changes || {};
      bars("chart-changes", ["added", "removed", "kept"].map(k => [k, changes[k] || 0]));
      document.body.setAttribute("data-rendered", "yes");
      </script>
      </body></html>
      """;
}
