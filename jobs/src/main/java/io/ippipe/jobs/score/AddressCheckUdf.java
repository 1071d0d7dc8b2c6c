package io.ippipe.jobs.score;

import io.ippipe.common.ip.IpText;
import io.ippipe.common.ip.SpecialPurpose;
import io.ippipe.common.score.Blocklists;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Per proxy address: the first blocklist holding it, and whether it is globally reachable. */
final class AddressCheckUdf implements UDF1<byte[], Row> {
  static final StructType RESULT = new StructType()
      .add("blocklist", DataTypes.StringType, true)
      .add("globally_reachable", DataTypes.BooleanType, false);

  private final Broadcast<Blocklists> lists;

  AddressCheckUdf(Broadcast<Blocklists> lists) {
    this.lists = lists;
  }

  @Override
  public Row call(byte[] ip) {
    long hi = IpText.hi(ip);
    long lo = IpText.lo(ip);
    return RowFactory.create(lists.value().firstMatch(hi, lo),
        SpecialPurpose.classify(hi, lo).globallyReachable());
  }
}
