#pragma once
// The one summary line every connection ends with (docs/operations.md, "Logs"):
// event=conn outcome=accepted|denied|failed src=… src_service=… dst_service=… peer=… serial=…
// reason="…" authz_ms=… bytes_in=… bytes_out=… dur_ms=… tls_resumed=true|false
// [decision_source=agent|local|stale intention="default/web => default/db"|default] if authorized
// revoked: an accepted connection closed because the intentions changed to deny it (reason and
// intention are then the revoking decision's, end="revoked"); audit_denied: under -audit, a
// connection the intentions deny, let through and marked. Both are logged at warn.
// Outbound (upstream) connections: event=conn direction=outbound outcome=accepted|failed
// upstream=… dst=<server SPIFFE ID> dst_service=… src_service=<ours> peer=<local client>
// instance=<ip:port> attempts=N reason="…" bytes_in=… bytes_out=… dur_ms=… tls_resumed=true|false

#include <cstdint>
#include <string>
#include <string_view>

#include "proxy/log_fields.hpp"

namespace gatehouse::proxy {

enum class Outcome { accepted, denied, failed, revoked, audit_denied };
enum class Direction { inbound, outbound };

std::string_view to_string(Outcome outcome);

// Who decided: the agent's authorize answer, our own evaluation of the watched intentions, or
// either of those remembered from before the agent became unreachable (-authz-fail last-known).
enum class DecisionSource { none, agent, local, stale };

std::string_view to_string(DecisionSource source);

struct ConnRecord {
  std::uint64_t conn_id = 0;
  Outcome outcome = Outcome::failed;
  std::string src;             // the caller's SPIFFE ID, once the handshake gave one
  std::string src_service;     // the caller's service name
  std::string dst_service;     // the service this sidecar represents
  std::string peer;            // ip:port of the TCP peer
  std::string serial;          // the client certificate's serial (colon hex)
  std::string reason;          // Consul's Reason verbatim for authorize answers, else ours
  std::int64_t authz_ms = -1;  // -1: authorize was not called
  std::int64_t authz_us = -1;  // the same wait in microseconds, for the latency histogram
  DecisionSource decision_source = DecisionSource::none;
  std::string intention;  // `default/web => default/db` (as Consul's reason), `default`, or empty
  std::uint64_t bytes_in = 0;   // client -> app
  std::uint64_t bytes_out = 0;  // app -> client
  std::int64_t dur_ms = 0;
  bool tls_resumed = false;  // the handshake resumed a TLS session (no certificate exchange)
  std::string end;           // how an accepted connection's relay ended (empty: not relayed)
  // Outbound only. bytes_in is then upstream -> local client, bytes_out local client -> upstream
  // (in: from the network side, as for inbound).
  Direction direction = Direction::inbound;
  std::string upstream;  // the upstream's destination name
  std::string dst;       // the SPIFFE ID the chosen instance presented
  std::string instance;  // ip:port of the last instance tried
  std::int64_t attempts = 0;
};

// The fields in the documented order; `conn` (the connection id) comes last so the documented
// prefix reads the same in every line.
LogFields conn_fields(const ConnRecord& record);

// Writes the line: accepted at info, denied and failed at warn (they are what operators look for).
void log_conn(const ConnRecord& record);

}  // namespace gatehouse::proxy
