// Go's answers to requests net/http cannot read (net/http/server.go `conn.serve`).
#include "tools/dev_agent/read_failure.hpp"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

namespace gatehouse::tools {
namespace {

namespace http = boost::beast::http;

std::string wire(const boost::system::error_code& ec, std::string_view pending = {}) {
  const auto failure = read_failure(ec, pending);
  return failure ? failure->wire() : "<none>";
}

constexpr std::string_view kHeaders =
    "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";

TEST(ReadFailure, HeaderTooLargeIs431) {
  EXPECT_EQ(wire(http::error::header_limit), "HTTP/1.1 431 Request Header Fields Too Large" +
                                                 std::string{kHeaders} +
                                                 "431 Request Header Fields Too Large");
}

TEST(ReadFailure, MalformedRequestIsPlain400) {
  const std::string plain = "HTTP/1.1 400 Bad Request" + std::string{kHeaders} + "400 Bad Request";
  for (const auto ec :
       {http::error::bad_method, http::error::bad_target, http::error::bad_field,
        http::error::bad_value, http::error::bad_chunk, http::error::bad_content_length,
        http::error::multiple_content_length, http::error::partial_message}) {
    EXPECT_EQ(wire(ec), plain) << boost::system::error_code{ec}.message();
  }
  EXPECT_EQ(wire(http::error::bad_version, "GET / HTTP/1.10\r\n\r\n"), plain);
  EXPECT_EQ(wire(http::error::bad_version, "GET / HTTPS/1.1\r\n\r\n"), plain);
}

// http1ServerSupportsRequest: any other well-formed version is a statusError 505.
TEST(ReadFailure, UnsupportedVersionIs505) {
  const std::string head = "505 HTTP Version Not Supported: unsupported protocol version";
  const std::string expected = "HTTP/1.1 " + head + std::string{kHeaders} + head;
  EXPECT_EQ(wire(http::error::bad_version, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"), expected);
  EXPECT_EQ(wire(http::error::bad_version, "GET / HTTP/9.9\r\n\r\n"), expected);
  EXPECT_EQ(wire(http::error::bad_version, "GET / HTTP/0.9\r\n\r\n"), expected);
}

TEST(ReadFailure, Http1MinorVersionsAreRewrittenNotRefused) {
  EXPECT_EQ(http1_minor_digit_to_rewrite("GET / HTTP/1.2\r\n\r\n"), 13U);
  EXPECT_FALSE(http1_minor_digit_to_rewrite("GET / HTTP/2.0\r\n\r\n"));
  EXPECT_FALSE(http1_minor_digit_to_rewrite("GET / HTTP/1.1\r\n\r\n"));
}

TEST(ReadFailure, PeerGoneGetsNoAnswer) {
  EXPECT_EQ(wire(http::error::end_of_stream), "<none>");
  EXPECT_EQ(wire(boost::asio::error::operation_aborted), "<none>");
  EXPECT_EQ(wire(boost::asio::error::connection_reset), "<none>");
}

http::request<http::string_body> message(unsigned version) {
  http::request<http::string_body> m{http::verb::get, "/", version};
  return m;
}

TEST(CheckParsedRequest, HostRules) {
  auto m = message(11);
  ASSERT_TRUE(check_parsed_request(m));
  EXPECT_EQ(check_parsed_request(m)->wire(),
            "HTTP/1.1 400 Bad Request: missing required Host header" + std::string{kHeaders} +
                "400 Bad Request: missing required Host header");
  EXPECT_FALSE(check_parsed_request(message(10)));  // HTTP/1.0 needs no Host
  m.set(http::field::host, "127.0.0.1:8500");
  EXPECT_FALSE(check_parsed_request(m));
  m.set(http::field::host, "bad host");
  EXPECT_EQ(check_parsed_request(m)->reason, "malformed Host header");
  m.set(http::field::host, "a");
  m.insert(http::field::host, "b");
  EXPECT_EQ(check_parsed_request(m)->wire(),
            "HTTP/1.1 400 Bad Request" + std::string{kHeaders} + "400 Bad Request");
}

// transfer.go: a Transfer-Encoding other than exactly "chunked" is 501.
TEST(CheckParsedRequest, UnsupportedTransferEncodingIs501) {
  auto m = message(11);
  m.set(http::field::host, "a");
  m.set(http::field::transfer_encoding, "gzip");
  EXPECT_EQ(
      check_parsed_request(m)->wire(),
      "HTTP/1.1 501 Not Implemented" + std::string{kHeaders} + "Unsupported transfer encoding");
  m.set(http::field::transfer_encoding, "Chunked");
  EXPECT_FALSE(check_parsed_request(m));
}

}  // namespace
}  // namespace gatehouse::tools
