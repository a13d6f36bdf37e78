// The pieces every layer shares: what a listener says when it cannot start, what a crashed
// coroutine's handler logs, and how a byte is escaped for a log line.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <stdexcept>
#include <string>

#include "common/exception_text.hpp"
#include "common/hex_escape.hpp"
#include "common/listening_acceptor.hpp"

namespace gatehouse::common {
namespace {

using boost::asio::ip::tcp;

TEST(ListenOn, ListensOnAFreePortAndNamesTheStepThatFailsOnATakenOne) {
  boost::asio::io_context io;
  tcp::acceptor first{io};
  const tcp::endpoint any_port{boost::asio::ip::make_address("127.0.0.1"), 0};
  ASSERT_TRUE(listen_on(first, any_port, "first"));
  const auto taken = first.local_endpoint();
  EXPECT_NE(taken.port(), 0);

  tcp::acceptor second{io};
  const auto result = listen_on(second, taken, "admin 127.0.0.1:" + std::to_string(taken.port()));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(),
            "bind admin 127.0.0.1:" + std::to_string(taken.port()) + ": Address already in use");
}

TEST(ExceptionText, IsWhatOrUnknown) {
  EXPECT_EQ(exception_text(std::make_exception_ptr(std::runtime_error{"boom"})), "boom");
  EXPECT_EQ(exception_text(std::make_exception_ptr(42)), "unknown exception");
}

TEST(HexEscape, AppendsBackslashXAndTwoLowercaseDigits) {
  std::string out = "a";
  append_hex_escape(out, 0x0a);
  append_hex_escape(out, 0xff);
  append_hex_escape(out, 0x00);
  EXPECT_EQ(out, "a\\x0a\\xff\\x00");
}

}  // namespace
}  // namespace gatehouse::common
