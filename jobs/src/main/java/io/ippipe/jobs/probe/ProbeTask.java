package io.ippipe.jobs.probe;

import io.ippipe.common.input.ProxyProtocol;
import io.ippipe.common.probe.ProbeResult;
import io.ippipe.common.probe.ProbeTarget;
import io.ippipe.common.probe.Prober;
import io.ippipe.common.probe.ProxyCredentials;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One Spark task's checks, answered by the run's {@link Prober} (the network, or eval's
 * simulation). Input rows: ip, port, protocol, supplier,
 * reason, listed_in (every inventory file that listed the endpoint: with its address, what
 * probe.credential_owners decides its credentials by). Output: one {@link ProbeJob#PROBES} row
 * per attempt.
 */
final class ProbeTask implements MapPartitionsFunction<Row, Row> {
  private final Prober prober;
  private final Broadcast<ProxyCredentials> credentials;

  ProbeTask(Prober prober, Broadcast<ProxyCredentials> credentials) {
    this.prober = prober;
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
      targets.add(t.withCredentials(creds.lookup(t, r.getList(5))));
      reasons.put(key(t), r.getString(4));
    }
    if (targets.isEmpty()) {
      return java.util.Collections.emptyIterator();
    }
    List<ProbeResult> results = prober.checkAll(targets);
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
