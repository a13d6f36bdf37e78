#include "proxy/latency_histogram.hpp"

#include <algorithm>

namespace gatehouse::proxy {

void LatencyHistogram::observe_us(std::int64_t us) {
  us = std::max<std::int64_t>(us, 0);
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (us <= kBuckets[i].upper_us) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  sum_us_.fetch_add(static_cast<std::uint64_t>(us), std::memory_order_relaxed);
  // Last, with release: a scrape that sees this count also sees the bucket and the sum above.
  count_.fetch_add(1, std::memory_order_release);
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const {
  Snapshot s;
  s.count = count_.load(std::memory_order_acquire);
  s.sum_us = sum_us_.load(std::memory_order_relaxed);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = std::min(running, s.count);
  }
  return s;
}

}  // namespace gatehouse::proxy
