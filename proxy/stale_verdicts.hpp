#pragma once
// -authz agent with -authz-fail last-known: the agent's last answer for each caller, used while
// the agent cannot be asked, for at most `max_age` after it was given. Bounded: at most
// `capacity` callers are remembered (a full table forgets the oldest answer first).
// Thread-safe: every worker records and reads.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "proxy/authorizer.hpp"

namespace gatehouse::proxy {

class StaleVerdicts {
 public:
  using Clock = std::chrono::steady_clock;

  StaleVerdicts(std::chrono::milliseconds max_age, std::size_t capacity = 10'000)
      : max_age_(max_age), capacity_(capacity) {}

  // `caller` is the client certificate's SPIFFE ID.
  void remember(const std::string& caller, const Verdict& verdict);
  // The remembered answer marked DecisionSource::stale, if it is younger than max_age.
  std::optional<Verdict> recall(const std::string& caller) const;
  // Everything: the intentions changed.
  void forget_all();

 private:
  struct Entry {
    Verdict verdict;
    Clock::time_point at;
  };
  void forget_oldest();  // mutex_ held

  std::chrono::milliseconds max_age_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mutex_
};

}  // namespace gatehouse::proxy
