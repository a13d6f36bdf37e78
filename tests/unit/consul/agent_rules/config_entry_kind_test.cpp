#include "consul/agent_rules/config_entry_kind.hpp"

#include <gtest/gtest.h>

namespace gatehouse::consul {
namespace {

TEST(ConfigEntryKindTest, FindsKindOrExplains) {
  auto k = config_entry_kind(R"({"kind":"service-defaults","Name":"db"})");
  ASSERT_TRUE(k);
  EXPECT_EQ(*k, "service-defaults");
  k = config_entry_kind(R"({"Name":"db"})");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error(), "Payload does not contain a kind/Kind key at the top level");
  k = config_entry_kind("");
  ASSERT_FALSE(k);
  EXPECT_EQ(k.error(), "EOF");
}

}  // namespace
}  // namespace gatehouse::consul
