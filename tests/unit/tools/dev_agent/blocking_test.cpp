#include "tools/dev_agent/blocking.hpp"

#include <gtest/gtest.h>

#include "tests/unit/tools/dev_agent/request_builder.hpp"

namespace gatehouse::tools {
namespace {

using namespace std::chrono_literals;
using boost::beast::http::verb;
using testing::make_request;

TEST(Blocking, ParsesIndexWaitAndHash) {
  auto p = parse_blocking_params(make_request(verb::get, "/v1/x?index=42&wait=10s&hash=abc"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->index, 42U);
  EXPECT_EQ(p->wait, std::chrono::nanoseconds{10s});
  EXPECT_EQ(p->hash, "abc");
  p = parse_blocking_params(make_request(verb::get, "/v1/x"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->index, 0U);
  EXPECT_EQ(p->wait, std::chrono::nanoseconds{0});
  EXPECT_FALSE(p->hash);
}

TEST(Blocking, BadParametersAreConsul400s) {
  auto p = parse_blocking_params(make_request(verb::get, "/v1/x?wait=10"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().status, 400U);
  EXPECT_EQ(p.error().body, "Invalid wait time");
  p = parse_blocking_params(make_request(verb::get, "/v1/x?index=12a"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().status, 400U);
  EXPECT_EQ(p.error().body, "Invalid index");
  p = parse_blocking_params(make_request(verb::get, "/v1/x?index=-1"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().body, "Invalid index");
}

TEST(Blocking, WaitDefaultsAndClamp) {
  EXPECT_EQ(clamp_wait(std::chrono::nanoseconds{0}), std::chrono::nanoseconds{5min});
  EXPECT_EQ(clamp_wait(std::chrono::nanoseconds{-1s}), std::chrono::nanoseconds{5min});
  EXPECT_EQ(clamp_wait(std::chrono::nanoseconds{30s}), std::chrono::nanoseconds{30s});
  EXPECT_EQ(clamp_wait(std::chrono::nanoseconds{1h}), std::chrono::nanoseconds{10min});
}

TEST(Blocking, JitterAddsAtMostOneSixteenth) {
  EXPECT_EQ(query_timeout(std::chrono::nanoseconds{16s}, 0.0), std::chrono::nanoseconds{16s});
  EXPECT_EQ(query_timeout(std::chrono::nanoseconds{16s}, 0.5), std::chrono::nanoseconds{16500ms});
  EXPECT_EQ(query_timeout(std::chrono::nanoseconds{1h}, 0.0), std::chrono::nanoseconds{10min});
  for (int i = 0; i < 100; ++i) {
    const auto t = query_timeout(std::chrono::nanoseconds{0});
    EXPECT_GE(t, std::chrono::nanoseconds{5min});
    EXPECT_LT(t, std::chrono::nanoseconds{5min} + std::chrono::nanoseconds{5min} / 16);
  }
}

TEST(Blocking, BlocksWhileClientIndexIsCurrentOrAhead) {
  EXPECT_FALSE(should_block(0, 5));  // a plain read
  EXPECT_TRUE(should_block(5, 5));
  EXPECT_TRUE(should_block(7, 5));  // ahead of the server: wait for a change
  EXPECT_FALSE(should_block(4, 5));
}

TEST(Blocking, IndexHeaderIsNeverZero) {
  Response r;
  set_query_meta(r, 0);
  ASSERT_EQ(r.headers.size(), 3U);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"X-Consul-Index", "1"}));
  EXPECT_EQ(r.headers[1], (std::pair<std::string, std::string>{"X-Consul-KnownLeader", "true"}));
  EXPECT_EQ(r.headers[2], (std::pair<std::string, std::string>{"X-Consul-LastContact", "0"}));
  Response leaf;
  set_index_header(leaf, 17);
  ASSERT_EQ(leaf.headers.size(), 1U);
  EXPECT_EQ(leaf.headers[0].second, "17");
}

}  // namespace
}  // namespace gatehouse::tools
