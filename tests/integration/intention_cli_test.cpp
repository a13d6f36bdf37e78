// `gatehouse intention` against a real `gatehouse dev-agent`: every subcommand's stdout, stderr
// and exit code, including unknown intentions, duplicates, bad files and an agent that is down.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/dev_agent_fixture.hpp"
#include "tests/integration/support/loopback_port.hpp"

namespace gatehouse::testing {
namespace {

// Go prints a missing CreatedAt as the zero time; TZ=UTC makes "local time" fixed.
const std::map<std::string, std::string> kEnv{{"TZ", "UTC"}};

CommandResult intention_at(const std::string& address, const std::string& subcommand,
                           const std::vector<std::string>& args, const std::string& input = {}) {
  std::vector<std::string> argv{GATEHOUSE_BINARY, "intention", subcommand, "-http-addr", address};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, input, kEnv);
}

// A loopback address with nothing listening.
std::string closed_address() { return "127.0.0.1:" + std::to_string(unused_loopback_port()); }

class IntentionCli : public DevAgentTest {
 protected:
  CommandResult gi(const std::string& subcommand, const std::vector<std::string>& args = {},
                   const std::string& input = {}) {
    return intention_at(agent_.base_url(), subcommand, args, input);
  }
  void expect_ok(const CommandResult& r, const std::string& out) {
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, out);
    EXPECT_EQ(r.err, "");
  }
  void expect_failure(const CommandResult& r, int exit_code, const std::string& err) {
    EXPECT_EQ(r.exit_code, exit_code) << r.out;
    EXPECT_EQ(r.err, err);
    EXPECT_EQ(r.out, "");
  }
};

TEST_F(IntentionCli, ListWithoutIntentionsExitsTwo) {
  expect_failure(gi("list"), 2, "There are no intentions.\n");
  expect_ok(gi("list", {"-format", "json"}), "[]\n");
}

TEST_F(IntentionCli, CreateGetListUpdateDelete) {
  expect_ok(gi("create", {"web", "db"}), "Created: web => db (allow)\n");
  expect_ok(gi("create", {"-deny", "-description", "no direct access", "api", "db"}),
            "Created: api => db (deny)\n");

  expect_ok(gi("get", {"web", "db"}),
            "Source:       web\n"
            "Destination:  db\n"
            "Action:       allow\n"
            "Created At:   Monday, 01-Jan-01 00:00:00 UTC\n");
  expect_ok(gi("list"),
            "ID  Source  Action  Destination  Precedence\n"
            "    api     deny    db           9\n"
            "    web     allow   db           9\n");

  expect_ok(gi("update", {"-deny", "web", "db"}), "Updated: web => db (deny)\n");
  expect_ok(gi("update", {"-allow", "api", "db"}), "Updated: api => db (allow)\n");
  expect_ok(gi("get", {"api", "db"}),
            "Source:       api\n"
            "Destination:  db\n"
            "Action:       allow\n"
            "Description:  no direct access\n"
            "Created At:   Monday, 01-Jan-01 00:00:00 UTC\n");

  expect_ok(gi("delete", {"web", "db"}), "Intention deleted.\n");
  expect_failure(gi("get", {"web", "db"}), 1,
                 "Intention not found with source \"web\" and destination \"db\"\n");
  expect_ok(gi("list"),
            "ID  Source  Action  Destination  Precedence\n"
            "    api     allow   db           9\n");
}

TEST_F(IntentionCli, ListJsonIsTheApiArray) {
  expect_ok(gi("create", {"-deny", "web", "db"}), "Created: web => db (deny)\n");
  const auto r = gi("list", {"-format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto all = nlohmann::json::parse(r.out);
  ASSERT_TRUE(all.is_array());
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0]["SourceName"], "web");
  EXPECT_EQ(all[0]["DestinationName"], "db");
  EXPECT_EQ(all[0]["Action"], "deny");
  EXPECT_EQ(all[0]["Precedence"], 9);
}

TEST_F(IntentionCli, DuplicateCreateNeedsReplace) {
  expect_ok(gi("create", {"web", "db"}), "Created: web => db (allow)\n");
  expect_failure(gi("create", {"-deny", "web", "db"}), 1,
                 "Error creating intention \"web => db (deny)\": an intention already exists: "
                 "web => db (allow); use -replace to replace it\n");
  expect_ok(gi("check", {"web", "db"}), "Allowed\n");
  expect_ok(gi("create", {"-deny", "-replace", "web", "db"}), "Created: web => db (deny)\n");
  const auto r = gi("check", {"web", "db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "Denied\n");
}

TEST_F(IntentionCli, MetaGoesToTheDestinationsConfigEntryAndUpdateKeepsIt) {
  expect_ok(
      gi("create", {"-meta", "owner=team-a", "-description", "cache fills from db", "cache", "db"}),
      "Created: cache => db (allow)\n");
  expect_ok(gi("update", {"-deny", "cache", "db"}), "Updated: cache => db (deny)\n");
  expect_ok(gi("get", {"cache", "db"}),
            "Source:       cache\n"
            "Destination:  db\n"
            "Action:       deny\n"
            "Description:  cache fills from db\n"
            "Meta[owner]:  team-a\n"
            "Created At:   Monday, 01-Jan-01 00:00:00 UTC\n");
  const auto entry = agent_.get("/v1/config/service-intentions/db");
  ASSERT_EQ(entry.status, 200) << entry.body;
  EXPECT_EQ(entry.json()["Meta"], (nlohmann::json{{"owner", "team-a"}}));
  ASSERT_EQ(entry.json()["Sources"].size(), 1U);
  EXPECT_EQ(entry.json()["Sources"][0]["Name"], "cache");
}

TEST_F(IntentionCli, ReplaceWithoutAnExistingIntentionCreates) {
  expect_ok(gi("create", {"-replace", "-deny", "web", "db"}), "Created: web => db (deny)\n");
  const auto r = gi("check", {"web", "db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "Denied\n");
}

TEST_F(IntentionCli, UnknownIntentions) {
  expect_failure(gi("update", {"-deny", "web", "db"}), 1,
                 "Error: no intention found for web => db\n");
  expect_failure(gi("delete", {"web", "db"}), 1,
                 "Error deleting the intention: Intention not found with source \"web\" and "
                 "destination \"db\"\n");
  expect_failure(gi("get", {"web", "db"}), 1,
                 "Intention not found with source \"web\" and destination \"db\"\n");
  const std::string id = "8f246b77-f3e1-ff88-5b48-8ec93abf3e05";
  expect_failure(gi("get", {id}), 1, "Intention not found with ID \"" + id + "\"\n");
  expect_failure(gi("delete", {id}), 1,
                 "Error deleting the intention: Unexpected response code: 500 (Cannot delete "
                 "non-existent intention: '" +
                     id + "')\n");
}

TEST_F(IntentionCli, LegacyIntentionsByIdAndTheirIdColumn) {
  const auto created = agent_.post(
      "/v1/connect/intentions",
      R"({"SourceName":"dashboard","DestinationName":"counting","Action":"allow","SourceType":"consul"})");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = created.json()["ID"];
  const auto got = gi("get", {id});
  EXPECT_EQ(got.exit_code, 0) << got.err;
  EXPECT_TRUE(
      got.out.starts_with("Source:       dashboard\n"
                          "Destination:  counting\n"
                          "Action:       allow\n"
                          "ID:           " +
                          id + "\nCreated At:   "))
      << got.out;
  expect_ok(gi("list"),
            "ID                                    Source     Action  Destination  Precedence\n" +
                id + "  dashboard  allow   counting     9\n");
  expect_ok(gi("delete", {id}), "Intention deleted.\n");
  expect_failure(gi("list"), 2, "There are no intentions.\n");
}

TEST_F(IntentionCli, CreateFromFiles) {
  TempFile web_db{R"({"SourceName":"web","DestinationName":"db","Action":"allow",
                      "Description":"web may read db"})"};
  TempFile api_db{R"({"SourceName":"api","DestinationName":"db","Action":"deny"})"};
  expect_ok(gi("create", {"-file", web_db.path(), api_db.path()}),
            "Created: web => db (allow)\nCreated: api => db (deny)\n");
  expect_ok(
      gi("create", {"-file", "-"}, R"({"SourceName":"*","DestinationName":"db","Action":"deny"})"),
      "Created: * => db (deny)\n");
  expect_ok(gi("match", {"db"}), "api => db (deny)\nweb => db (allow)\n* => db (deny)\n");
}

TEST_F(IntentionCli, BadFilesNameTheFileAndTheField) {
  TempFile unknown_field{R"({"SourceName":"web","DestinationName":"db","Acton":"allow"})"};
  TempFile bad_json{R"({"SourceName": "web",)"};
  TempFile wrong_type{R"({"SourceName":"web","DestinationName":["db"],"Action":"allow"})"};
  TempFile l7{R"({"SourceName":"web","DestinationName":"db",
                  "Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/"}}]})"};
  expect_failure(gi("create", {"-file", "/nonexistent/ixn.json"}), 1,
                 "Error: open /nonexistent/ixn.json: no such file or directory\n");
  expect_failure(gi("create", {"-file", unknown_field.path()}), 1,
                 "Error: " + unknown_field.path() + ": json: unknown field \"Acton\"\n");
  expect_failure(gi("create", {"-file", bad_json.path()}), 1,
                 "Error: " + bad_json.path() + ": unexpected EOF\n");
  expect_failure(gi("create", {"-file", wrong_type.path()}), 1,
                 "Error: " + wrong_type.path() +
                     ": json: cannot unmarshal array into Go struct field "
                     "Intention.DestinationName of type string\n");
  expect_failure(gi("create", {"-file", l7.path()}), 1,
                 "Error: cannot create L7 intention from file \"" + l7.path() +
                     "\" using this CLI; use 'consul config write' instead\n");
  expect_failure(gi("list"), 2, "There are no intentions.\n");
}

TEST_F(IntentionCli, CheckAllowedDeniedAndDefault) {
  expect_ok(gi("check", {"web", "db"}), "Allowed\n");  // default: ACLs off => allow
  expect_ok(gi("create", {"-deny", "*", "db"}), "Created: * => db (deny)\n");
  expect_ok(gi("create", {"web", "db"}), "Created: web => db (allow)\n");
  expect_ok(gi("check", {"web", "db"}), "Allowed\n");
  const auto denied = gi("check", {"api", "db"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_EQ(denied.out, "Denied\n");
  EXPECT_EQ(denied.err, "");
}

TEST_F(IntentionCli, MatchBySourceAndDestination) {
  expect_ok(gi("create", {"web", "db"}), "Created: web => db (allow)\n");
  expect_ok(gi("create", {"-deny", "*", "db"}), "Created: * => db (deny)\n");
  expect_ok(gi("create", {"web", "api"}), "Created: web => api (allow)\n");
  expect_ok(gi("match", {"db"}), "web => db (allow)\n* => db (deny)\n");
  expect_ok(gi("match", {"-destination", "db"}), "web => db (allow)\n* => db (deny)\n");
  // By source, `* => db` matches web too (a wildcard source matches every caller).
  expect_ok(gi("match", {"-source", "web"}),
            "web => api (allow)\nweb => db (allow)\n* => db (deny)\n");
  expect_ok(gi("match", {"-source", "api"}), "* => db (deny)\n");
  expect_ok(gi("match", {"nothing"}), "");
}

TEST(IntentionCliAgentDown, EveryCommandNamesTheAddress) {
  const std::string address = closed_address();
  const std::string unreachable = "cannot reach the Consul agent at http://" + address + " (";
  auto r = intention_at(address, "create", {"web", "db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("Error creating intention \"web => db (allow)\": " + unreachable))
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  r = intention_at(address, "check", {"web", "db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("Error checking the connection: " + unreachable)) << r.err;
  r = intention_at(address, "list", {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("Failed to retrieve the intentions list: " + unreachable)) << r.err;
  for (const std::string sub : {"update", "delete", "get"}) {
    r = intention_at(address, sub,
                     sub == "update" ? std::vector<std::string>{"-deny", "web", "db"}
                                     : std::vector<std::string>{"web", "db"});
    EXPECT_EQ(r.exit_code, 1) << sub;
    EXPECT_NE(r.err.find(unreachable), std::string::npos) << sub << ": " << r.err;
  }
  r = intention_at(address, "match", {"db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("Error matching the connection: " + unreachable)) << r.err;
}

TEST(IntentionCliAcl, AgentErrorsUseConsulsText) {
  DevAgentProcess agent{{"-acl-default-policy", "deny", "-acl-token", "root-secret"}};
  auto r = intention_at(agent.base_url(), "check", {"web", "db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("Error checking the connection: Unexpected response code: 403 ("))
      << r.err;
  r = intention_at(agent.base_url(), "create", {"-token", "root-secret", "web", "db"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Created: web => db (allow)\n");
}

TEST(IntentionCliHelp, TopLevelUsage) {
  auto r = run_command({GATEHOUSE_BINARY, "intention", "-h"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("Usage: gatehouse intention <subcommand>")) << r.out;
  r = run_command({GATEHOUSE_BINARY, "intention"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("Usage: gatehouse intention <subcommand>")) << r.err;
  r = run_command({GATEHOUSE_BINARY, "intention", "frobnicate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with("gatehouse intention: unknown subcommand \"frobnicate\"")) << r.err;
}

}  // namespace
}  // namespace gatehouse::testing
