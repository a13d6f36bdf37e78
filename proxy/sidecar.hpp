#pragma once
// One running sidecar on the control io_context: started once with a complete configuration,
// then reconfigured through its ListenerSet, and stopped by a drain. run_sidecar.hpp runs it.

#include <boost/asio/io_context.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <optional>
#include <string>

#include "consul/agent_config.hpp"
#include "proxy/authorization.hpp"
#include "proxy/drain.hpp"
#include "proxy/log_drop_reporter.hpp"
#include "proxy/proxy_config.hpp"
#include "proxy/runtime.hpp"
#include "proxy/worker_pool.hpp"

namespace gatehouse::proxy {

class AdminServer;
class IntentionRecheck;
class ListenerSet;
class SelfRegistration;
class TlsMaterial;

class Sidecar {
 public:
  // `pool` must outlive `control`: operations still queued on the control context when it is
  // destroyed (an aborted accept onto a worker's context) refer to the workers' contexts.
  Sidecar(net::io_context& control, consul::AgentConfig agent, WorkerPool& pool,
          std::shared_ptr<Authorization> authz);
  ~Sidecar();
  Sidecar(const Sidecar&) = delete;
  Sidecar& operator=(const Sidecar&) = delete;

  bool started() const { return listeners_ != nullptr; }
  std::shared_ptr<WatchHealth> watch_health() const { return {runtime_, &runtime_->watch_health}; }

  boost::system::result<void, std::string> start(const ProxyConfig& config);

  // A changed configuration: listeners follow it; what the running data path reads once at
  // startup (service, app address, timeouts) needs a restart and is logged as such.
  void reconfigure(const ProxyConfig& next);

  // SIGTERM/SIGINT: stop accepting, drain, stop the watches and workers, end control.run().
  // Deregistration runs alongside the drain (callers stop finding us while we finish); the
  // process stops when both are done.
  void shutdown();

 private:
  net::io_context& control_;
  consul::AgentConfig agent_;
  std::shared_ptr<Runtime> runtime_;
  WorkerPool* pool_;
  std::unique_ptr<ListenerSet> listeners_;
  std::unique_ptr<TlsMaterial> material_;
  std::unique_ptr<AdminServer> admin_;
  std::unique_ptr<SelfRegistration> registration_;
  std::unique_ptr<IntentionRecheck> recheck_;  // -revoke
  std::optional<Drain> drain_;
  LogDropReporter log_drops_;
};

}  // namespace gatehouse::proxy
