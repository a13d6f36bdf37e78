#pragma once
// Consul's blocking-query rules (agent/blockingquery/blockingquery.go; `?hash=` in
// agent/agent_endpoint.go AgentService; headers in agent/http.go setMeta): `?index=`/`?hash=` and
// `?wait=` parsing, the timeout (default 5m, clamped to 10m, plus up to 1/16 jitter) and the
// response headers.

#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/request.hpp"
#include "tools/dev_agent/response.hpp"

namespace gatehouse::tools {

constexpr std::chrono::minutes kDefaultQueryTime{5};
constexpr std::chrono::minutes kMaxQueryTime{10};
constexpr int kJitterFraction = 16;

struct BlockingParams {
  std::uint64_t index = 0;           // 0: a plain read
  std::chrono::nanoseconds wait{0};  // 0: the default query time
  std::optional<std::string> hash;   // hash-based blocking (agent-local data)
};

// 400 `Invalid wait time` / `Invalid index` as Consul answers them.
boost::system::result<BlockingParams, HttpError> parse_blocking_params(const Request& request);

// The wait before jitter: `wait` ≤ 0 → 5m, `wait` > 10m → 10m.
std::chrono::nanoseconds clamp_wait(std::chrono::nanoseconds wait);
// clamp_wait plus a jitter in [0, clamped/16) drawn from `jitter_unit` ∈ [0, 1).
std::chrono::nanoseconds query_timeout(std::chrono::nanoseconds wait, double jitter_unit);
// query_timeout with a random jitter.
std::chrono::nanoseconds query_timeout(std::chrono::nanoseconds wait);

// True while a query that sent `client_index` must keep waiting for `current_index`.
constexpr bool should_block(std::uint64_t client_index, std::uint64_t current_index) {
  return client_index > 0 && current_index <= client_index;
}

// X-Consul-Index (0 is sent as 1 so clients never spin), KnownLeader, LastContact.
void set_query_meta(Response& response, std::uint64_t index);
// Only X-Consul-Index (endpoints such as the leaf that set nothing else).
void set_index_header(Response& response, std::uint64_t index);

}  // namespace gatehouse::tools
