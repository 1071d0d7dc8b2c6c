package io.ippipe.jobs.ingest;

import io.ippipe.common.error.RejectReason;
import io.ippipe.common.input.GatewayRequest;
import io.ippipe.common.input.Parsed;
import io.ippipe.common.input.ProxyEndpoint;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.score.RequestOutcome;
import java.util.Locale;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The rows the parsers hand to Spark, in Spark's internal form (no Row conversion per value):
 * a parsed request still holds the customer's plaintext address, in executor memory only, until
 * {@link RequestColumns} turns it into the requests table's columns; a parsed inventory record
 * carries its position and, when rejected, the reason.
 */
final class ParsedRows {
  private ParsedRows() {}

  static final StructType REQUEST = StructType.fromDDL("ts TIMESTAMP, client_ip STRING, "
      + "client_ip_version INT, client_ip_bytes BINARY, client_class STRING, proxy_ip STRING, "
      + "proxy_ip_version INT, proxy_ip_bytes BINARY, proxy_port INT, proxy_class STRING, "
      + "hierarchy_code STRING, result_code STRING, http_status INT, outcome STRING, "
      + "elapsed_ms BIGINT, bytes BIGINT, method STRING, target_host STRING, "
      + "authenticated BOOLEAN, exit_ip STRING, source_file STRING");

  /** Position, the inventory columns, and the reject's (null for a valid record). */
  static final StructType INVENTORY = StructType.fromDDL("source_file STRING, "
      + "split_start BIGINT, index_in_split BIGINT, record_index INT, ip STRING, "
      + "ip_version INT, ip_bytes BINARY, port INT, protocol STRING, proxy_type STRING, "
      + "supplier STRING, claimed_country STRING, has_credentials BOOLEAN, anonymity STRING, "
      + "reason STRING, reason_code INT, detail STRING, raw STRING");

  static final int INVENTORY_FILE = INVENTORY.fieldIndex("source_file");
  static final int INVENTORY_SPLIT_START = INVENTORY.fieldIndex("split_start");
  static final int INVENTORY_RECORD_INDEX = INVENTORY.fieldIndex("record_index");
  static final int INVENTORY_REASON = INVENTORY.fieldIndex("reason");

  private static final UTF8String[] OUTCOMES = new UTF8String[RequestOutcome.values().length];

  static {
    for (RequestOutcome o : RequestOutcome.values()) {
      OUTCOMES[o.ordinal()] = UTF8String.fromString(o.name().toLowerCase(Locale.ROOT));
    }
  }

  static SpecificInternalRow newRow(StructType schema) {
    return new SpecificInternalRow(schema);
  }

  static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }

  /** The outcome column's text for one request: success, connect_failure, ban, upstream_error. */
  static String outcome(int status, String resultCode) {
    return RequestOutcome.classify(status, resultCode).name().toLowerCase(Locale.ROOT);
  }

  static void fillRequest(SpecificInternalRow row, GatewayRequest r, UTF8String sourceFile) {
    row.setLong(0, r.tsMicros());
    setAddress(row, 1, r.clientIp());
    row.update(4, utf8(r.clientClass()));
    setAddress(row, 5, r.proxyIp());
    setInt(row, 8, r.proxyPort());
    row.update(9, utf8(r.proxyClass()));
    row.update(10, utf8(r.hierarchyCode()));
    row.update(11, utf8(r.resultCode()));
    row.setInt(12, r.httpStatus());
    row.update(13, OUTCOMES[RequestOutcome.classify(r.httpStatus(), r.resultCode()).ordinal()]);
    if (r.elapsedMs() == null) {
      row.setNullAt(14);
    } else {
      row.setLong(14, r.elapsedMs());
    }
    row.setLong(15, r.bytes());
    row.update(16, utf8(r.method()));
    row.update(17, utf8(r.targetHost()));
    row.setBoolean(18, r.authenticated());
    row.update(19, r.exitIp() == null ? null : utf8(r.exitIp().toString()));
    row.update(20, sourceFile);
  }

  /** text, version, 16 bytes at {@code at}, {@code at + 1}, {@code at + 2}; nulls for none. */
  private static void setAddress(SpecificInternalRow row, int at, IpAddress ip) {
    if (ip == null) {
      row.setNullAt(at);
      row.setNullAt(at + 1);
      row.setNullAt(at + 2);
      return;
    }
    row.update(at, utf8(ip.toString()));
    row.setInt(at + 1, ip.version());
    row.update(at + 2, ip.toBytes());
  }

  private static void setInt(SpecificInternalRow row, int at, Integer v) {
    if (v == null) {
      row.setNullAt(at);
    } else {
      row.setInt(at, v);
    }
  }

  /** One inventory record, valid or rejected, at its position. */
  static SpecificInternalRow inventory(UTF8String file, long splitStart, long index, int record,
      Parsed<ProxyEndpoint> p, String raw) {
    return inventory(file, splitStart, index, record, p, utf8(raw));
  }

  /**
   * The same with the raw text already in Spark's form: the records of one JSON array line
   * share one copy of it (200 000 copies of 512 characters were 260 MB of one task's heap).
   */
  static SpecificInternalRow inventory(UTF8String file, long splitStart, long index, int record,
      Parsed<ProxyEndpoint> p, UTF8String raw) {
    SpecificInternalRow row = newRow(INVENTORY);
    row.update(0, file);
    row.setLong(1, splitStart);
    row.setLong(2, index);
    row.setInt(3, record);
    for (int i = 4; i < INVENTORY.size(); i++) {
      row.setNullAt(i);
    }
    if (p.isValid()) {
      ProxyEndpoint e = p.value();
      setAddress(row, 4, e.ip());
      row.setInt(7, e.port());
      row.update(8, utf8(e.protocol().text()));
      row.update(9, e.proxyType() == null ? null : utf8(e.proxyType().text()));
      row.update(10, utf8(e.supplier()));
      row.update(11, utf8(e.claimedCountry()));
      row.setBoolean(12, e.hasCredentials());
      row.update(13, utf8(e.anonymity()));
    } else {
      reject(row, 14, p.reason(), p.detail(), raw);
    }
    return row;
  }

  static SpecificInternalRow inventoryReject(UTF8String file, long splitStart, long index,
      RejectReason reason, String detail, String raw) {
    return inventory(file, splitStart, index, 0, Parsed.reject(reason, detail), raw);
  }

  private static void reject(SpecificInternalRow row, int at, RejectReason reason, String detail,
      UTF8String raw) {
    row.update(at, utf8(reason.name()));
    row.setInt(at + 1, reason.code());
    row.update(at + 2, utf8(detail));
    row.update(at + 3, raw);
  }
}
