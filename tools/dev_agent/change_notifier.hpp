#pragma once
// Wakes blocked queries when the state they watch may have changed. Single-threaded: every
// waiter and every notify() runs on the dev agent's one io_context thread.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <set>

namespace gatehouse::tools {

class ChangeNotifier {
 public:
  // Suspends until notify(), shutdown() or `deadline`, whichever comes first.
  boost::asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point deadline);

  // Suspends until `changed()` holds, the deadline passes or the agent shuts down; `changed` is
  // re-evaluated after every notify().
  boost::asio::awaitable<void> block_until(std::function<bool()> changed,
                                           std::chrono::steady_clock::time_point deadline);

  void notify();
  // Releases every waiter now and makes later waits return at once (the agent is stopping).
  void shutdown();
  bool stopping() const { return stopping_; }

 private:
  std::set<boost::asio::steady_timer*> waiters_;
  bool stopping_ = false;
};

}  // namespace gatehouse::tools
