#pragma once
// One io_context per worker thread (like nghttpx's workers): a connection is accepted onto
// one worker's context and never migrates, so its coroutines need no locks. Each worker has its
// own Authorizer (its own agent HTTP client on that context).

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "proxy/authorizer.hpp"
#include "proxy/handshake_gate.hpp"

namespace gatehouse::proxy {

// TLS handshakes in progress at once, all workers together (-max-handshakes).
inline constexpr std::size_t kDefaultMaxHandshakes = 1024;

using AuthorizerFactory =
    std::function<std::shared_ptr<Authorizer>(boost::asio::any_io_executor executor)>;

class Worker {
 public:
  // `max_handshakes`: this worker's share of the TLS handshakes in progress (handshake_gate.hpp).
  Worker(std::size_t index, const AuthorizerFactory& make_authorizer, std::size_t max_handshakes);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  boost::asio::io_context& context() { return context_; }
  boost::asio::any_io_executor executor() { return context_.get_executor(); }
  const std::shared_ptr<Authorizer>& authorizer() const { return authorizer_; }
  std::size_t index() const { return index_; }
  // Used on this worker's thread only.
  HandshakeGate& handshakes() { return handshakes_; }

  void start();
  // Lets run() return once no work is left (connections finished), then joins.
  void finish_and_join();
  // Stops the loop at once (pending coroutine frames are destroyed with the context).
  void stop_and_join();

 private:
  std::size_t index_;
  HandshakeGate handshakes_;  // before context_: outlives the connection frames that use it
  boost::asio::io_context context_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::shared_ptr<Authorizer> authorizer_;
  std::thread thread_;
};

class WorkerPool {
 public:
  // count 0: one per core. `max_handshakes` is shared out evenly among the workers.
  WorkerPool(unsigned count, const AuthorizerFactory& make_authorizer,
             std::size_t max_handshakes = kDefaultMaxHandshakes);

  Worker& next();  // round robin; called from the accepting thread only
  std::size_t size() const { return workers_.size(); }
  void start();
  void stop_and_join();

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
  std::size_t next_ = 0;
};

}  // namespace gatehouse::proxy
