#pragma once
// One io_context per worker thread (STYLE.md §5, nghttpx's workers): a connection is accepted onto
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

namespace gatehouse::proxy {

using AuthorizerFactory =
    std::function<std::shared_ptr<Authorizer>(boost::asio::any_io_executor executor)>;

class Worker {
 public:
  Worker(std::size_t index, const AuthorizerFactory& make_authorizer);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  boost::asio::io_context& context() { return context_; }
  boost::asio::any_io_executor executor() { return context_.get_executor(); }
  const std::shared_ptr<Authorizer>& authorizer() const { return authorizer_; }
  std::size_t index() const { return index_; }

  void start();
  // Lets run() return once no work is left (connections finished), then joins.
  void finish_and_join();
  // Stops the loop at once (pending coroutine frames are destroyed with the context).
  void stop_and_join();

 private:
  std::size_t index_;
  boost::asio::io_context context_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard_;
  std::shared_ptr<Authorizer> authorizer_;
  std::thread thread_;
};

class WorkerPool {
 public:
  // count 0: one per core.
  WorkerPool(unsigned count, const AuthorizerFactory& make_authorizer);

  Worker& next();  // round robin; called from the accepting thread only
  std::size_t size() const { return workers_.size(); }
  void start();
  void stop_and_join();

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
  std::size_t next_ = 0;
};

}  // namespace gatehouse::proxy
