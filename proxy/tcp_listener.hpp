#pragma once
// The accept loop every listener of the sidecar shares (public mTLS and plain upstream): accepts
// on the control thread directly onto the next worker's io_context and hands the socket to
// `on_accept` there. Past max_connections a socket is closed at once and logged as a failed
// connection (from `refused`, a record naming the listener); after an accept error (EMFILE...)
// it pauses, never spins.

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <functional>
#include <memory>
#include <string>

#include "proxy/asio_types.hpp"
#include "proxy/decision_log.hpp"
#include "proxy/runtime.hpp"
#include "proxy/worker_pool.hpp"

namespace gatehouse::proxy {

class TcpListener {
 public:
  using OnAccept = std::function<void(Worker& worker, tcp::socket socket)>;

  // Resolves, binds and listens (so the bound port is known before start()).
  static boost::system::result<std::unique_ptr<TcpListener>, std::string> bind(
      const boost::asio::any_io_executor& executor, const HostPort& address);

  explicit TcpListener(tcp::acceptor acceptor) : acceptor_(std::move(acceptor)) {}

  tcp::endpoint local_endpoint() const;
  // `pool` and the runtime must outlive the accept loop (stop() ends it). `refused` carries the
  // fields of the line logged for a connection over the limit (direction, services, upstream).
  void start(std::shared_ptr<Runtime> runtime, WorkerPool& pool, OnAccept on_accept,
             ConnRecord refused);
  void stop();
  // True before start() and once the accept loop has ended: nothing refers to this any more.
  bool stopped() const { return !accepting_; }

 private:
  tcp::acceptor acceptor_;
  bool accepting_ = false;  // control thread only
};

// An unexpected exception out of a connection coroutine (a bug): one line, never a crash.
void log_conn_crashed(std::uint64_t conn_id, const std::exception_ptr& e);

}  // namespace gatehouse::proxy
