package io.ippipe.jobs.validate;

import io.ippipe.common.error.RejectReason;
import io.ippipe.common.input.GatewayRequest;
import io.ippipe.common.input.Parsed;
import io.ippipe.common.input.ProxyEndpoint;
import io.ippipe.common.ip.IpAddress;
import java.sql.Timestamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Builds parsed rows (see {@link Schemas#parsed}) from parse outcomes. */
final class Rows {
  private Rows() {}

  static final int INVENTORY_COLUMNS = Schemas.INVENTORY.size() - 2;
  static final int REQUEST_COLUMNS = Schemas.REQUESTS.size() - 2;

  static Row inventory(String file, long split, long index, int record, Parsed<ProxyEndpoint> p,
      String raw) {
    Object[] v = new Object[4 + INVENTORY_COLUMNS + 4];
    position(v, file, split, index, record);
    if (p.isValid()) {
      ProxyEndpoint e = p.value();
      int i = 4;
      v[i++] = e.ip().toString();
      v[i++] = e.ip().version();
      v[i++] = e.ip().toBytes();
      v[i++] = e.port();
      v[i++] = e.protocol().text();
      v[i++] = e.proxyType() == null ? null : e.proxyType().text();
      v[i++] = e.supplier();
      v[i++] = e.claimedCountry();
      v[i++] = e.hasCredentials();
      v[i] = e.anonymity();
    } else {
      reject(v, p.reason(), p.detail(), raw);
    }
    return RowFactory.create(v);
  }

  static Row request(String file, long split, long index, Parsed<GatewayRequest> p, String raw) {
    Object[] v = new Object[4 + REQUEST_COLUMNS + 4];
    position(v, file, split, index, 0);
    if (p.isValid()) {
      GatewayRequest r = p.value();
      int i = 4;
      v[i++] = timestamp(r.tsMicros());
      v[i++] = r.clientIp().toString();
      v[i++] = r.clientIp().version();
      v[i++] = r.clientIp().toBytes();
      v[i++] = r.clientClass();
      IpAddress proxy = r.proxyIp();
      v[i++] = proxy == null ? null : proxy.toString();
      v[i++] = proxy == null ? null : proxy.version();
      v[i++] = proxy == null ? null : proxy.toBytes();
      v[i++] = r.proxyPort();
      v[i++] = r.proxyClass();
      v[i++] = proxy != null;
      v[i++] = r.hierarchyCode();
      v[i++] = r.resultCode();
      v[i++] = r.httpStatus();
      v[i++] = r.elapsedMs();
      v[i++] = r.bytes();
      v[i++] = r.method();
      v[i++] = r.targetHost();
      v[i++] = r.authenticated();
      v[i] = r.exitIp() == null ? null : r.exitIp().toString();
    } else {
      reject(v, p.reason(), p.detail(), raw);
    }
    return RowFactory.create(v);
  }

  static Row rejectOnly(int datasetColumns, String file, long split, long index, RejectReason reason,
      String detail, String raw) {
    Object[] v = new Object[4 + datasetColumns + 4];
    position(v, file, split, index, 0);
    reject(v, reason, detail, raw);
    return RowFactory.create(v);
  }

  private static void position(Object[] v, String file, long split, long index, int record) {
    v[0] = file;
    v[1] = split;
    v[2] = index;
    v[3] = record;
  }

  private static void reject(Object[] v, RejectReason reason, String detail, String raw) {
    int n = v.length;
    v[n - 4] = reason.name();
    v[n - 3] = reason.code();
    v[n - 2] = detail;
    v[n - 1] = raw;
  }

  static Timestamp timestamp(long micros) {
    Timestamp t = new Timestamp(Math.floorDiv(micros, 1000L));
    t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return t;
  }
}
