package io.ippipe.jobs.ingest;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.ippipe.common.input.GatewayRequest;
import io.ippipe.common.ip.IpAddress;
import io.ippipe.common.score.EndpointEvidence;
import io.ippipe.common.score.RequestOutcome;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jpountz.lz4.LZ4BlockInputStream;
import net.jpountz.lz4.LZ4BlockOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import scala.Tuple2;

/**
 * One task attempt's request evidence per proxy endpoint ({@link EndpointEvidence}), gathered
 * as the pass parses, beside the table its rows go to: LZ4 blocks in the stage's scratch
 * directory, named by partition and attempt. The pass's tally names the file of each task's
 * successful attempt; the job merges those into the {@code evidence} table, so that score never
 * reads the requests again.
 */
final class EvidenceFile {
  /** An endpoint as the requests table names it: proxy_ip text and proxy_port (or none). */
  record Endpoint(String ip, Integer port) implements Serializable {}

  private EvidenceFile() {}

  /** The evidence of one task, keyed by the parsed address (cheap to hash), not its text. */
  static final class Gatherer {
    private record Key(IpAddress ip, Integer port) {}

    private final Map<Key, EndpointEvidence> endpoints = new HashMap<>();
    private long requests;

    void add(GatewayRequest r) {
      IpAddress proxy = r.proxyIp();
      if (proxy == null) {
        return;
      }
      requests++;
      EndpointEvidence e = endpoints.computeIfAbsent(new Key(proxy, r.proxyPort()),
          k -> new EndpointEvidence());
      IpAddress exit = r.exitIp();
      e.add(RequestOutcome.classify(r.httpStatus(), r.resultCode()), r.elapsedMs(), r.bytes(),
          r.tsMicros(), exit != null, exit != null && !exit.equals(proxy), r.targetHost());
    }

    long endpoints() {
      return endpoints.size();
    }

    /** Requests with a proxy address: what the evidence's attempts must add up to. */
    long requests() {
      return requests;
    }

    /** Writes the file; returns its name, or null when no request named a proxy. */
    String write(String dir, int partition, long attempt, Configuration conf) throws IOException {
      if (endpoints.isEmpty()) {
        return null;
      }
      Path path = new Path(dir, String.format("part-%05d-%d.evidence.lz4", partition, attempt));
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          new LZ4BlockOutputStream(path.getFileSystem(conf).create(path, true), 1 << 16), 1 << 16))) {
        for (Map.Entry<Key, EndpointEvidence> e : endpoints.entrySet()) {
          out.writeUTF(e.getKey().ip().toString());
          out.writeInt(e.getKey().port() == null ? -1 : e.getKey().port());
          // As the bytes the merge works on, so that reading needs no decoding.
          byte[] evidence = e.getValue().toBytes();
          out.writeInt(evidence.length);
          out.write(evidence);
        }
      }
      return path.getName();
    }
  }

  /** Every endpoint's evidence in one file, as bytes to merge. */
  static Iterator<Tuple2<Endpoint, byte[]>> read(String file, Configuration conf) {
    Path path = new Path(file);
    List<Tuple2<Endpoint, byte[]>> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        new LZ4BlockInputStream(path.getFileSystem(conf).open(path)), 1 << 16))) {
      while (true) {
        String ip;
        try {
          ip = in.readUTF();
        } catch (EOFException end) {
          break;
        }
        int port = in.readInt();
        out.add(new Tuple2<>(new Endpoint(ip, port < 0 ? null : port),
            in.readNBytes(in.readInt())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the evidence file " + file, e);
    }
    return out.iterator();
  }

  /**
   * One endpoint's evidence as the merge gathers it: each task's entry decoded once and merged
   * in place (decoding both sides and encoding the result at every step of a reduce cost the
   * merge about a quarter of its task time). Written as its bytes should Spark spill it, by
   * Java serialisation or by Kryo, whichever {@code spark.serializer} names.
   */
  static final class Merged implements Serializable, KryoSerializable {
    private static final long serialVersionUID = 1L;
    private transient EndpointEvidence evidence;

    Merged(byte[] first) {
      evidence = EndpointEvidence.fromBytes(first);
    }

    Merged add(byte[] more) {
      evidence.merge(EndpointEvidence.fromBytes(more));
      return this;
    }

    Merged merge(Merged other) {
      evidence.merge(other.evidence);
      return this;
    }

    EndpointEvidence evidence() {
      return evidence;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      byte[] bytes = evidence.toBytes();
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    private void readObject(ObjectInputStream in) throws IOException {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      evidence = EndpointEvidence.fromBytes(bytes);
    }

    @Override
    public void write(Kryo kryo, Output out) {
      byte[] bytes = evidence.toBytes();
      out.writeInt(bytes.length);
      out.writeBytes(bytes);
    }

    @Override
    public void read(Kryo kryo, Input in) {
      evidence = EndpointEvidence.fromBytes(in.readBytes(in.readInt()));
    }
  }
}
