#pragma once
// One upstream: a plain TCP listener (loopback by default) whose connections run serve_outbound
// against the instances its own health watch keeps current. Accepts as soon as it starts, like
// Consul's proxy: before the TLS material is ready, dials fail with a logged reason.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <string>

#include "consul/agent_config.hpp"
#include "proxy/runtime.hpp"
#include "proxy/tcp_listener.hpp"
#include "proxy/upstream_instances.hpp"
#include "proxy/worker_pool.hpp"

namespace gatehouse::proxy {

class UpstreamListener {
 public:
  // Binds `upstream.bind` (port 0: a free port) on the control executor; the watch runs there.
  static boost::system::result<std::unique_ptr<UpstreamListener>, std::string> bind(
      const boost::asio::any_io_executor& executor, const consul::AgentConfig& agent,
      const UpstreamConfig& upstream);

  UpstreamListener(std::unique_ptr<TcpListener> listener,
                   std::unique_ptr<UpstreamInstances> instances)
      : listener_(std::move(listener)), instances_(std::move(instances)) {}

  const UpstreamConfig& config() const { return instances_->config(); }
  tcp::endpoint local_endpoint() const { return listener_->local_endpoint(); }

  // Starts the instance watch and the accept loop, and logs
  // `event=listening listener=upstream upstream=<name> addr=<ip>:<port>`.
  void start(std::shared_ptr<Runtime> runtime, WorkerPool& pool);
  // Stops accepting and watching; open connections keep their instance snapshot and finish.
  void stop();
  // True once the watch loop and the accept loop have ended after stop(): it may be destroyed.
  bool stopped() const { return listener_->stopped() && instances_->stopped(); }

 private:
  std::unique_ptr<TcpListener> listener_;
  std::unique_ptr<UpstreamInstances> instances_;
};

// Spawns one outbound connection on `worker`, registered in the runtime's registry.
void spawn_outbound(Worker& worker, tcp::socket socket, const std::shared_ptr<Runtime>& runtime,
                    const std::shared_ptr<UpstreamTargets>& targets);

}  // namespace gatehouse::proxy
