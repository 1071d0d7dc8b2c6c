package io.ippipe.jobs.probe;

import io.ippipe.common.input.ProxyProtocol;
import io.ippipe.common.probe.ProbeResult;
import io.ippipe.common.probe.ProbeSettings;
import io.ippipe.common.probe.ProbeTarget;
import io.ippipe.common.probe.ProxyChecker;
import io.ippipe.common.probe.ProxyCredentials;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One Spark task's checks: its endpoints go through one {@link ProxyChecker} on the executor's
 * shared event loop, up to probe.concurrency at once. Input rows: ip, port, protocol, supplier,
 * reason, source_file (the inventory file that listed the endpoint: with its address, what
 * probe.credential_owners decides its credentials by). Output: one {@link ProbeJob#PROBES} row
 * per attempt.
 */
final class ProbeTask implements MapPartitionsFunction<Row, Row> {
  /** What the judge sees as this JVM's address, asked once per executor and judge. */
  private static final Map<String, String> OWN_ADDRESS = new ConcurrentHashMap<>();

  private final ProbeSettings settings;
  private final int ioThreads;
  private final Broadcast<ProxyCredentials> credentials;

  ProbeTask(ProbeSettings settings, int ioThreads, Broadcast<ProxyCredentials> credentials) {
    this.settings = settings;
    this.ioThreads = ioThreads;
    this.credentials = credentials;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) throws Exception {
    ProxyCredentials creds = credentials.value();
    Map<String, String> reasons = new HashMap<>();
    List<ProbeTarget> targets = new ArrayList<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      ProbeTarget t = new ProbeTarget(r.getString(0), r.getInt(1),
          ProxyProtocol.fromText(r.getString(2)), r.getString(3));
      targets.add(t.withCredentials(creds.lookup(t, r.getString(5))));
      reasons.put(key(t), r.getString(4));
    }
    if (targets.isEmpty()) {
      return java.util.Collections.emptyIterator();
    }
    ProxyChecker checker = new ProxyChecker(settings, ProxyChecker.sharedGroup(ioThreads));
    String judge = settings.judgeAuthority() + settings.judgePath();
    String own = OWN_ADDRESS.computeIfAbsent(judge,
        j -> java.util.Objects.requireNonNullElse(checker.discoverOwnAddress(), ""));
    if (!own.isEmpty()) {
      checker.addOwnAddress(own);
    }
    List<ProbeResult> results = checker.checkAll(targets.iterator());
    Map<String, Integer> lastAttempt = new HashMap<>();
    for (ProbeResult r : results) {
      lastAttempt.merge(key(r.target()), r.attempt(), Math::max);
    }
    List<Row> out = new ArrayList<>(results.size());
    for (ProbeResult r : results) {
      ProbeTarget t = r.target();
      out.add(RowFactory.create(t.ip(), t.port(), t.protocol().text(), t.supplier(),
          reasons.get(key(t)), r.attempt(), lastAttempt.get(key(t)) == r.attempt(),
          new Timestamp(r.startedAtMs()), r.outcome().text(), r.connectMs(), r.handshakeMs(),
          r.ttfbMs(), r.totalMs(), r.httpStatus(), r.exitIp(), r.exitIpMatches(),
          r.anonymity() == null ? null : r.anonymity().text(), r.detail()));
    }
    return out.iterator();
  }

  private static String key(ProbeTarget t) {
    return t.protocol().text() + "://" + t.endpoint();
  }
}
