// The integration test support's own promise: a sanitizer report in the output of a process a
// test started fails that test, with the report's first lines; other output does not.
#include "tests/integration/support/child_process.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace gatehouse::testing {
namespace {

// A child that prints `text` on stderr and exits.
std::vector<std::string> printing(const std::string& text) {
  return {"sh", "-c", "printf '%s' \"$0\" >&2", text};
}

TEST(ChildProcessTest, ThreadSanitizerReportOfACommandFailsTheTestWithItsFirstLines) {
  EXPECT_NONFATAL_FAILURE(
      run_command(printing("starting\n==================\n"
                           "WARNING: ThreadSanitizer: data race (pid=4242)\n"
                           "  Write of size 8 at 0x7b0400000000 by thread T2:\n")),
      "WARNING: ThreadSanitizer: data race (pid=4242)\n"
      "  Write of size 8 at 0x7b0400000000 by thread T2:");
}

TEST(ChildProcessTest, AddressSanitizerReportOfALongLivedChildFailsTheTestWhenItEnds) {
  EXPECT_NONFATAL_FAILURE(
      {
        ChildProcess child{
            printing("==7==ERROR: AddressSanitizer: heap-use-after-free\n"
                     "READ of size 4 at 0x602000000010 thread T0\n")};
        EXPECT_TRUE(child.wait_for_line("READ of size 4"));
      },
      "==7==ERROR: AddressSanitizer: heap-use-after-free\nREAD of size 4");
}

TEST(ChildProcessTest, UndefinedBehaviorAndLeakReportsFailTheTest) {
  EXPECT_NONFATAL_FAILURE(
      run_command(printing("proxy/relay.hpp:10:5: runtime error: signed integer overflow\n")),
      "proxy/relay.hpp:10:5: runtime error: signed integer overflow");
  EXPECT_NONFATAL_FAILURE(
      run_command(printing("==9==ERROR: LeakSanitizer: detected memory leaks\n")),
      "ERROR: LeakSanitizer: detected memory leaks");
}

TEST(ChildProcessTest, OrdinaryErrorOutputDoesNotFailTheTest) {
  const auto r = run_command(printing("error: something a test expects\nWARNING: disk\n"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "error: something a test expects\nWARNING: disk\n");
}

}  // namespace
}  // namespace gatehouse::testing
