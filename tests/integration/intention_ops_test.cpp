// The intention library API (tools/intention/intention_ops.hpp) that the probe and the demo call,
// against a real dev agent: the same texts as the CLI, blocking and awaitable.
#include "tools/intention/intention_ops.hpp"

#include <gtest/gtest.h>

#include "tests/integration/support/dev_agent_fixture.hpp"
#include "tools/intention/blocking_call.hpp"

namespace gatehouse::tools {
namespace {

namespace net = boost::asio;

class IntentionOps : public testing::DevAgentTest {
 protected:
  consul::AgentConfig config() const {
    consul::AgentConfig c;
    c.address = *consul::parse_agent_address(agent_.base_url(), false);
    return c;
  }
};

TEST_F(IntentionOps, BlockingCallsReturnTheCliTexts) {
  const auto agent = config();
  const auto created = create_intention(agent, "web", "db", "allow", "web may read db");
  ASSERT_TRUE(created) << created.error();
  EXPECT_EQ(*created, "Created: web => db (allow)");

  const auto duplicate = create_intention(agent, "web", "db", "deny", "");
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error(),
            "Error creating intention \"web => db (deny)\": an intention already exists: "
            "web => db (allow); use -replace to replace it");

  const auto updated = update_intention_action(agent, "web", "db", "deny");
  ASSERT_TRUE(updated) << updated.error();
  EXPECT_EQ(*updated, "Updated: web => db (deny)");

  const auto all = list_intentions(agent);
  ASSERT_TRUE(all) << all.error();
  ASSERT_EQ(all->size(), 1U);
  EXPECT_EQ(all->front().to_cli_string(), "web => db (deny)");
  EXPECT_EQ(all->front().description, "web may read db");

  const auto allowed = check_intention(agent, "web", "db");
  ASSERT_TRUE(allowed) << allowed.error();
  EXPECT_FALSE(*allowed);

  const auto deleted = delete_intention(agent, "web", "db");
  ASSERT_TRUE(deleted) << deleted.error();
  EXPECT_EQ(*deleted, "Intention deleted.");

  const auto missing = update_intention_action(agent, "web", "db", "allow");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "Error: no intention found for web => db");
  const auto bad_action = create_intention(agent, "web", "db", "maybe", "");
  ASSERT_FALSE(bad_action);
  EXPECT_EQ(bad_action.error(), "Error: Action must be allow or deny, got \"maybe\"");
  const auto none = list_intentions(agent);
  ASSERT_TRUE(none) << none.error();
  EXPECT_TRUE(none->empty());
}

// create, flip and list on one AgentClient, as a coroutine caller (the demo) would.
net::awaitable<std::vector<std::string>> create_flip_list(consul::AgentClient& agent) {
  std::vector<std::string> lines;
  const auto created = co_await create_intention(agent, "api", "db", "allow", "");
  lines.push_back(created ? *created : created.error());
  const auto flipped = co_await update_intention_action(agent, "api", "db", "deny");
  lines.push_back(flipped ? *flipped : flipped.error());
  const auto matches = co_await match_intentions(agent, consul::MatchBy::destination, "db");
  if (matches) {
    for (const auto& ixn : *matches) lines.push_back(ixn.to_cli_string());
  }
  co_return lines;
}

TEST_F(IntentionOps, AwaitableCallsOnOneClient) {
  const auto lines = blocking_call<std::vector<std::string>>(
      config(), [](consul::AgentClient& agent) { return create_flip_list(agent); });
  EXPECT_EQ(lines, (std::vector<std::string>{"Created: api => db (allow)",
                                             "Updated: api => db (deny)", "api => db (deny)"}));
}

TEST(IntentionOpsAgentDown, ErrorsNameTheAgent) {
  consul::AgentConfig agent;
  agent.address = *consul::parse_agent_address("127.0.0.1:1", false);
  const auto all = list_intentions(agent);
  ASSERT_FALSE(all);
  EXPECT_TRUE(all.error().starts_with(
      "Failed to retrieve the intentions list: cannot reach the Consul agent at "
      "http://127.0.0.1:1 ("))
      << all.error();
}

}  // namespace
}  // namespace gatehouse::tools
