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

// Asked for, the help goes to stdout (exit 0), as `consul -h` does; without a command, to stderr.
TEST(Cli, HelpListsSubcommands) {
  const auto r = run_command({GATEHOUSE_BINARY, "-h"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("\n    version      Prints the Gatehouse version\n"), std::string::npos)
      << r.out;
  const auto bare = run_command({GATEHOUSE_BINARY});
  EXPECT_EQ(bare.exit_code, 1);
  EXPECT_EQ(bare.out, "");
  EXPECT_EQ(bare.err, r.out);
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
      {"decisions", "-admin-addr", bad},
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

// Regression: Boost.Program_options' what() replaces its %placeholders% until none is left, so an
// argument that contains one (here as an unknown flag, or as a bad value) used to hang every
// subcommand. Each must refuse it at once and show it as typed.
TEST(Cli, PlaceholderLookalikeArgumentsAreRefusedNotHung) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::string unknown = "unrecognised option '-%canonical_option%x'";
  const std::vector<Case> cases{
      {{"proxy", "-%canonical_option%x"}, unknown},
      {{"proxy", "-workers", "%value%"},
       "the argument ('%value%') for option '--workers' is invalid"},
      {{"probe", "-%canonical_option%x"}, unknown},
      {{"dev-agent", "-%canonical_option%x"}, unknown},
      {{"echo", "-%canonical_option%x"}, unknown},
      {{"demo", "-%canonical_option%x"}, unknown},
      {{"intention", "create", "-%canonical_option%x"}, unknown},
      {{"intention", "check", "-%prefix%", "web", "db"}, "unrecognised option '-%prefix%'"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv{GATEHOUSE_BINARY};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const auto r = run_command(argv);
    EXPECT_NE(r.exit_code, 0) << c.args[0];
    EXPECT_NE(r.err.find(c.error), std::string::npos) << c.args[0] << ": " << r.err;
    EXPECT_EQ(r.out, "") << c.args[0];
  }
}

}  // namespace
}  // namespace gatehouse::testing
