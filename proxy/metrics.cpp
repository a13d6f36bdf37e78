#include "proxy/metrics.hpp"

#include <utility>

namespace gatehouse::proxy {

namespace {

bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

std::string_view direction_name(Direction d) {
  return d == Direction::inbound ? "inbound" : "outbound";
}

std::string seconds_since_epoch(std::chrono::system_clock::time_point t) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return std::to_string(s);
}

}  // namespace

std::optional<HandshakeFailure> classify_handshake_failure(std::string_view reason) {
  // The prefixes serve_inbound (proxy/inbound_connection.cpp) gives its failure reasons.
  if (reason.starts_with("handshake_timeout:")) return HandshakeFailure::timeout;
  if (reason.starts_with("handshake_limit:")) return HandshakeFailure::limit;
  if (reason.starts_with("identity:")) return HandshakeFailure::identity;
  if (!reason.starts_with("handshake:")) return std::nullopt;
  // OpenSSL's wording: "certificate verify failed", "peer did not return a certificate",
  // "tlsv1 alert unknown ca", "sslv3 alert bad certificate", plus our "verify: ..." detail.
  if (contains(reason, "certificate") || contains(reason, "verify") ||
      contains(reason, "unknown ca")) {
    return HandshakeFailure::certificate;
  }
  // "wrong version number" (plain text), "End of file", "stream truncated", resets...
  if (contains(reason, ": ")) return HandshakeFailure::protocol;
  return HandshakeFailure::other;
}

SidecarMetrics::SidecarMetrics(std::size_t label_value_limit)
    : src_services_(label_value_limit),
      dst_services_(label_value_limit),
      intentions_(label_value_limit) {}

void SidecarMetrics::observe(const ConnRecord& r) {
  const std::string_view intention = r.intention.empty() ? "none" : intentions_.admit(r.intention);
  const ConnKey key{r.direction,
                    r.outcome,
                    src_services_.admit(r.src_service),
                    dst_services_.admit(r.dst_service),
                    intention,
                    r.decision_source};
  {
    Shard& shard = shards_[r.conn_id % kShards];
    const std::lock_guard lock{shard.mutex};
    ++shard.counts[key];
  }
  if (r.authz_us >= 0) {
    authorize_[static_cast<std::size_t>(r.decision_source) % kSources].observe_us(r.authz_us);
  }
  if (r.direction == Direction::inbound && r.outcome == Outcome::failed) {
    if (const auto failure = classify_handshake_failure(r.reason)) {
      handshake_failures_[static_cast<std::size_t>(*failure)].fetch_add(1,
                                                                        std::memory_order_relaxed);
    }
  }
  auto& bytes = bytes_[r.direction == Direction::inbound ? 0 : 1];
  bytes[0].fetch_add(r.bytes_in, std::memory_order_relaxed);
  bytes[1].fetch_add(r.bytes_out, std::memory_order_relaxed);
}

void SidecarMetrics::set_roots(std::vector<RootExpiry> roots) {
  const std::lock_guard lock{roots_mutex_};
  roots_ = std::move(roots);
}

void SidecarMetrics::write(prometheus::TextWriter& out) const {
  write_connections(out);
  write_authorize(out);
  write_handshakes(out);
  write_bytes(out);
  write_roots(out);
}

void SidecarMetrics::write_connections(prometheus::TextWriter& out) const {
  std::map<ConnKey, std::uint64_t> merged;
  for (const auto& shard : shards_) {
    std::map<ConnKey, std::uint64_t> copy;
    {
      const std::lock_guard lock{shard.mutex};
      copy = shard.counts;
    }
    for (const auto& [key, n] : copy) merged[key] += n;
  }
  out.family("gatehouse_connections_total", "counter",
             "Finished connections by direction, outcome (accepted, denied, failed, revoked, "
             "audit_denied), caller and destination service, deciding intention (`none` when "
             "authorization did not run) and decision source (agent, local, stale, none). At most "
             "100 distinct src_service, dst_service and intention values each; later ones are "
             "`other`.");
  for (const auto& [key, n] : merged) {
    const auto& [direction, outcome, src, dst, intention, source] = key;
    out.sample("gatehouse_connections_total",
               {{"direction", direction_name(direction)},
                {"outcome", to_string(outcome)},
                {"src_service", src},
                {"dst_service", dst},
                {"intention", intention},
                {"decision_source", to_string(source)}},
               prometheus::format_value(n));
  }
}

void SidecarMetrics::write_authorize(prometheus::TextWriter& out) const {
  out.family("gatehouse_authorize_duration_seconds", "histogram",
             "Time an inbound connection waited for its authorization decision, by decision "
             "source.");
  for (std::size_t i = 0; i < kSources; ++i) {
    const auto s = authorize_[i].snapshot();
    if (s.count == 0) continue;
    const auto source = to_string(static_cast<DecisionSource>(i));
    for (std::size_t b = 0; b < LatencyHistogram::kBuckets.size(); ++b) {
      out.sample("gatehouse_authorize_duration_seconds_bucket",
                 {{"decision_source", source}, {"le", LatencyHistogram::kBuckets[b].le}},
                 prometheus::format_value(s.cumulative[b]));
    }
    out.sample("gatehouse_authorize_duration_seconds_bucket",
               {{"decision_source", source}, {"le", "+Inf"}}, prometheus::format_value(s.count));
    out.sample("gatehouse_authorize_duration_seconds_sum", {{"decision_source", source}},
               prometheus::format_value(static_cast<double>(s.sum_us) / 1e6));
    out.sample("gatehouse_authorize_duration_seconds_count", {{"decision_source", source}},
               prometheus::format_value(s.count));
  }
}

void SidecarMetrics::write_handshakes(prometheus::TextWriter& out) const {
  out.family("gatehouse_handshake_failures_total", "counter",
             "Inbound connections that failed before authorization, by reason: timeout (no "
             "complete TLS handshake in time), certificate (rejected or missing certificate), "
             "protocol (not TLS, closed or reset mid-handshake), identity (the certificate names "
             "no service), limit (too many handshakes in progress), other.");
  for (std::size_t i = 0; i < kHandshakeFailureNames.size(); ++i) {
    out.sample("gatehouse_handshake_failures_total", {{"reason", kHandshakeFailureNames[i]}},
               prometheus::format_value(handshake_failures_[i].load(std::memory_order_relaxed)));
  }
}

void SidecarMetrics::write_bytes(prometheus::TextWriter& out) const {
  out.family("gatehouse_bytes_received_total", "counter",
             "Bytes received from the network side of finished connections: inbound, from the "
             "calling service to the local app; outbound, from the upstream to the local client. "
             "Counted when the connection ends.");
  for (std::size_t d = 0; d < 2; ++d) {
    out.sample("gatehouse_bytes_received_total",
               {{"direction", direction_name(static_cast<Direction>(d))}},
               prometheus::format_value(bytes_[d][0].load(std::memory_order_relaxed)));
  }
  out.family("gatehouse_bytes_sent_total", "counter",
             "Bytes sent to the network side of finished connections: inbound, from the local app "
             "to the calling service; outbound, from the local client to the upstream. Counted "
             "when the connection ends.");
  for (std::size_t d = 0; d < 2; ++d) {
    out.sample("gatehouse_bytes_sent_total",
               {{"direction", direction_name(static_cast<Direction>(d))}},
               prometheus::format_value(bytes_[d][1].load(std::memory_order_relaxed)));
  }
}

void SidecarMetrics::write_roots(prometheus::TextWriter& out) const {
  std::vector<RootExpiry> roots;
  {
    const std::lock_guard lock{roots_mutex_};
    roots = roots_;
  }
  out.family("gatehouse_root_expiry_timestamp_seconds", "gauge",
             "When each CA root the sidecar trusts expires (Unix time).");
  for (const auto& root : roots) {
    out.sample("gatehouse_root_expiry_timestamp_seconds", {{"root_id", root.id}},
               seconds_since_epoch(root.not_after));
  }
}

}  // namespace gatehouse::proxy
