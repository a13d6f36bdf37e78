#pragma once
// Every listener of a running sidecar, reconciled with a ProxyConfig in one place (`apply`), so a
// changed registration (-sidecar-for, -proxy-id) or a reloaded config file changes only what
// changed: listeners whose config is equal are kept, removed ones stop accepting (their open
// connections finish), new ones are bound and started; a public listener whose address changed
// is rebound. Runs on the control thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "consul/agent_config.hpp"
#include "proxy/inbound_listener.hpp"
#include "proxy/runtime.hpp"
#include "proxy/upstream_listener.hpp"
#include "proxy/worker_pool.hpp"

namespace gatehouse::proxy {

class ListenerSet {
 public:
  // `runtime` and `pool` must outlive the set.
  ListenerSet(boost::asio::any_io_executor control, consul::AgentConfig agent,
              std::shared_ptr<Runtime> runtime, WorkerPool& pool);
  ListenerSet(const ListenerSet&) = delete;
  ListenerSet& operator=(const ListenerSet&) = delete;

  // Binds what is new (upstreams start accepting at once; the public listener once tls_ready()),
  // stops what is gone. Everything that can be applied is; the error lists what could not be
  // bound (at startup that is fatal, later it is logged).
  boost::system::result<void, std::string> apply(const ProxyConfig& config);

  // Leaf and roots are loaded: the public listener (now or once bound) accepts.
  void tls_ready();

  // SIGTERM: stop accepting everywhere.
  void stop();

  // The bound addresses, for tests, logs and self-registration.
  std::vector<tcp::endpoint> upstream_endpoints() const;
  std::optional<tcp::endpoint> public_endpoint() const;

 private:
  void start_public();

  boost::asio::any_io_executor control_;
  consul::AgentConfig agent_;
  std::shared_ptr<Runtime> runtime_;
  WorkerPool& pool_;
  bool ready_ = false;
  std::unique_ptr<InboundListener> public_;
  HostPort public_addr_;
  bool public_started_ = false;
  std::vector<std::unique_ptr<UpstreamListener>> upstreams_;
  // Stopped listeners whose accept loop or watch may still be running; each apply() frees those
  // that have ended.
  std::vector<std::unique_ptr<UpstreamListener>> retired_;
  std::vector<std::unique_ptr<InboundListener>> retired_public_;
};

}  // namespace gatehouse::proxy
