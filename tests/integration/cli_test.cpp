// The top-level `gatehouse` command: version, usage, unknown commands.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/support/child_process.hpp"

namespace gatehouse::testing {
namespace {

TEST(Cli, VersionPrintsProjectVersion) {
  const auto r = run_command({GATEHOUSE_BINARY, "version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string{"Gatehouse v"} + GATEHOUSE_TEST_VERSION + "\n");
}

TEST(Cli, HelpListsSubcommands) {
  const auto r = run_command({GATEHOUSE_BINARY, "-h"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("version"), std::string::npos) << r.err;
}

TEST(Cli, UnknownCommandFails) {
  const auto r = run_command({GATEHOUSE_BINARY, "frobnicate"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown command \"frobnicate\""), std::string::npos) << r.err;
}

// Arguments are refused before any subcommand runs: exit 1, one line naming the argument (counted
// from 1 after `gatehouse`, shown with U+FFFD for the bad bytes), never an abort.
TEST(Cli, NonUtf8ArgumentIsRefusedForEverySubcommand) {
  const std::string bad = "caf\xe9";
  const std::string shown = "caf\xef\xbf\xbd";
  const std::vector<std::vector<std::string>> commands{
      {"intention", "create", bad, "db"},
      {"intention", "check", "web", bad},
      {"intention", "create", "-http-addr", bad, "web", "db"},
      {"probe", "-http-addr", bad},
      {"proxy", "-sidecar-for", bad},
      {"demo", bad},
      {"echo", "-listen", bad},
      {"dev-agent", "-node", bad},
      {"version", bad},
      {bad},
  };
  for (const auto& command : commands) {
    std::vector<std::string> argv{GATEHOUSE_BINARY};
    argv.insert(argv.end(), command.begin(), command.end());
    std::size_t position = 0;
    while (command[position] != bad) ++position;
    const auto r = run_command(argv);
    EXPECT_EQ(r.exit_code, 1) << command[0] << ": " << r.err;
    EXPECT_EQ(r.err, "Error: argument " + std::to_string(position + 1) + " (\"" + shown +
                         "\") is not valid UTF-8\n")
        << command[0];
    EXPECT_EQ(r.out, "") << command[0];
  }
}

}  // namespace
}  // namespace gatehouse::testing
