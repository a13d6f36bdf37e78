// The dev agent's request parser (request_reader.hpp) fed the way a socket may deliver a request:
// in pieces of any size, each put() given every byte not yet consumed, as Beast's read does.
#include "tools/dev_agent/request_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace gatehouse::tools {
namespace {

namespace http = boost::beast::http;

// Feeds `bytes` `piece` bytes at a time; after each piece, put() runs until it needs more. The
// parser's error, or success once it is done.
boost::system::error_code parse_in_pieces(RequestParser& parser, std::string_view bytes,
                                          std::size_t piece) {
  std::string pending;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    pending += bytes.substr(at, piece);
    while (!pending.empty() && !parser.is_done()) {
      boost::system::error_code ec;
      const std::size_t used = parser.put(boost::asio::buffer(pending), ec);
      pending.erase(0, used);
      if (ec == http::error::need_more) break;
      if (ec) return ec;
    }
  }
  return parser.is_done() ? boost::system::error_code{} : http::error::need_more;
}

constexpr std::string_view kHead =
    "PUT /v1/agent/service/register HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

// Found by fuzz/dev_agent_request (fuzz/regressions/dev_agent_request/
// empty_chunked_body_byte_by_byte): Beast 1.81 asserted `n >= 5` on the last chunk of an empty
// chunked body seen a byte at a time, where 3 bytes are valid (boostorg/beast#2861), so a client
// that split its request that way aborted a debug build of the agent.
TEST(RequestReader, AnEmptyChunkedBodyByteByByteIsRead) {
  RequestParser parser;
  const std::string request = std::string{kHead} + "0\r\n\r\n";
  EXPECT_FALSE(parse_in_pieces(parser, request, 1));
  ASSERT_TRUE(parser.is_done());
  EXPECT_EQ(parser.get().body(), "");
}

TEST(RequestReader, AnEmptyChunkedBodyWithATrailerByteByByteIsRead) {
  RequestParser parser;
  const std::string request = std::string{kHead} + "0\r\nX-Check: 1\r\n\r\n";
  EXPECT_FALSE(parse_in_pieces(parser, request, 1));
  ASSERT_TRUE(parser.is_done());
}

TEST(RequestReader, AChunkedBodyInAnyPiecesIsTheSameBody) {
  const std::string request = std::string{kHead} + "5\r\n{\"Nam\r\n3\r\ne\":\r\n0\r\n\r\n";
  for (std::size_t piece = 1; piece <= request.size(); ++piece) {
    RequestParser parser;
    EXPECT_FALSE(parse_in_pieces(parser, request, piece)) << piece;
    EXPECT_EQ(parser.get().body(), "{\"Name\":") << piece;
  }
}

}  // namespace
}  // namespace gatehouse::tools
