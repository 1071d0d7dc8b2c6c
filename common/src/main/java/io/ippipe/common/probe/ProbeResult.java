package io.ippipe.common.probe;

/**
 * One attempt of one check. Times are milliseconds from the start of the attempt's phase; null
 * where the phase was not reached (or, for the handshake, does not exist: plain HTTP proxies).
 *
 * @param startedAtMs wall-clock start of the attempt, epoch milliseconds
 * @param connectMs TCP connect to the proxy
 * @param handshakeMs the CONNECT or SOCKS handshake after the TCP connect
 * @param ttfbMs from sending the request to the first byte of the response
 * @param totalMs the whole attempt
 * @param exitIp the origin address the judge saw
 * @param exitIpMatches whether that is the listed address; null without a judge answer
 * @param detail a short, credential-free description of a failure
 */
public record ProbeResult(ProbeTarget target, int attempt, long startedAtMs, ProbeOutcome outcome,
    Double connectMs, Double handshakeMs, Double ttfbMs, double totalMs, Integer httpStatus,
    String exitIp, Boolean exitIpMatches, Anonymity anonymity, String detail) {}
