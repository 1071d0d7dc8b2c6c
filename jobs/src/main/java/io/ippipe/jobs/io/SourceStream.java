package io.ippipe.jobs.io;

import java.io.FilterInputStream;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/**
 * An input file's own stream, under a decompressor, with its failures marked as its own, so
 * that a compressed read's failure can be told apart: the file's stream failed (a connection
 * reset by object storage), which a retry may mend, or the data is broken (cut short, or not
 * what the codec wrote), which no retry mends. An end before the file's length is the stream's
 * failure too: object storage can end a read early, and the codec took that for a cut file, a
 * reject for ever that a retry would have read whole (and plain text lost its last lines).
 *
 * <p>It takes the file's listed length for the bytes its stream delivers. A store that lists
 * another length (S3 client-side-encrypted objects read without length compensation) would
 * fail every retry of such a file: none is known to be used with ippipe.
 */
public final class SourceStream extends FilterInputStream {
  /** A failure of the file's own stream. */
  public static final class Failure extends IOException {
    Failure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final FSDataInputStream file;
  private final long length;
  private final Path path;

  public SourceStream(FSDataInputStream file, long length, Path path) {
    super(file);
    this.file = file;
    this.length = length;
    this.path = path;
  }

  /**
   * Rethrows the file stream's failure behind a decompressor's failure; returns when the
   * failure is the data's own ("gzip stream CRC failure", "not a gzip file", bzip2's
   * "unexpected end of stream": plain IOExceptions, or a codec's RuntimeException).
   */
  public static void rethrowUnlessBrokenData(Throwable e) throws IOException {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Failure f) {
        throw f;
      }
    }
  }

  @Override
  public int read() throws IOException {
    try {
      return ended(file.read());
    } catch (Failure e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw failed(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return ended(file.read(b, off, len));
    } catch (Failure e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw failed(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return file.skip(n);
    } catch (IOException | RuntimeException e) {
      throw failed(e);
    }
  }

  @Override
  public int available() throws IOException {
    try {
      return file.available();
    } catch (IOException | RuntimeException e) {
      throw failed(e);
    }
  }

  /** Unchecked failures too: a file system client's own (a shut-down pool) are no data's. */
  private Failure failed(Exception e) {
    return new Failure("reading " + path + " failed: " + e, e);
  }

  private int ended(int n) throws IOException {
    if (n < 0 && file.getPos() < length) {
      throw new Failure("the stream of " + path + " ended at byte " + file.getPos() + " of "
          + length, null);
    }
    return n;
  }
}
