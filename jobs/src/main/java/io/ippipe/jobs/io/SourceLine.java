package io.ippipe.jobs.io;

import java.io.Serializable;

/**
 * One raw input line and where it came from. {@code splitStart} and {@code indexInSplit} locate
 * it inside its Hadoop split; {@link LineNumbers} turns them into a 1-based line number after
 * every split's length is known, so large files are still read in parallel.
 */
public final class SourceLine implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String file;
  public final long splitStart;
  public final long indexInSplit;
  public final byte[] bytes;

  public SourceLine(String file, long splitStart, long indexInSplit, byte[] bytes) {
    this.file = file;
    this.splitStart = splitStart;
    this.indexInSplit = indexInSplit;
    this.bytes = bytes;
  }
}
