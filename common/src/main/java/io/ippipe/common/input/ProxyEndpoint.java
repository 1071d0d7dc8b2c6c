package io.ippipe.common.input;

import io.ippipe.common.ip.IpAddress;
import java.io.Serializable;

/**
 * One valid inventory entry. Credentials are never kept: only whether the entry had any.
 * Nullable: proxyType, supplier, claimedCountry (ISO 3166-1 alpha-2, upper case), anonymity
 * (status lists' N/A/H as transparent/anonymous/elite).
 */
public record ProxyEndpoint(IpAddress ip, int port, ProxyProtocol protocol, ProxyType proxyType,
    String supplier, String claimedCountry, boolean hasCredentials, String anonymity) implements Serializable {}
