package io.ippipe.jobs.geotag;

import io.ippipe.common.geo.GeoIndex;
import io.ippipe.common.geo.GeoRecords;
import io.ippipe.common.geo.TagCache;
import io.ippipe.common.ip.IpText;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The shipped geo index ({@link GeoBroadcast}) as geotag's generated code reads it inside an
 * executor: each of the index's strings converted to Spark's UTF8String once per JVM, when
 * first looked up, so that a looked-up field is written without encoding a String per row. One
 * per executor JVM and shipment, shared by its tasks. Converting lazily matters: a day touches a
 * small part of a city database's strings, and converting all of them up front held the first
 * task for 1.7 s.
 *
 * <p>Record codes: a record id (0 or more), {@link GeoIndex#NOT_FOUND}, {@link GeoIndex#SPECIAL},
 * or {@link #INVALID} for a value that is not a 16-byte address.
 */
public final class GeoExecutorTable {
  public static final int INVALID = -3;

  private static final UTF8String OK = UTF8String.fromString("ok");
  private static final UTF8String NOT_FOUND = UTF8String.fromString("not_found");
  private static final UTF8String SPECIAL = UTF8String.fromString("special");
  private static final UTF8String INVALID_STATUS = UTF8String.fromString("invalid");
  private static final UTF8String UNKNOWN = UTF8String.fromString("unknown");

  private static volatile GeoExecutorTable current;

  private final String shipment;
  private final GeoIndex index;
  private final GeoRecords records;
  private final AtomicReferenceArray<UTF8String> strings;

  private GeoExecutorTable(String shipment, GeoIndex index) {
    this.shipment = shipment;
    this.index = index;
    this.records = index.records();
    this.strings = new AtomicReferenceArray<>(records.stringCount());
  }

  /** The table of this shipment; built by the first task of the JVM that needs it. */
  public static GeoExecutorTable of(GeoBroadcast geo) {
    GeoExecutorTable t = current;
    if (t != null && t.shipment.equals(geo.key())) {
      return t;
    }
    synchronized (GeoExecutorTable.class) {
      t = current;
      if (t == null || !t.shipment.equals(geo.key())) {
        t = new GeoExecutorTable(geo.key(), geo.index());
        current = t;
      }
      return t;
    }
  }

  /** The record code of an address column's value, looked up without a cache. */
  public int recordOf(byte[] address) {
    return recordOf(address, null);
  }

  /** {@link GeoIndex#tag}, through the cache when there is one; {@link #INVALID} unless 16 bytes. */
  private int recordOf(byte[] address, TagCache cache) {
    if (address.length != 16) {
      return INVALID;
    }
    long hi = IpText.hi(address);
    long lo = IpText.lo(address);
    return cache == null ? index.tag(hi, lo) : cache.tag(hi, lo);
  }

  /** A cached tagger for one task and column (generated code holds one per expression). */
  public Tagger tagger() {
    return new Tagger(new TagCache(index));
  }

  /** {@link #recordOf} through a {@link TagCache}; not thread-safe. */
  public final class Tagger {
    private final TagCache cache;

    Tagger(TagCache cache) {
      this.cache = cache;
    }

    public int recordOf(byte[] address) {
      return GeoExecutorTable.this.recordOf(address, cache);
    }
  }

  /** String field by {@link GeoRecords#stringId} position; null for none or no record. */
  public UTF8String string(int record, int field) {
    if (record < 0) {
      return null;
    }
    int s = records.stringId(record, field);
    return s < 0 ? null : utf8(s);
  }

  /**
   * Tasks of the JVM may race to convert the same string: both store equal values, so either
   * store is correct and no lock is needed; release/acquire publishes a converted value whole
   * (on x86 both are plain moves).
   */
  private UTF8String utf8(int stringId) {
    UTF8String u = strings.getAcquire(stringId);
    if (u == null) {
      u = UTF8String.fromString(records.stringAt(stringId));
      strings.setRelease(stringId, u);
    }
    return u;
  }

  /** A record's network type, "unknown" when no source or list gave one; null for no record. */
  public UTF8String networkType(int record) {
    if (record < 0) {
      return null;
    }
    int s = records.stringId(record, 5);
    return s < 0 ? UNKNOWN : utf8(s);
  }

  /** which: 0 latitude, 1 longitude; NaN for none. */
  public double coordinate(int record, int which) {
    return record < 0 ? Double.NaN : records.coordinateOrNaN(record, which);
  }

  /** The ASN, or Long.MIN_VALUE for none. */
  public long asn(int record) {
    return record < 0 ? Long.MIN_VALUE : records.asnOr(record, Long.MIN_VALUE);
  }

  /** {@link GeoRecords#flagBits}: 0 unknown, 1 false, 2 true. */
  public int flag(int record, int which) {
    return record < 0 ? 0 : records.flagBits(record, which);
  }

  public UTF8String status(int record) {
    if (record >= 0) {
      return OK;
    }
    return record == GeoIndex.SPECIAL ? SPECIAL : record == INVALID ? INVALID_STATUS : NOT_FOUND;
  }
}
