// Blocking-query rules (reference §1.1) with injected time and randomness: nothing sleeps.
#include "consul/blocking_query.hpp"

#include <gtest/gtest.h>

namespace gatehouse::consul {
namespace {

using namespace std::chrono_literals;

TEST(BlockingIndex, ParsesDecimalOnly) {
  EXPECT_EQ(parse_index("42"), 42U);
  EXPECT_EQ(parse_index("18446744073709551615"), 18446744073709551615ULL);
  EXPECT_EQ(parse_index("18446744073709551616"), std::nullopt);
  EXPECT_EQ(parse_index("-1"), std::nullopt);
  EXPECT_EQ(parse_index("12abc"), std::nullopt);
  EXPECT_EQ(parse_index(""), std::nullopt);
  EXPECT_EQ(parse_index(std::nullopt), std::nullopt);
}

TEST(BlockingIndex, NextIndexRules) {
  EXPECT_EQ(next_index(0, 5), 5U);             // first response
  EXPECT_EQ(next_index(5, 5), 5U);             // timed out, unchanged: block again on it
  EXPECT_EQ(next_index(5, 9), 9U);             // moved forward
  EXPECT_EQ(next_index(9, 3), 0U);             // went backwards: reset
  EXPECT_EQ(next_index(9, 0), 0U);             // not positive: reset
  EXPECT_EQ(next_index(9, std::nullopt), 0U);  // missing or malformed header: reset
}

TEST(BlockingIndex, RequestTimeoutAddsJitterAndMargin) {
  EXPECT_EQ(blocking_request_timeout(160s, 5s), 160s + 10s + 5s);
  EXPECT_EQ(blocking_request_timeout(300'000ms, 5'000ms), 323'750ms);
  EXPECT_EQ(format_wait(300s), "300000ms");
}

TEST(RateLimiter, BurstOfTwoThenPaced) {
  RateLimiter limiter{1.0, 2.0};
  const Clock::time_point t0{};
  EXPECT_EQ(limiter.acquire(t0), Clock::duration::zero());
  EXPECT_EQ(limiter.acquire(t0), Clock::duration::zero());
  EXPECT_EQ(limiter.acquire(t0), Clock::duration{1s});
  // The third call was granted for t0+1s; a fourth at that time waits one more second.
  EXPECT_EQ(limiter.acquire(t0 + 1s), Clock::duration{1s});
}

TEST(RateLimiter, RefillsOverTimeUpToBurst) {
  RateLimiter limiter{2.0, 2.0};
  const Clock::time_point t0{};
  limiter.acquire(t0);
  limiter.acquire(t0);
  EXPECT_EQ(limiter.acquire(t0 + 500ms), Clock::duration::zero());  // one token refilled
  // A long idle period refills only up to the burst.
  EXPECT_EQ(limiter.acquire(t0 + 1h), Clock::duration::zero());
  EXPECT_EQ(limiter.acquire(t0 + 1h), Clock::duration::zero());
  EXPECT_EQ(limiter.acquire(t0 + 1h), Clock::duration{500ms});
}

TEST(Backoff, DoublesWithinJitterBoundsAndCaps) {
  Backoff b{1s, 8s};
  EXPECT_EQ(b.next(0.0), 500ms);        // failure 1: [0.5s, 1s]
  EXPECT_EQ(b.next(0.999999), 1999ms);  // failure 2: [1s, 2s)
  EXPECT_EQ(b.next(0.5), 3s);           // failure 3: [2s, 4s]
  EXPECT_EQ(b.next(1.0), 8s);           // failure 4: [4s, 8s]
  EXPECT_EQ(b.next(0.0), 4s);           // capped at 8s
  EXPECT_EQ(b.failures(), 5);
  b.reset();
  EXPECT_EQ(b.next(0.0), 500ms);
}

TEST(Backoff, EveryDelayWithinBounds) {
  Backoff b{100ms, 10s};
  for (int n = 1; n <= 20; ++n) {
    const double r = (n % 7) / 7.0;
    const auto d = b.next(r);
    const auto cap = std::min<milliseconds>(10s, 100ms * (1LL << std::min(n - 1, 20)));
    EXPECT_GE(d, cap / 2) << n;
    EXPECT_LE(d, cap) << n;
  }
}

TEST(BlockingQueryState, PublishesOnlyOnChange) {
  BlockingQueryState s{BlockingOptions{}};
  EXPECT_EQ(s.index(), 0U);
  EXPECT_TRUE(s.on_index(7));  // first value always published
  EXPECT_EQ(s.index(), 7U);
  EXPECT_FALSE(s.on_index(7));  // wait timed out: same index, nothing new
  EXPECT_TRUE(s.on_index(9));
  EXPECT_EQ(s.index(), 9U);
}

TEST(BlockingQueryState, ResetOnBackwardsIndexStillPublishesNewData) {
  BlockingQueryState s{BlockingOptions{}};
  EXPECT_TRUE(s.on_index(50));
  EXPECT_TRUE(s.on_index(3));  // snapshot restore: new data, index reset
  EXPECT_EQ(s.index(), 0U);
  EXPECT_FALSE(s.on_index(3));  // the plain read after the reset returns the same data
  EXPECT_EQ(s.index(), 3U);
}

TEST(BlockingQueryState, ErrorsBackOffResetIndexAndSuccessResetsBackoff) {
  BlockingOptions o;
  o.backoff_base = 1s;
  o.backoff_max = 60s;
  BlockingQueryState s{o};
  EXPECT_TRUE(s.on_index(10));
  EXPECT_EQ(s.on_error(1.0), 1s);
  EXPECT_EQ(s.index(), 0U);
  EXPECT_EQ(s.on_error(1.0), 2s);
  EXPECT_TRUE(s.on_index(10));  // republished: a restarted agent may reuse the index
  EXPECT_FALSE(s.on_index(10));
  EXPECT_EQ(s.on_error(1.0), 1s);  // backoff restarted after the success
}

TEST(BlockingQueryState, HashBased) {
  BlockingQueryState s{BlockingOptions{}};
  EXPECT_EQ(s.hash(), "");
  EXPECT_TRUE(s.on_hash("4ecd29c7bc647ca8"));
  EXPECT_EQ(s.hash(), "4ecd29c7bc647ca8");
  EXPECT_FALSE(s.on_hash("4ecd29c7bc647ca8"));
  EXPECT_TRUE(s.on_hash("b1a3f0e4c2d97a51"));
  s.on_error(0.0);
  EXPECT_EQ(s.hash(), "");
  EXPECT_TRUE(s.on_hash("b1a3f0e4c2d97a51"));  // the first answer after an error is published
}

}  // namespace
}  // namespace gatehouse::consul
