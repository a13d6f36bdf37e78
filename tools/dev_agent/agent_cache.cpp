#include "tools/dev_agent/agent_cache.hpp"

#include <cmath>

namespace gatehouse::tools {

std::optional<AgentCache::Clock::time_point> AgentCache::fetched_at(const std::string& key) const {
  const auto it = fetched_.find(key);
  if (it == fetched_.end()) return std::nullopt;
  return it->second;
}

void AgentCache::record_fetch(const std::string& key, Clock::time_point now) {
  if (fetched_.size() >= kMaxKeys && !fetched_.contains(key)) fetched_.clear();
  fetched_[key] = now;
}

void set_cache_meta(Response& response, bool hit, AgentCache::Clock::duration age) {
  response.set_header("X-Cache", hit ? "HIT" : "MISS");
  if (!hit) return;
  const double seconds = std::chrono::duration<double>(age).count();
  // Go's "%.0f" rounds half to even; nearbyint does the same in the default rounding mode.
  response.set_header("Age", std::to_string(static_cast<long long>(std::nearbyint(seconds))));
}

}  // namespace gatehouse::tools
