#pragma once
// The healthy instances of one upstream, kept current by a blocking watch on
// GET /v1/health/connect/<name>?passing (reference §8.1) and published as an immutable snapshot
// that connections on any worker read without locks (no lookup per connection). Round robin
// starts from a per-upstream counter shared by all workers.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "consul/agent_client.hpp"
#include "consul/service_entry.hpp"
#include "proxy/proxy_config.hpp"
#include "tls/spiffe_id.hpp"

namespace gatehouse::proxy {

struct UpstreamInstance {
  HostPort dial;                  // Service.Address, else Node.Address; Service.Port
  tls::ServiceIdentity expected;  // what its certificate must name (reference §7 outbound)
  std::string address() const;    // "host:port" for logs
  bool operator==(const UpstreamInstance&) const = default;
};

using InstanceList = std::vector<UpstreamInstance>;

// Pure: the dial targets and expected identities of a health/connect answer. Namespace is
// `default` like Consul's proxy; the datacenter is the node's, else `fallback_datacenter`; the
// trust domain is left empty (verify_server_identity takes the presented one).
InstanceList to_instances(const std::vector<consul::ServiceEntry>& entries,
                          const std::string& fallback_datacenter);

class UpstreamInstances {
 public:
  UpstreamInstances(const boost::asio::any_io_executor& executor, consul::AgentConfig agent,
                    UpstreamConfig upstream);
  UpstreamInstances(const UpstreamInstances&) = delete;
  UpstreamInstances& operator=(const UpstreamInstances&) = delete;

  void start();  // on the executor's thread
  void stop();
  bool stopped() const { return watch_.finished(); }

  const UpstreamConfig& config() const { return upstream_; }
  // Empty list until the first answer; never null.
  std::shared_ptr<const InstanceList> current() const { return snapshot_.load(); }
  // The next round-robin position (any thread).
  std::uint64_t next_turn() { return turn_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void on_entries(const consul::Blocking<std::vector<consul::ServiceEntry>>& entries);

  consul::AgentClient agent_;
  UpstreamConfig upstream_;
  std::atomic<std::shared_ptr<const InstanceList>> snapshot_;
  std::atomic<std::uint64_t> turn_{0};
  bool received_ = false;  // the first answer is logged even when empty
  consul::Watch<std::vector<consul::ServiceEntry>> watch_;
};

}  // namespace gatehouse::proxy
