package io.ippipe.jobs.cli;

import io.ippipe.common.config.Keys;
import io.ippipe.jobs.run.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"One pass over a day's inventory and gateway logs: every record parsed once,"
        + " validated, geo-tagged and the customer's address pseudonymised; writes requests/,"
        + " inventory/, rejects/ and _metrics/dt=D/ingest.json (run --stage ingest --force).",
        "read = valid + rejected per input file, proved against what was written."})
final class IngestCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, description = "The date, YYYY-MM-DD.")
  String date;

  @Option(names = "--out", required = true, description = "Output root (the lake).")
  String out;

  @Mixin DayInputs inputs;

  @Option(names = "--inventory-format", description = "Overrides validate.inventory.format.")
  String inventoryFormat;

  @Option(names = "--log-format", description = "Overrides validate.requests.format.")
  String logFormat;

  @Option(names = "--key-id", description = "Overrides encrypt.key_id.")
  String keyId;

  @Option(names = "--client-detail",
      description = "Also the customer's region, city and coordinates (geo.client_detail=true).")
  boolean clientDetail;

  @Override
  public Integer call() throws Exception {
    Map<String, String> extra = new LinkedHashMap<>();
    if (inventoryFormat != null) {
      extra.put(Keys.VALIDATE_INVENTORY_FORMAT.name(), inventoryFormat);
    }
    if (logFormat != null) {
      extra.put(Keys.VALIDATE_REQUESTS_FORMAT.name(), logFormat);
    }
    if (keyId != null) {
      extra.put(Keys.ENCRYPT_KEY_ID.name(), keyId);
    }
    if (clientDetail) {
      extra.put(Keys.GEO_CLIENT_DETAIL.name(), "true");
    }
    return StageRunner.stage(Stage.INGEST, common.resolve(extra), date, out, inputs.inventory,
        inputs.requests, common.master);
  }
}
