// The top-level `gatehouse` command: version, usage, unknown commands.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gatehouse::testing
