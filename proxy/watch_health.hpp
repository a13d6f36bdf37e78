#pragma once
// How the sidecar's blocking watches fare (roots, leaf, registration, upstream:<name>, ...): per
// named watch, when it last got an answer from the agent, how many requests failed and the last
// error. Written on the control thread by the watches, read by GET /metrics; thread-safe anyway.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "consul/blocking_query.hpp"

namespace gatehouse::proxy {

class WatchHealth {
 public:
  struct WatchState {
    std::uint64_t errors = 0;  // failed requests since start
    std::optional<std::chrono::system_clock::time_point> last_success;
    std::string last_error;  // the latest failure's message (kept after a success)
    bool failing = false;    // the latest request failed
  };

  // An answer arrived (changed or not): last_success = now.
  void success(std::string_view watch);
  // A request failed: counts it and remembers `error`.
  void failure(std::string_view watch, std::string_view error);

  std::map<std::string, WatchState, std::less<>> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, WatchState, std::less<>> watches_;  // guarded by mutex_
};

// Reports every outcome of `watch` to `health` under `name`. Call before watch.start().
template <class T>
void report_health(consul::Watch<T>& watch, std::shared_ptr<WatchHealth> health, std::string name) {
  watch.on_outcome(
      [health = std::move(health), name = std::move(name)](const consul::ApiError* error) {
        if (error != nullptr) {
          health->failure(name, error->message());
        } else {
          health->success(name);
        }
      });
}

}  // namespace gatehouse::proxy
