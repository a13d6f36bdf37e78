#pragma once
// The live connections of every worker: how many there are (for the connection limit and the
// drain), how to cancel each one (drain timeout) and, for admitted inbound connections, who they
// are and how to revoke them (revocation.hpp). Thread-safe: workers add and remove their own
// entries; the control thread counts, lists, cancels and revokes.
//
// Every accept and every close passes through here, on every worker, so there is no single lock:
// entries live in shards picked by connection id (consecutive ids, different shards) and the
// count is an atomic that the connection limit reads without locking.

#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "proxy/revocation.hpp"

namespace gatehouse::proxy {

class ConnectionRegistry {
 public:
  // Removes its connection on destruction (the coroutine frame owns it).
  class Entry {
   public:
    Entry(ConnectionRegistry& registry, std::uint64_t id) : registry_(&registry), id_(id) {}
    ~Entry() {
      if (registry_ != nullptr) registry_->remove(id_);
    }
    Entry(Entry&& other) noexcept : registry_(other.registry_), id_(other.id_) {
      other.registry_ = nullptr;
    }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    Entry& operator=(Entry&&) = delete;

    // The connection is authorized (it dials the app next, then relays): listed by
    // open_inbound(), revocable through `revocation` until closing(). Listed from the decision
    // on, not only once relaying, so a re-decision that runs while the app is being dialed
    // still finds it (its relay then ends as soon as it starts).
    void admitted(OpenInbound who, std::shared_ptr<RevocationSignal> revocation) {
      if (registry_ != nullptr) registry_->set_admitted(id_, std::move(who), std::move(revocation));
    }
    // Closing: no longer listed, nothing left to revoke.
    void closing() {
      if (registry_ != nullptr) registry_->set_admitted(id_, std::nullopt, nullptr);
    }

   private:
    ConnectionRegistry* registry_;
    std::uint64_t id_;
  };

  // The signal the connection's co_spawn is bound to; emitted on `executor` by cancel_all().
  Entry add(std::uint64_t id, boost::asio::any_io_executor executor,
            std::shared_ptr<boost::asio::cancellation_signal> signal);

  std::size_t size() const { return count_.load(std::memory_order_acquire); }

  // Called (from whichever thread removes the last connection) each time the count drops to 0.
  void on_empty(std::function<void()> callback);

  // Terminal cancellation of every live connection, each on its own executor.
  void cancel_all();

  // The inbound connections admitted and not yet closing (a snapshot, for deciding them again).
  std::vector<OpenInbound> open_inbound() const;

  // Ends connection `conn_id`'s relay on its own executor: close_notify to the caller, then the
  // app is closed, and its line says outcome=revoked with `why`. False when it is not (or no
  // longer) an admitted inbound connection.
  bool revoke(std::uint64_t conn_id, Revocation why);

 private:
  void remove(std::uint64_t id);
  void set_admitted(std::uint64_t id, std::optional<OpenInbound> who,
                    std::shared_ptr<RevocationSignal> revocation);

  struct Live {
    boost::asio::any_io_executor executor;
    std::shared_ptr<boost::asio::cancellation_signal> signal;
    std::optional<OpenInbound> inbound;            // set from admission until closing
    std::shared_ptr<RevocationSignal> revocation;  // likewise
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::uint64_t, Live> live;  // guarded by mutex
  };
  static constexpr std::size_t kShards = 16;
  Shard& shard_of(std::uint64_t id) { return shards_[id % kShards]; }

  std::array<Shard, kShards> shards_;
  std::atomic<std::size_t> count_{0};
  std::mutex on_empty_mutex_;
  std::function<void()> on_empty_;  // guarded by on_empty_mutex_
};

}  // namespace gatehouse::proxy
