package io.ippipe.common.error;

/**
 * Why a record was not accepted. One enum for every dataset; the {@link #code()} is stable and
 * written to {@code rejects/} beside the name, so never renumber an entry.
 *
 * <p>{@link #structural()} reasons mark lines that carry no record by design (CSV headers, blank
 * lines, comment and banner lines of list formats). They are accounted like every other reject,
 * so that read = valid + rejected holds, but they do not count toward
 * {@code validate.max_reject_rate}.
 */
public enum RejectReason {
  BLANK_LINE(1, true, "empty or whitespace-only line"),
  HEADER_OR_COMMENT(2, true, "header, comment or banner line of a list format"),
  INVALID_ENCODING(3, false, "bytes are not valid UTF-8, or contain NUL or control characters"),
  LINE_TOO_LONG(4, false, "longer than validate.max_line_length"),
  MALFORMED_RECORD(5, false, "the record does not have the format's structure"),
  MISSING_FIELD(6, false, "a required field is absent or empty"),
  INVALID_IPV4(7, false, "not a dotted-quad IPv4 (leading zero, octal, hex, shorthand, >255)"),
  INVALID_IPV6(8, false, "not an RFC 4291 IPv6 literal"),
  INVALID_IP(9, false, "not an IP literal"),
  HOSTNAME_NOT_IP(10, false, "a host name where an IP literal is required"),
  IPV6_ZONE_ID(11, false, "IPv6 zone id (%iface) in an inventory address"),
  SPECIAL_PURPOSE_ADDRESS(12, false, "proxy address is not globally reachable (IANA registry)"),
  INVALID_PORT(13, false, "port missing, not a number, or outside 1..65535"),
  UNSUPPORTED_SCHEME(14, false, "proxy URL scheme is not http, https, socks4 or socks5"),
  INVALID_FIELD_VALUE(15, false, "a field has a value outside its domain"),
  INVALID_NUMBER(16, false, "a numeric field is not a number, negative or too large"),
  INVALID_TIMESTAMP(17, false, "timestamp unparseable or out of range"),
  INVALID_JSON(18, false, "not a JSON object"),
  WRONG_JSON_TYPE(19, false, "a JSON field has the wrong type"),
  CSV_HEADER_MISMATCH(20, false, "the file's CSV header lacks a required column"),
  INVALID_CLIENT_IP(21, false, "client address is not an IP literal"),
  UNSUPPORTED_LAYOUT(22, false, "a known log family, but a field layout ippipe does not read"),
  PARSE_FAILURE(23, false, "parsing failed unexpectedly (the detail names the error class); "
      + "the line is kept as a reject instead of failing the run"),
  TRUNCATED_INPUT(24, false, "a compressed input file ends early or is corrupt (the lines "
      + "after this record could not be read, those before it were), or a Parquet file is "
      + "corrupt (this record stands for the rows that could not be read, wherever they were; "
      + "the detail says how many)");

  private final int code;
  private final boolean structural;
  private final String description;

  RejectReason(int code, boolean structural, String description) {
    this.code = code;
    this.structural = structural;
    this.description = description;
  }

  public int code() {
    return code;
  }

  public boolean structural() {
    return structural;
  }

  public String description() {
    return description;
  }
}
