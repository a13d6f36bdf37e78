#include "consul/go_duration.hpp"

#include <gtest/gtest.h>

#include "consul/agent_service_registration.hpp"
#include "consul/json_decode.hpp"

namespace gatehouse::consul {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(GoDurationTest, Parses) {
  EXPECT_EQ(*parse_go_duration("10s"), seconds{10});
  EXPECT_EQ(*parse_go_duration("72h"), hours{72});
  EXPECT_EQ(*parse_go_duration("1m30s"), seconds{90});
  EXPECT_EQ(*parse_go_duration("1.5s"), milliseconds{1500});
  EXPECT_EQ(*parse_go_duration("1.1s"), milliseconds{1100});
  EXPECT_EQ(*parse_go_duration("500ms"), milliseconds{500});
  EXPECT_EQ(*parse_go_duration("250us"), nanoseconds{250'000});
  EXPECT_EQ(*parse_go_duration("0"), nanoseconds{0});
  EXPECT_EQ(*parse_go_duration("-2m"), minutes{-2});
}

TEST(GoDurationTest, ErrorsUseGoText) {
  EXPECT_EQ(parse_go_duration("abc").error(), "time: invalid duration \"abc\"");
  EXPECT_EQ(parse_go_duration("").error(), "time: invalid duration \"\"");
  EXPECT_EQ(parse_go_duration("10").error(), "time: missing unit in duration \"10\"");
  EXPECT_EQ(parse_go_duration("1d").error(), "time: unknown unit \"d\" in duration \"1d\"");
}

TEST(GoDurationTest, FormatsLikeGo) {
  EXPECT_EQ(format_go_duration(nanoseconds{0}), "0s");
  EXPECT_EQ(format_go_duration(seconds{10}), "10s");
  EXPECT_EQ(format_go_duration(seconds{90}), "1m30s");
  EXPECT_EQ(format_go_duration(hours{72}), "72h0m0s");
  EXPECT_EQ(format_go_duration(milliseconds{1500}), "1.5s");
  EXPECT_EQ(format_go_duration(milliseconds{500}), "500ms");
  EXPECT_EQ(format_go_duration(nanoseconds{1500}), "1.5\xC2\xB5s");
  EXPECT_EQ(format_go_duration(nanoseconds{42}), "42ns");
  EXPECT_EQ(format_go_duration(minutes{-2}), "-2m0s");
}

TEST(GoDurationTest, CheckDurationsAcceptNanosecondNumbers) {
  const auto r = decode_json<AgentServiceRegistration>(
      R"({"Name":"web","Check":{"TTL":30000000000,"Interval":"10s"}})", kStrictBodyAnyCase);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->check->ttl, "30s");
  EXPECT_EQ(r->check->interval, "10s");
}

}  // namespace
}  // namespace gatehouse::consul
