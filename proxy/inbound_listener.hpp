#pragma once
// The public mTLS listener: accepts on the control thread directly onto the next worker's
// io_context and spawns serve_inbound there. Past max_connections a socket is closed at once
// (and logged as a failed connection); after an accept error (EMFILE...) it pauses, never spins.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <string>

#include "proxy/asio_types.hpp"
#include "proxy/runtime.hpp"
#include "proxy/worker_pool.hpp"

namespace gatehouse::proxy {

class InboundListener {
 public:
  // Resolves, binds and listens (so the bound port is known before start()).
  static boost::system::result<std::unique_ptr<InboundListener>, std::string> bind(
      const boost::asio::any_io_executor& executor, const HostPort& address);

  explicit InboundListener(tcp::acceptor acceptor) : acceptor_(std::move(acceptor)) {}

  tcp::endpoint local_endpoint() const;
  // `pool` and the runtime must outlive the accept loop (stop() ends it).
  void start(std::shared_ptr<Runtime> runtime, WorkerPool& pool);
  void stop();

 private:
  tcp::acceptor acceptor_;
};

// Spawns one connection on `worker`, registered in the runtime's registry (for drain).
void spawn_inbound(Worker& worker, tcp::socket socket, const std::shared_ptr<Runtime>& runtime);

}  // namespace gatehouse::proxy
