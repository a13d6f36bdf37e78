#include "proxy/decision_log.hpp"

#include "proxy/logger.hpp"

namespace gatehouse::proxy {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::accepted:
      return "accepted";
    case Outcome::denied:
      return "denied";
    case Outcome::failed:
      return "failed";
    case Outcome::revoked:
      return "revoked";
    case Outcome::audit_denied:
      return "audit_denied";
  }
  return "failed";
}

std::string_view to_string(DecisionSource source) {
  switch (source) {
    case DecisionSource::none:
      return "none";
    case DecisionSource::agent:
      return "agent";
    case DecisionSource::local:
      return "local";
    case DecisionSource::stale:
      return "stale";
  }
  return "none";
}

namespace {

LogFields outbound_fields(const ConnRecord& r) {
  LogFields f;
  f.add("event", "conn")
      .add("direction", "outbound")
      .add("outcome", to_string(r.outcome))
      .add("upstream", r.upstream)
      .add("dst", r.dst)
      .add("dst_service", r.dst_service)
      .add("src_service", r.src_service)
      .add("peer", r.peer)
      .add("instance", r.instance)
      .add("attempts", r.attempts)
      .add_quoted("reason", r.reason)
      .add("bytes_in", r.bytes_in)
      .add("bytes_out", r.bytes_out)
      .add("dur_ms", r.dur_ms)
      .add("tls_resumed", r.tls_resumed ? "true" : "false")
      .add("conn", r.conn_id);
  if (!r.end.empty()) f.add_quoted("end", r.end);
  return f;
}

}  // namespace

LogFields conn_fields(const ConnRecord& r) {
  if (r.direction == Direction::outbound) return outbound_fields(r);
  LogFields f;
  f.add("event", "conn")
      .add("outcome", to_string(r.outcome))
      .add("src", r.src)
      .add("src_service", r.src_service)
      .add("dst_service", r.dst_service)
      .add("peer", r.peer)
      .add("serial", r.serial)
      .add_quoted("reason", r.reason)
      .add("authz_ms", r.authz_ms)
      .add("bytes_in", r.bytes_in)
      .add("bytes_out", r.bytes_out)
      .add("dur_ms", r.dur_ms)
      .add("tls_resumed", r.tls_resumed ? "true" : "false");
  if (r.decision_source != DecisionSource::none) {
    f.add("decision_source", to_string(r.decision_source)).add_quoted("intention", r.intention);
  }
  f.add("conn", r.conn_id);
  if (!r.end.empty()) f.add_quoted("end", r.end);
  return f;
}

void log_conn(const ConnRecord& record) {
  log_fields(record.outcome == Outcome::accepted ? spdlog::level::info : spdlog::level::warn,
             conn_fields(record));
}

}  // namespace gatehouse::proxy
