package io.ippipe.common.input;

import io.ippipe.common.ip.IpAddress;
import java.io.Serializable;

/**
 * One valid gateway log record. The proxy that served it is {@code proxyIp} (null when the log
 * names no IP: {@code DIRECT/hostname}, {@code HIER_NONE/-}, a CLF line without an upstream).
 * {@code clientClass} and {@code proxyClass} are {@code SpecialPurpose} labels ("global",
 * "private", ...): client addresses of every class are kept. {@code exitIp} is the address the
 * target saw, where the gateway logs it (structured logs' {@code exit_ip}); null otherwise.
 */
public record GatewayRequest(long tsMicros, IpAddress clientIp, String clientClass,
    IpAddress proxyIp, Integer proxyPort, String proxyClass, String hierarchyCode,
    String resultCode, int httpStatus, Long elapsedMs, long bytes, String method,
    String targetHost, boolean authenticated, IpAddress exitIp) implements Serializable {}
