#include "proxy/connection_registry.hpp"

#include <boost/asio/post.hpp>
#include <vector>

namespace gatehouse::proxy {

ConnectionRegistry::Entry ConnectionRegistry::add(
    std::uint64_t id, boost::asio::any_io_executor executor,
    std::shared_ptr<boost::asio::cancellation_signal> signal) {
  Shard& shard = shard_of(id);
  {
    const std::lock_guard lock{shard.mutex};
    shard.live.emplace(id, Live{std::move(executor), std::move(signal), std::nullopt, nullptr});
  }
  count_.fetch_add(1, std::memory_order_acq_rel);
  return Entry{*this, id};
}

void ConnectionRegistry::on_empty(std::function<void()> callback) {
  const std::lock_guard lock{on_empty_mutex_};
  on_empty_ = std::move(callback);
}

void ConnectionRegistry::remove(std::uint64_t id) {
  Shard& shard = shard_of(id);
  {
    const std::lock_guard lock{shard.mutex};
    shard.live.erase(id);
  }
  if (count_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  // The count reached 0: only now is the (rarely set) callback looked at.
  std::function<void()> notify;
  {
    const std::lock_guard lock{on_empty_mutex_};
    notify = on_empty_;
  }
  if (notify) notify();  // outside the lock: the callback may look at size()
}

void ConnectionRegistry::set_admitted(std::uint64_t id, std::optional<OpenInbound> who,
                                      std::shared_ptr<RevocationSignal> revocation) {
  Shard& shard = shard_of(id);
  const std::lock_guard lock{shard.mutex};
  const auto it = shard.live.find(id);
  if (it == shard.live.end()) return;
  it->second.inbound = std::move(who);
  it->second.revocation = std::move(revocation);
}

std::vector<OpenInbound> ConnectionRegistry::open_inbound() const {
  std::vector<OpenInbound> open;
  for (const Shard& shard : shards_) {
    const std::lock_guard lock{shard.mutex};
    for (const auto& [id, live] : shard.live) {
      if (live.inbound) open.push_back(*live.inbound);
    }
  }
  return open;
}

bool ConnectionRegistry::revoke(std::uint64_t conn_id, Revocation why) {
  boost::asio::any_io_executor executor;
  std::shared_ptr<RevocationSignal> revocation;
  {
    Shard& shard = shard_of(conn_id);
    const std::lock_guard lock{shard.mutex};
    const auto it = shard.live.find(conn_id);
    if (it == shard.live.end() || !it->second.revocation) return false;
    executor = it->second.executor;
    revocation = it->second.revocation;
  }
  // The signal belongs to the connection's thread; the handler keeps it alive until it runs.
  boost::asio::post(executor, [revocation = std::move(revocation), why = std::move(why)]() mutable {
    revocation->revoke(std::move(why));
  });
  return true;
}

void ConnectionRegistry::cancel_all() {
  std::vector<Live> targets;
  for (Shard& shard : shards_) {
    const std::lock_guard lock{shard.mutex};
    for (const auto& [id, live] : shard.live) targets.push_back(live);
  }
  for (auto& live : targets) {
    // Signals are not thread-safe: emit on the connection's own thread.
    boost::asio::post(live.executor, [signal = live.signal] {
      signal->emit(boost::asio::cancellation_type::terminal);
    });
  }
}

}  // namespace gatehouse::proxy
