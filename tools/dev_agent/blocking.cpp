#include "tools/dev_agent/blocking.hpp"

#include <charconv>
#include <random>

#include "tools/dev_agent/go_duration.hpp"

namespace gatehouse::tools {

boost::system::result<BlockingParams, HttpError> parse_blocking_params(const Request& request) {
  BlockingParams p;
  if (auto wait = request.query("wait"); wait && !wait->empty()) {
    auto d = parse_go_duration(*wait);
    if (!d) return HttpError::bad_request("Invalid wait time");
    p.wait = *d;
  }
  if (auto index = request.query("index"); index && !index->empty()) {
    const char* end = index->data() + index->size();
    auto [ptr, ec] = std::from_chars(index->data(), end, p.index);
    if (ec != std::errc{} || ptr != end) return HttpError::bad_request("Invalid index");
  }
  if (auto hash = request.query("hash"); hash && !hash->empty()) p.hash = *hash;
  return p;
}

std::chrono::nanoseconds clamp_wait(std::chrono::nanoseconds wait) {
  if (wait <= std::chrono::nanoseconds{0}) return kDefaultQueryTime;
  if (wait > kMaxQueryTime) return kMaxQueryTime;
  return wait;
}

std::chrono::nanoseconds query_timeout(std::chrono::nanoseconds wait, double jitter_unit) {
  const auto base = clamp_wait(wait);
  const auto jitter = static_cast<double>(base.count() / kJitterFraction) * jitter_unit;
  return base + std::chrono::nanoseconds{static_cast<std::int64_t>(jitter)};
}

std::chrono::nanoseconds query_timeout(std::chrono::nanoseconds wait) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return query_timeout(wait, std::uniform_real_distribution<double>{0.0, 1.0}(rng));
}

void set_index_header(Response& response, std::uint64_t index) {
  response.set_header("X-Consul-Index", std::to_string(index == 0 ? 1 : index));
}

void set_query_meta(Response& response, std::uint64_t index) {
  set_index_header(response, index);
  response.set_header("X-Consul-KnownLeader", "true");
  response.set_header("X-Consul-LastContact", "0");
}

}  // namespace gatehouse::tools
