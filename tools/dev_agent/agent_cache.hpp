#pragma once
// What Consul's agent cache shows a client, and only that: the `X-Cache` and `Age` headers on the
// agent-cached endpoints (roots, leaf, authorize). Consul answers a Get from an entry it already
// holds as a HIT and sends `Age` (agent/http.go setCacheMeta); a Get that had to fetch or wait
// for a newer value is a MISS, with no `Age`. The dev agent computes every answer fresh, so this
// only remembers when each cache key was last fetched.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "tools/dev_agent/response.hpp"

namespace gatehouse::tools {

class AgentCache {
 public:
  using Clock = std::chrono::steady_clock;

  // Keys come from request fields (service names, tokens), so the table is bounded: past this
  // many keys it starts over and the next Get of each key is a MISS, as after Consul's own
  // eviction of entries nobody read for a while (LastGetTTL).
  static constexpr std::size_t kMaxKeys = 16384;

  // When `key` was last fetched; nullopt when it never was (the next Get is a MISS).
  std::optional<Clock::time_point> fetched_at(const std::string& key) const;
  void record_fetch(const std::string& key, Clock::time_point now);

 private:
  std::map<std::string, Clock::time_point> fetched_;
};

// `X-Cache: HIT` with `Age` (whole seconds, as Go's "%.0f" prints them), or `X-Cache: MISS`.
void set_cache_meta(Response& response, bool hit, AgentCache::Clock::duration age = {});

}  // namespace gatehouse::tools
