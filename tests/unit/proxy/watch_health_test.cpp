#include "proxy/watch_health.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gatehouse::proxy
