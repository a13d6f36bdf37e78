#pragma once
// The healthy instances of one upstream, kept current by a blocking watch on
// GET /v1/health/connect/<name>?passing (agent/health_endpoint.go HealthConnectServiceNodes) and
// published into its UpstreamTargets as an immutable snapshot that connections on any worker read
// without locks (no lookup per connection). Lives on the control thread; connections hold only
// the targets.

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <string>
#include <vector>

#include "consul/agent_client.hpp"
#include "consul/service_entry.hpp"
#include "proxy/upstream_targets.hpp"
#include "proxy/watch_health.hpp"

namespace gatehouse::proxy {

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

  // Before start(): the watch's outcomes go to `health` as `upstream:<destination name>`.
  void report_to(const std::shared_ptr<WatchHealth>& health);
  void start();  // on the executor's thread
  void stop();
  bool stopped() const { return watch_.finished(); }

  const UpstreamConfig& config() const { return targets_->config(); }
  const std::shared_ptr<UpstreamTargets>& targets() const { return targets_; }

 private:
  void on_entries(const consul::Blocking<std::vector<consul::ServiceEntry>>& entries);

  consul::AgentClient agent_;
  std::shared_ptr<UpstreamTargets> targets_;
  consul::Watch<std::vector<consul::ServiceEntry>> watch_;
};

}  // namespace gatehouse::proxy
