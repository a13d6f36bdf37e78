#include "proxy/stale_verdicts.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;

Verdict allow(std::string reason) {
  return Verdict{true, std::move(reason), DecisionSource::agent, "web => db"};
}

TEST(StaleVerdicts, RecallsTheCallersLastAnswerMarkedStale) {
  StaleVerdicts stale{1h};
  EXPECT_FALSE(stale.recall("spiffe://td/ns/default/dc/dc1/svc/web"));
  stale.remember("spiffe://td/ns/default/dc/dc1/svc/web", allow("first"));
  stale.remember("spiffe://td/ns/default/dc/dc1/svc/web", allow("second"));
  const auto recalled = stale.recall("spiffe://td/ns/default/dc/dc1/svc/web");
  ASSERT_TRUE(recalled);
  EXPECT_TRUE(recalled->allowed);
  EXPECT_EQ(recalled->reason, "second");
  EXPECT_EQ(recalled->intention, "web => db");
  EXPECT_EQ(recalled->source, DecisionSource::stale);
  EXPECT_FALSE(stale.recall("spiffe://td/ns/default/dc/dc1/svc/api"));
}

TEST(StaleVerdicts, AnAnswerOlderThanTheLimitIsNotUsed) {
  StaleVerdicts stale{20ms};
  stale.remember("web", allow("old"));
  std::this_thread::sleep_for(40ms);
  EXPECT_FALSE(stale.recall("web"));
}

TEST(StaleVerdicts, AFullTableForgetsTheOldestCaller) {
  StaleVerdicts stale{1h, 2};
  stale.remember("a", allow("a"));
  std::this_thread::sleep_for(2ms);
  stale.remember("b", allow("b"));
  stale.remember("a", allow("a again"));  // already known: nothing is forgotten
  EXPECT_TRUE(stale.recall("b"));
  stale.remember("c", allow("c"));  // full: b is now the oldest
  EXPECT_FALSE(stale.recall("b"));
  EXPECT_EQ(stale.recall("a")->reason, "a again");
  EXPECT_TRUE(stale.recall("c"));
}

}  // namespace
}  // namespace gatehouse::proxy

namespace gatehouse::proxy {
namespace {

TEST(StaleVerdicts, AnIntentionsChangeForgetsEveryAnswer) {
  StaleVerdicts stale{std::chrono::hours{1}};
  stale.remember("web", Verdict{true, "allowed", DecisionSource::agent, "web => db"});
  stale.forget_all();
  EXPECT_FALSE(stale.recall("web"));
}

}  // namespace
}  // namespace gatehouse::proxy
