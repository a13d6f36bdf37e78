#include "proxy/connection_registry.hpp"

#include <boost/asio/post.hpp>
#include <vector>

namespace gatehouse::proxy {

ConnectionRegistry::Entry ConnectionRegistry::add(
    std::uint64_t id, boost::asio::any_io_executor executor,
    std::shared_ptr<boost::asio::cancellation_signal> signal) {
  const std::lock_guard lock{mutex_};
  live_.emplace(id, Live{std::move(executor), std::move(signal)});
  return Entry{*this, id};
}

std::size_t ConnectionRegistry::size() const {
  const std::lock_guard lock{mutex_};
  return live_.size();
}

void ConnectionRegistry::on_empty(std::function<void()> callback) {
  const std::lock_guard lock{mutex_};
  on_empty_ = std::move(callback);
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::function<void()> notify;
  {
    const std::lock_guard lock{mutex_};
    live_.erase(id);
    if (live_.empty()) notify = on_empty_;
  }
  if (notify) notify();  // outside the lock: the callback may look at size()
}

void ConnectionRegistry::cancel_all() {
  std::vector<Live> targets;
  {
    const std::lock_guard lock{mutex_};
    for (const auto& [id, live] : live_) targets.push_back(live);
  }
  for (auto& live : targets) {
    // Signals are not thread-safe: emit on the connection's own thread.
    boost::asio::post(live.executor, [signal = live.signal] {
      signal->emit(boost::asio::cancellation_type::terminal);
    });
  }
}

}  // namespace gatehouse::proxy
