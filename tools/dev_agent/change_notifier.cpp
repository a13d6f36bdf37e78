#include "tools/dev_agent/change_notifier.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::tools {

namespace net = boost::asio;

net::awaitable<void> ChangeNotifier::wait_until(std::chrono::steady_clock::time_point deadline) {
  if (stopping_) co_return;
  net::steady_timer timer{co_await net::this_coro::executor, deadline};
  waiters_.insert(&timer);
  struct Unregister {
    std::set<net::steady_timer*>& set;
    net::steady_timer* t;
    ~Unregister() { set.erase(t); }
  } unregister{waiters_, &timer};
  // operation_aborted means notify(); success means the deadline. Callers re-check either way.
  co_await timer.async_wait(net::as_tuple(net::use_awaitable));
}

net::awaitable<void> ChangeNotifier::block_until(std::function<bool()> changed,
                                                 std::chrono::steady_clock::time_point deadline) {
  while (!changed() && !stopping_ && std::chrono::steady_clock::now() < deadline) {
    co_await wait_until(deadline);
  }
}

void ChangeNotifier::notify() {
  for (auto* t : waiters_) t->cancel();
}

void ChangeNotifier::shutdown() {
  stopping_ = true;
  notify();
}

}  // namespace gatehouse::tools
