#include "tools/dev_agent/go_duration.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tools {
namespace {

using namespace std::chrono_literals;

TEST(GoDuration, ParsesConsulWaitForms) {
  EXPECT_EQ(parse_go_duration("10s"), std::chrono::nanoseconds{10s});
  EXPECT_EQ(parse_go_duration("5m"), std::chrono::nanoseconds{5min});
  EXPECT_EQ(parse_go_duration("100ms"), std::chrono::nanoseconds{100ms});
  EXPECT_EQ(parse_go_duration("1h30m"), std::chrono::nanoseconds{90min});
  EXPECT_EQ(parse_go_duration("1.5s"), std::chrono::nanoseconds{1500ms});
  EXPECT_EQ(parse_go_duration("250us"), std::chrono::nanoseconds{250us});
  EXPECT_EQ(parse_go_duration("72h"), std::chrono::nanoseconds{72h});
  EXPECT_EQ(parse_go_duration("0"), std::chrono::nanoseconds{0});
  EXPECT_EQ(parse_go_duration("-2s"), std::chrono::nanoseconds{-2s});
}

TEST(GoDuration, RejectsWhatGoRejects) {
  EXPECT_FALSE(parse_go_duration(""));
  EXPECT_FALSE(parse_go_duration("10"));     // missing unit
  EXPECT_FALSE(parse_go_duration("soon"));
  EXPECT_FALSE(parse_go_duration("5 m"));
  EXPECT_FALSE(parse_go_duration("3d"));     // no day unit in Go
  EXPECT_FALSE(parse_go_duration("."));
  EXPECT_FALSE(parse_go_duration("s"));
}

TEST(GoDuration, FormatsLikeGo) {
  EXPECT_EQ(format_go_duration(72h), "72h0m0s");
  EXPECT_EQ(format_go_duration(1min), "1m0s");
  EXPECT_EQ(format_go_duration(90s), "1m30s");
  EXPECT_EQ(format_go_duration(500ms), "500ms");
  EXPECT_EQ(format_go_duration(std::chrono::nanoseconds{0}), "0s");
  EXPECT_EQ(format_go_duration(8760h), "8760h0m0s");
}

}  // namespace
}  // namespace gatehouse::tools
