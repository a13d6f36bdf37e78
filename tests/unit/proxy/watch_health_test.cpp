#include "proxy/watch_health.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <vector>

namespace gatehouse::proxy {
namespace {

TEST(WatchHealth, CountsFailuresAndRemembersTheLastSuccessAndError) {
  WatchHealth health;
  EXPECT_TRUE(health.snapshot().empty());

  health.failure("roots", "connection refused");
  auto s = health.snapshot();
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s.at("roots").errors, 1U);
  EXPECT_EQ(s.at("roots").last_error, "connection refused");
  EXPECT_TRUE(s.at("roots").failing);
  EXPECT_FALSE(s.at("roots").last_success);

  const auto before = std::chrono::system_clock::now();
  health.success("roots");
  health.success("upstream:db");
  health.failure("roots", "timed out");
  health.success("roots");
  const auto after = std::chrono::system_clock::now();
  s = health.snapshot();
  ASSERT_EQ(s.size(), 2U);
  const auto& roots = s.at("roots");
  EXPECT_EQ(roots.errors, 2U);
  EXPECT_EQ(roots.last_error, "timed out");  // kept after the success
  EXPECT_FALSE(roots.failing);
  ASSERT_TRUE(roots.last_success);
  EXPECT_GE(*roots.last_success, before);
  EXPECT_LE(*roots.last_success, after);
  EXPECT_EQ(s.at("upstream:db").errors, 0U);
  EXPECT_EQ(s.at("upstream:db").last_error, "");
  EXPECT_TRUE(s.find(std::string_view{"upstream:db"}) != s.end());
}

using IntWatch = consul::Watch<int>;

struct Script {
  std::vector<IntWatch::Result> responses;
  std::shared_ptr<WatchHealth> health;
  std::vector<WatchHealth::WatchState> before_each;  // roots' state as each fetch starts
  std::chrono::system_clock::time_point second_call;
  IntWatch* watch = nullptr;
};

// Replays the script (noting the health as each call starts), then stops the watch.
boost::asio::awaitable<IntWatch::Result> scripted_fetch(Script* script) {
  const auto snapshot = script->health->snapshot();
  const auto call = script->before_each.size();
  script->before_each.push_back(snapshot.contains("roots") ? snapshot.at("roots")
                                                           : WatchHealth::WatchState{});
  if (call == 1) script->second_call = std::chrono::system_clock::now();
  if (call < script->responses.size()) co_return script->responses[call];
  script->watch->stop();
  co_return consul::ApiError::make(consul::ApiErrorKind::cancelled, "script finished");
}

// Every answer counts as a success, also one that changes nothing (a blocking query that timed
// out), and every failure as an error: the watch's fetch is scripted, so no HTTP.
TEST(WatchHealth, HearsEveryOutcomeOfAWatch) {
  boost::asio::io_context ioc;
  Script script;
  script.health = std::make_shared<WatchHealth>();
  script.responses = {
      consul::Blocking<int>{1, 5, {}},
      consul::Blocking<int>{1, 5, {}},  // unchanged: not published, but an answer
      consul::ApiError::from_status(500, "rpc error"),
      consul::Blocking<int>{1, 5, {}},
      consul::ApiError::from_status(500, "again"),
  };
  consul::BlockingOptions options;
  options.rate_per_second = 1e9;
  options.backoff_base = std::chrono::milliseconds{1};
  options.backoff_max = std::chrono::milliseconds{1};
  IntWatch watch{ioc.get_executor(),
                 consul::BlockingMode::index,
                 [&script](const consul::BlockingParams&) { return scripted_fetch(&script); },
                 [](const consul::Blocking<int>&) {},
                 {},
                 options,
                 [] { return 0.5; }};
  script.watch = &watch;
  report_health(watch, script.health, "roots");
  watch.start();
  ioc.run_for(std::chrono::seconds{10});
  ASSERT_TRUE(watch.finished());
  const auto& seen = script.before_each;
  ASSERT_EQ(seen.size(), 6U);
  EXPECT_FALSE(seen[0].last_success);
  ASSERT_TRUE(seen[2].last_success);
  EXPECT_GE(*seen[2].last_success, script.second_call);  // the unchanged answer counted
  EXPECT_EQ(seen[3].errors, 1U);
  EXPECT_TRUE(seen[3].failing);
  EXPECT_FALSE(seen[4].failing);
  const auto end = script.health->snapshot().at("roots");
  EXPECT_EQ(end.errors, 2U);
  EXPECT_TRUE(end.failing);
  EXPECT_EQ(end.last_error, "Unexpected response code: 500 (again)");
}

}  // namespace
}  // namespace gatehouse::proxy
