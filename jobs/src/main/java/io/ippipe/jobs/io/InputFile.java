package io.ippipe.jobs.io;

/** One input file as a stage saw it: its path, size and modification time. */
public record InputFile(String path, long size, long modified) {}
