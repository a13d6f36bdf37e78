// Blocking-query rules (agent/blockingquery/blockingquery.go) with injected time and randomness:
// nothing sleeps.
#include "consul/blocking_query.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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

TEST(Backoff, DecorrelatedJitterGrowsFromThePreviousDelayUpToTheCap) {
  Backoff b{500ms, 2500ms};
  EXPECT_EQ(b.lower(), 500ms);
  EXPECT_EQ(b.upper(), 1500ms);    // first failure: [base, 3 * base]
  EXPECT_EQ(b.next(0.5), 1000ms);  // 500 + 0.5 * 1000
  EXPECT_EQ(b.upper(), 2500ms);    // 3 * 1000 capped
  EXPECT_EQ(b.next(0.999999), 2499ms);
  EXPECT_EQ(b.next(1.0), 2500ms);  // never above the cap
  EXPECT_EQ(b.next(0.0), 500ms);   // nor below the base, and the range follows the last delay
  EXPECT_EQ(b.upper(), 1500ms);
  EXPECT_EQ(b.failures(), 4);
  b.reset();
  EXPECT_EQ(b.failures(), 0);
  EXPECT_EQ(b.upper(), 1500ms);
  EXPECT_EQ(b.next(0.0), 500ms);
}

TEST(Backoff, TheDefaultsNeverWaitLongerThanTheCapHoweverLongTheOutage) {
  const BlockingOptions defaults;
  EXPECT_LE(defaults.backoff_max, 3s);  // an agent that is back is seen within the cap
  Backoff b{defaults.backoff_base, defaults.backoff_max};
  // A 40 s outage of retries at the largest draw: the cap holds from the second failure on.
  milliseconds waited{0};
  int n = 0;
  while (waited < 40s) {
    const auto d = b.next(1.0);
    EXPECT_LE(d, defaults.backoff_max) << n;
    EXPECT_GE(d, defaults.backoff_base) << n;
    waited += d;
    ++n;
  }
  EXPECT_EQ(b.next(1.0), defaults.backoff_max);
}

TEST(Backoff, EveryDelayWithinItsRange) {
  Backoff b{100ms, 10s};
  milliseconds previous = 100ms;
  for (int n = 1; n <= 50; ++n) {
    const double r = (n * 37 % 101) / 101.0;  // spread over [0, 1)
    const auto hi = std::min<milliseconds>(10s, previous * 3);
    ASSERT_EQ(b.upper(), hi) << n;
    const auto d = b.next(r);
    EXPECT_GE(d, 100ms) << n;
    EXPECT_LE(d, hi) << n;
    // The draw maps linearly onto the range (the injected randomness decides where).
    EXPECT_EQ(d, 100ms + milliseconds{static_cast<milliseconds::rep>(
                             static_cast<double>((hi - 100ms).count()) * r)})
        << n;
    previous = d;
  }
}

TEST(Backoff, ACapBelowTheBaseWins) {
  Backoff b{5s, 1s};
  EXPECT_EQ(b.next(0.0), 1s);
  EXPECT_EQ(b.next(1.0), 1s);
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
  EXPECT_EQ(s.on_error(1.0), 3s);
  EXPECT_EQ(s.index(), 0U);
  EXPECT_EQ(s.on_error(1.0), 9s);
  EXPECT_TRUE(s.on_index(10));  // republished: a restarted agent may reuse the index
  EXPECT_FALSE(s.on_index(10));
  EXPECT_EQ(s.on_error(1.0), 3s);  // backoff restarted after the success
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
