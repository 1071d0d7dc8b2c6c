package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.common.config.PipelineConfig;
import io.ippipe.common.geo.GeoCatalog;
import io.ippipe.jobs.geotag.GeotagJob;
import io.ippipe.jobs.io.Sessions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "geotag", mixinStandardHelpOptions = true,
    description = {"Add country, region, city, coordinates, time zone, ASN, AS organisation, network"
        + " type, anonymity flags and geo_status to one date's validated tables.",
        "Writes enriched/<dataset>/dt=D/ and _metrics/dt=D/geotag.json."})
final class GeotagCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(GeotagCommand.class);

  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date to geo-tag, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Option(names = "--client-ip", description = "Also geo-tag requests.client_ip (geo.client_ip=true).")
  boolean clientIp;

  @Override
  public Integer call() throws Exception {
    Map<String, String> extra = new LinkedHashMap<>();
    if (clientIp) {
      extra.put(Keys.GEO_CLIENT_IP.name(), "true");
    }
    PipelineConfig config = common.resolve(extra);
    java.time.LocalDate day = Dates.parse(date);
    // Sources are read and checked before Spark starts: a missing, corrupt or stale database
    // exits 2 with nothing written.
    long start = System.nanoTime();
    GeoCatalog catalog = GeotagJob.catalog(config);
    LOG.info("geo index {} compiled in {} ms from {}", catalog.index(),
        (System.nanoTime() - start) / 1_000_000, catalog.sources());
    SparkSession spark = Sessions.getOrCreate("ippipe-geotag", common.master);
    GeotagJob.Result r = GeotagJob.run(spark, config, catalog, new GeotagJob.Options(day, out));
    for (GeotagJob.DatasetResult d : r.datasets()) {
      System.out.printf("%-9s %,d rows geo-tagged, geo_status %s -> %s%n", d.dataset(), d.rows(),
          d.geoStatus(), d.output());
    }
    System.out.println("metrics: " + r.metricsFile());
    return 0;
  }
}
