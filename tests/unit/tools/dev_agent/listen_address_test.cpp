#include "tools/dev_agent/listen_address.hpp"

#include <gtest/gtest.h>

namespace gatehouse::tools {
namespace {

TEST(ListenAddress, ParsesHostPortForms) {
  auto e = parse_listen_address("127.0.0.1:8500");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->address().to_string(), "127.0.0.1");
  EXPECT_EQ(e->port(), 8500);
  e = parse_listen_address("127.0.0.1:0");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->port(), 0);
  e = parse_listen_address("[::1]:9000");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->address().is_v6());
  e = parse_listen_address("localhost:1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->address().to_string(), "127.0.0.1");
}

TEST(ListenAddress, RejectsBadInput) {
  EXPECT_FALSE(parse_listen_address("8500"));
  EXPECT_FALSE(parse_listen_address("127.0.0.1:"));
  EXPECT_FALSE(parse_listen_address("127.0.0.1:70000"));
  const auto e = parse_listen_address("example.com:80");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(),
            "invalid -http-addr \"example.com:80\": host must be an IP address or localhost");
}

}  // namespace
}  // namespace gatehouse::tools
