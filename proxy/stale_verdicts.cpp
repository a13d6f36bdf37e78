#include "proxy/stale_verdicts.hpp"

#include <algorithm>

namespace gatehouse::proxy {

void StaleVerdicts::remember(const std::string& caller, const Verdict& verdict) {
  const std::lock_guard lock{mutex_};
  if (entries_.size() >= capacity_ && !entries_.contains(caller)) forget_oldest();
  entries_.insert_or_assign(caller, Entry{verdict, Clock::now()});
}

std::optional<Verdict> StaleVerdicts::recall(const std::string& caller) const {
  const std::lock_guard lock{mutex_};
  const auto it = entries_.find(caller);
  if (it == entries_.end() || Clock::now() - it->second.at > max_age_) return std::nullopt;
  Verdict stale = it->second.verdict;
  stale.source = DecisionSource::stale;
  return stale;
}

void StaleVerdicts::forget_all() {
  const std::lock_guard lock{mutex_};
  entries_.clear();
}

void StaleVerdicts::forget_oldest() {
  // Linear, but only when the table is full of distinct callers: rare, and bounded by capacity.
  const auto oldest = std::ranges::min_element(
      entries_, [](const auto& a, const auto& b) { return a.second.at < b.second.at; });
  if (oldest != entries_.end()) entries_.erase(oldest);
}

}  // namespace gatehouse::proxy
