package io.ippipe.bench.spark;

import static org.apache.spark.sql.functions.col;

import io.ippipe.common.crypto.IpCiphers;
import io.ippipe.common.crypto.Scheme;
import io.ippipe.common.crypto.TextCipher;
import io.ippipe.jobs.io.Sessions;
import java.security.SecureRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Benchmark only (scripts/bench.sh), never used by a job: the addresses of a day's requests
 * encrypted two ways per scheme, into Spark's no-op sink. (1) as encrypt does it: one cipher
 * per task, its AES key schedule and prefix cache reused by every row; (2) the usual baseline:
 * the cipher (a javax.crypto.Cipher inside) created for every row. Parsing and formatting are
 * the same code in both, so the difference is the per-row cipher set-up.
 *
 * <p>Arguments: lake date
 */
public final class CipherBaselines {
  private CipherBaselines() {}

  /** The job's form: one cipher per task (transient, built on first use in the task). */
  static final class PerTask implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;
    private final Scheme scheme;
    private final byte[] key;
    private transient TextCipher cipher;

    PerTask(Scheme scheme, byte[] key) {
      this.scheme = scheme;
      this.key = key;
    }

    @Override
    public String call(String ip) {
      if (cipher == null) {
        cipher = new TextCipher(IpCiphers.create(scheme, key), 0);
      }
      return ip == null ? null : cipher.encrypt(ip);
    }
  }

  /** The baseline: a new cipher, so a new javax.crypto.Cipher and key schedule, per row. */
  static final class PerRow implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;
    private final Scheme scheme;
    private final byte[] key;

    PerRow(Scheme scheme, byte[] key) {
      this.scheme = scheme;
      this.key = key;
    }

    @Override
    public String call(String ip) {
      return ip == null ? null : new TextCipher(IpCiphers.create(scheme, key,
          new IpCiphers.Options(true, 0, null)), 0).encrypt(ip);
    }
  }

  public static void main(String[] args) {
    String lake = args[0];
    String date = args[1];
    SparkSession spark = Sessions.getOrCreate("ippipe-bench-cipher", null);
    // The lake holds no plaintext customer address: the proxy addresses of the day, with the
    // repeats and skew of log traffic, stand in for them.
    Dataset<Row> requests = spark.read().parquet(lake + "/requests/dt=" + date)
        .filter(col("proxy_ip").isNotNull()).select(col("proxy_ip").as("client_ip"));
    long rows = requests.count();
    int cores = spark.sparkContext().defaultParallelism();
    SecureRandom random = new SecureRandom();
    StringBuilder ratios = new StringBuilder("ratios (time per row, cipher per row / cipher per task):");
    java.util.List<String> json = new java.util.ArrayList<>();
    for (Scheme scheme : new Scheme[] {Scheme.IPCRYPT_DETERMINISTIC, Scheme.IPCRYPT_PFX}) {
      byte[] key = new byte[scheme.keyBytes()];
      random.nextBytes(key);
      double task = BenchTiming.noop(requests.select(functions.udf(new PerTask(scheme, key),
          DataTypes.StringType).apply(col("client_ip"))), rows, cores, scheme.id() + ", cipher per task (encrypt's way)");
      double row = BenchTiming.noop(requests.select(functions.udf(new PerRow(scheme, key),
          DataTypes.StringType).apply(col("client_ip"))), rows, cores, scheme.id() + ", cipher created per row");
      ratios.append(String.format(" %s %.1fx;", scheme.id(), row / task));
      json.add(String.format(java.util.Locale.ROOT, "\"%s\": {\"task_ns\": %.1f, \"row_ns\": %.1f}",
          scheme.id(), task, row));
    }
    System.out.println(ratios);
    // One line for scripts/bench.sh to read.
    System.out.println("{" + String.join(", ", json) + "}");
    spark.stop();
  }
}
