// `gatehouse intention` argument handling: every usage error, help and dispatch, checked before
// any agent is contacted (the agent address points at a closed port to prove it is not needed).
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tools/intention/intention_main.hpp"

namespace gatehouse::tools {
namespace {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

consul::EnvGetter env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string{name});
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Run run(const std::vector<std::string>& args, std::map<std::string, std::string> env = {},
        const std::string& input = {}) {
  std::ostringstream out;
  std::ostringstream err;
  std::istringstream in{input};
  CliIo io{out, err, in, env_of(std::move(env))};
  Run r;
  r.exit_code = run_intention_command(args, io);
  r.out = out.str();
  r.err = err.str();
  return r;
}

void expect_error(const std::vector<std::string>& args, int exit_code, const std::string& err) {
  const auto r = run(args);
  EXPECT_EQ(r.exit_code, exit_code) << r.err;
  EXPECT_EQ(r.err, err);
  EXPECT_EQ(r.out, "");
}

TEST(IntentionCliArgs, NoSubcommandPrintsUsageOnStderrAndFails) {
  const auto r = run({});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("Usage: gatehouse intention <subcommand>")) << r.err;
}

TEST(IntentionCliArgs, HelpListsEverySubcommand) {
  for (const std::string flag : {"-h", "-help", "--help"}) {
    const auto r = run({flag});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_EQ(r.err, "");
    for (const std::string name :
         {"check ", "create ", "delete ", "get ", "list ", "match ", "update "}) {
      EXPECT_NE(r.out.find("\n    " + name), std::string::npos) << name << "\n" << r.out;
    }
  }
}

TEST(IntentionCliArgs, UnknownSubcommandFailsWithUsage) {
  const auto r = run({"frobnicate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(
      r.err.starts_with("gatehouse intention: unknown subcommand \"frobnicate\"\n\n"
                        "Usage: gatehouse intention <subcommand>"))
      << r.err;
}

TEST(IntentionCliArgs, EachSubcommandPrintsItsUsageOnHelp) {
  for (const std::string name : {"check", "create", "delete", "get", "list", "match", "update"}) {
    const auto r = run({name, "-h"});
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(r.out.starts_with("Usage: gatehouse intention " + name)) << r.out;
    EXPECT_NE(r.out.find("\nHTTP API Options\n\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\n  -http-addr=<address>\n     "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("--"), std::string::npos) << "flags are spelled -name\n" << r.out;
  }
  EXPECT_NE(run({"create", "-h"}).out.find("\nCommand Options\n\n  -allow\n     "),
            std::string::npos);
}

TEST(IntentionCliArgs, CreateUsageErrors) {
  expect_error({"create", "-allow", "-deny", "web", "db"}, 1,
               "Only one of -allow or -deny may be specified.\n");
  expect_error({"create", "web"}, 1, "Error: Must specify two arguments: source and destination\n");
  expect_error({"create", "web", "db", "api"}, 1,
               "Error: Must specify two arguments: source and destination\n");
  expect_error({"create", "a/b/c/d", "db"}, 1,
               "Error: Invalid intention source: input can contain at most two '/'\n");
  expect_error({"create", "web", "a/b/c/d"}, 1,
               "Error: Invalid intention destination: input can contain at most two '/'\n");
  expect_error({"create", "-file", "/nonexistent/web-db.json"}, 1,
               "Error: open /nonexistent/web-db.json: no such file or directory\n");
}

TEST(IntentionCliArgs, CreateMetaNeedsKeyEqualsValue) {
  const auto r = run({"create", "-meta", "owner", "web", "db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.err.starts_with(
      "invalid value \"owner\" for flag -meta: Missing \"=\" value in argument: owner\n\n"
      "Usage: gatehouse intention create"))
      << r.err;
}

TEST(IntentionCliArgs, UnknownFlagPrintsTheErrorAndUsage) {
  const auto r = run({"create", "-bogus", "web", "db"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("-bogus"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Usage: gatehouse intention create"), std::string::npos) << r.err;
}

TEST(IntentionCliArgs, CreateFileFromStdinReportsTheBadField) {
  const auto r = run({"create", "-file", "-"}, {}, R"({"SourceName": "web", "Acton": "allow"})");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Error: -: json: unknown field \"Acton\"\n");
}

TEST(IntentionCliArgs, UpdateUsageErrors) {
  expect_error({"update", "web", "db"}, 1, "Error: one of -allow or -deny must be specified.\n");
  expect_error({"update", "-allow", "-deny", "web", "db"}, 1,
               "Only one of -allow or -deny may be specified.\n");
  expect_error({"update", "-deny", "web"}, 1,
               "Error: Must specify two arguments: source and destination\n");
}

TEST(IntentionCliArgs, DeleteAndGetTakeOneOrTwoArguments) {
  for (const std::string name : {"delete", "get"}) {
    expect_error({name}, 1, "command requires exactly 1 or 2 arguments\n");
    expect_error({name, "a", "b", "c"}, 1, "command requires exactly 1 or 2 arguments\n");
  }
}

TEST(IntentionCliArgs, ListUsageErrors) {
  expect_error({"list", "-format", "yaml"}, 1,
               "Error: -format must be table or json, got \"yaml\"\n");
  expect_error({"list", "web"}, 1, "Error: list takes no arguments, got 1\n");
}

TEST(IntentionCliArgs, CheckUsageErrorsExitTwo) {
  expect_error({"check", "web"}, 2, "Error: command requires exactly two arguments: src and dst\n");
  const auto r = run({"check", "-bogus", "web", "db"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("-bogus"), std::string::npos) << r.err;
}

TEST(IntentionCliArgs, MatchUsageErrors) {
  expect_error({"match"}, 1, "Error: command requires exactly one argument: src or dst\n");
  expect_error({"match", "-source", "-destination", "db"}, 1,
               "Error: only one of -source or -destination may be specified\n");
  const auto r = run({"match", "-bogus", "db"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(IntentionCliArgs, BadAgentAddressIsConsulsConnectError) {
  const std::map<std::string, std::string> env{{"CONSUL_HTTP_ADDR", "ftp://127.0.0.1:8500"}};
  const std::string expected =
      "Error connecting to Consul agent: CONSUL_HTTP_ADDR: Unknown protocol scheme: ftp\n";
  auto r = run({"create", "web", "db"}, env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, expected);
  r = run({"check", "web", "db"}, env);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, expected);
  r = run({"list", "-http-addr", "ftp://x:1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "Error connecting to Consul agent: -http-addr: Unknown protocol scheme: ftp\n");
}

}  // namespace
}  // namespace gatehouse::tools
