#pragma once
// What connections of one upstream read on any worker: its configuration, the latest snapshot of
// healthy instances and the round-robin counter. Thread-neutral on purpose: a connection frame
// may outlive the upstream's watch (which lives on the control thread), so frames hold this and
// never the watch itself.

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "proxy/proxy_config.hpp"
#include "tls/spiffe_id.hpp"

namespace gatehouse::proxy {

struct UpstreamInstance {
  HostPort dial;                  // Service.Address, else Node.Address; Service.Port
  tls::ServiceIdentity expected;  // what its certificate must name (connect/resolver.go)
  std::string address() const;    // "host:port" for logs
  bool operator==(const UpstreamInstance&) const = default;
};

using InstanceList = std::vector<UpstreamInstance>;

class UpstreamTargets {
 public:
  explicit UpstreamTargets(UpstreamConfig config) : config_(std::move(config)) {}

  const UpstreamConfig& config() const { return config_; }
  // Null until the watch's first answer (then possibly an empty list).
  std::shared_ptr<const InstanceList> current() const { return snapshot_.load(); }
  void publish(std::shared_ptr<const InstanceList> next) { snapshot_.store(std::move(next)); }
  // The next round-robin position (any thread).
  std::uint64_t next_turn() { return turn_.fetch_add(1, std::memory_order_relaxed); }

 private:
  const UpstreamConfig config_;
  std::atomic<std::shared_ptr<const InstanceList>> snapshot_;
  std::atomic<std::uint64_t> turn_{0};
};

}  // namespace gatehouse::proxy
