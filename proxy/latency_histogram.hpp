#pragma once
// A fixed-bucket latency histogram in whole microseconds, lock-free (one relaxed atomic add per
// bucket, count and sum), for the authorize wait of every connection. The buckets cover both an
// in-process decision (tens of microseconds) and a round trip to the agent (milliseconds up to
// the authorize timeout).

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gatehouse::proxy {

class LatencyHistogram {
 public:
  struct Bucket {
    std::int64_t upper_us;  // inclusive, like Prometheus' `le`
    std::string_view le;    // the same bound in seconds, as exposed
  };
  static constexpr std::array<Bucket, 15> kBuckets{{
      {10, "0.00001"},
      {50, "0.00005"},
      {100, "0.0001"},
      {250, "0.00025"},
      {500, "0.0005"},
      {1'000, "0.001"},
      {2'500, "0.0025"},
      {5'000, "0.005"},
      {10'000, "0.01"},
      {25'000, "0.025"},
      {50'000, "0.05"},
      {100'000, "0.1"},
      {250'000, "0.25"},
      {1'000'000, "1"},
      {2'500'000, "2.5"},
  }};

  struct Snapshot {
    std::array<std::uint64_t, kBuckets.size()> cumulative{};  // observations <= each bound
    std::uint64_t count = 0;                                  // the +Inf bucket
    std::uint64_t sum_us = 0;
  };

  // Negative values are taken as 0.
  void observe_us(std::int64_t us);
  // Consistent enough for a scrape: each counter is read once; a concurrent observe may show in
  // the count but not yet in its bucket, never the reverse (the count is read first, and
  // cumulative buckets are clamped to it).
  Snapshot snapshot() const;

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets.size()> buckets_{};  // not cumulative
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

}  // namespace gatehouse::proxy
