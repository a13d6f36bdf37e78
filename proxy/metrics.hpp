#pragma once
// The sidecar's own metrics, fed by every finished connection (ConnObservers) and by the TLS
// material, exposed at `GET /metrics` on -admin-addr (proxy/metrics_scrape.hpp adds the values
// read at scrape time). docs/operations.md, "Metrics", lists every metric.
//
// observe() runs on every worker once per connection, so it never waits for a scrape for long:
// the per-label-tuple counters live in shards picked by connection id (each with its own small
// mutex), the rest are atomics; a scrape copies each shard under its lock and formats outside it.

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "proxy/decision_log.hpp"
#include "proxy/label_cap.hpp"
#include "proxy/latency_histogram.hpp"
#include "proxy/prometheus_text.hpp"

namespace gatehouse::proxy {

// Why an inbound handshake failed, from the reason inbound_connection.cpp writes.
enum class HandshakeFailure { timeout, certificate, protocol, identity, limit, other };
inline constexpr std::array<std::string_view, 6> kHandshakeFailureNames{
    "timeout", "certificate", "protocol", "identity", "limit", "other"};

// Pure: the class of a failed inbound connection's reason, or nullopt when the connection did
// not fail in the handshake (not_ready, connect_app...):
//   handshake_timeout: ...           timeout
//   handshake_limit: ...             limit
//   identity: ...                    identity (the certificate verified but names no service)
//   handshake: ... certificate/verify/alert about a certificate ...   certificate
//   handshake: ... (wrong version number, end of file, reset, ...)     protocol
std::optional<HandshakeFailure> classify_handshake_failure(std::string_view reason);

struct RootExpiry {
  std::string id;  // the roots API's ID (colon-hex SHA-1 of the root)
  std::chrono::system_clock::time_point not_after;
};

class SidecarMetrics {
 public:
  // Distinct values kept per label (src_service, dst_service, intention); later ones are `other`.
  static constexpr std::size_t kLabelValueLimit = 100;

  explicit SidecarMetrics(std::size_t label_value_limit = kLabelValueLimit);
  SidecarMetrics(const SidecarMetrics&) = delete;
  SidecarMetrics& operator=(const SidecarMetrics&) = delete;

  // Any thread, once per finished connection.
  void observe(const ConnRecord& record);
  // The CA roots the current contexts trust (replaces the previous set).
  void set_roots(std::vector<RootExpiry> roots);

  // Writes the connection, authorize, handshake, byte and root-expiry families.
  void write(prometheus::TextWriter& out) const;

 private:
  // direction, outcome, src_service, dst_service, intention, decision_source. The views point
  // into the label caps (or at string literals), which live as long as this object.
  using ConnKey = std::tuple<Direction, Outcome, std::string_view, std::string_view,
                             std::string_view, DecisionSource>;
  struct Shard {
    mutable std::mutex mutex;
    std::map<ConnKey, std::uint64_t> counts;  // guarded by mutex
  };
  static constexpr std::size_t kShards = 8;
  static constexpr std::size_t kSources = 4;  // DecisionSource values

  void write_connections(prometheus::TextWriter& out) const;
  void write_authorize(prometheus::TextWriter& out) const;
  void write_handshakes(prometheus::TextWriter& out) const;
  void write_bytes(prometheus::TextWriter& out) const;
  void write_roots(prometheus::TextWriter& out) const;

  LabelCap src_services_;
  LabelCap dst_services_;
  LabelCap intentions_;
  std::array<Shard, kShards> shards_;
  std::array<LatencyHistogram, kSources> authorize_;  // by DecisionSource
  std::array<std::atomic<std::uint64_t>, kHandshakeFailureNames.size()> handshake_failures_{};
  // [direction][0: received from the peer, 1: sent to the peer]
  std::array<std::array<std::atomic<std::uint64_t>, 2>, 2> bytes_{};
  mutable std::mutex roots_mutex_;
  std::vector<RootExpiry> roots_;  // guarded by roots_mutex_
};

}  // namespace gatehouse::proxy
