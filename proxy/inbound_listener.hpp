#pragma once
// The public mTLS listener: a TcpListener whose connections run serve_inbound.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <string>

#include "proxy/asio_types.hpp"
#include "proxy/runtime.hpp"
#include "proxy/tcp_listener.hpp"
#include "proxy/worker_pool.hpp"

namespace gatehouse::proxy {

class InboundListener {
 public:
  // Resolves, binds and listens (so the bound port is known before start()).
  static boost::system::result<std::unique_ptr<InboundListener>, std::string> bind(
      const boost::asio::any_io_executor& executor, const HostPort& address);

  explicit InboundListener(std::unique_ptr<TcpListener> listener)
      : listener_(std::move(listener)) {}

  tcp::endpoint local_endpoint() const { return listener_->local_endpoint(); }
  // `pool` and the runtime must outlive the accept loop (stop() ends it).
  void start(std::shared_ptr<Runtime> runtime, WorkerPool& pool);
  void stop() { listener_->stop(); }
  // True once the accept loop has ended after stop() (the listener may then be destroyed).
  bool stopped() const { return listener_->stopped(); }

 private:
  std::unique_ptr<TcpListener> listener_;
};

// Spawns one connection on `worker`, registered in the runtime's registry (for drain).
void spawn_inbound(Worker& worker, tcp::socket socket, const std::shared_ptr<Runtime>& runtime);

}  // namespace gatehouse::proxy
