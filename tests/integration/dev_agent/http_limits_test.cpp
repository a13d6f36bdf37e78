// What the agent writes on the wire for requests Go's net/http server refuses
// (net/http/server.go `conn.serve`, `conn.readRequest`; transfer.go), and ServeMux's path
// cleaning (`ServeMux.findHandler`, `cleanPath`, `Redirect`). Exact bytes in, exact bytes out.
#include <gtest/gtest.h>

#include <string>

#include "tests/integration/support/dev_agent_fixture.hpp"
#include "tests/integration/support/raw_http.hpp"

namespace gatehouse::testing {
namespace {

const std::string kErrorHeaders =
    "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";

std::string go_error(const std::string& head) { return "HTTP/1.1 " + head + kErrorHeaders + head; }

class HttpLimitsTest : public DevAgentTest {
 protected:
  // The whole answer, asserting the agent closed the connection after it.
  std::string exchange(const std::string& bytes) {
    const auto r = raw_http_exchange(agent_.base_url(), bytes);
    EXPECT_TRUE(r.closed_by_peer) << "connection left open after: " << r.response;
    return r.response;
  }
  // The agent still serves after the refusal.
  void expect_still_serving() {
    const auto r = agent_.get("/v1/status/leader");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "\"127.0.0.1:8300\"");
  }
};

TEST_F(HttpLimitsTest, GarbageRequestLineIs400) {
  EXPECT_EQ(exchange("garbage\r\n\r\n"), go_error("400 Bad Request"));
  EXPECT_EQ(exchange("GET /v1/status/leader HTTP/1.10\r\nHost: a\r\n\r\n"),
            go_error("400 Bad Request"));
  EXPECT_EQ(exchange("GET no-slash HTTP/1.1\r\nHost: a\r\n\r\n"), go_error("400 Bad Request"));
  expect_still_serving();
}

TEST_F(HttpLimitsTest, OtherMajorVersionsAre505) {
  const auto expected = go_error("505 HTTP Version Not Supported: unsupported protocol version");
  EXPECT_EQ(exchange("GET /v1/status/leader HTTP/2.0\r\nHost: a\r\n\r\n"), expected);
  EXPECT_EQ(exchange("GET /v1/status/leader HTTP/9.9\r\nHost: a\r\n\r\n"), expected);
  expect_still_serving();
}

// Go serves every HTTP/1.x as HTTP/1.1.
TEST_F(HttpLimitsTest, Http12IsServedAsHttp11) {
  const auto r = exchange("GET /v1/status/leader HTTP/1.2\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r;
  EXPECT_TRUE(r.ends_with("\r\n\r\n\"127.0.0.1:8300\"")) << r;
}

TEST_F(HttpLimitsTest, MissingHostIs400WithReason) {
  EXPECT_EQ(exchange("GET /v1/status/leader HTTP/1.1\r\n\r\n"),
            go_error("400 Bad Request: missing required Host header"));
  // HTTP/1.0 needs none.
  const auto r = exchange("GET /v1/status/leader HTTP/1.0\r\n\r\n");
  EXPECT_TRUE(r.starts_with("HTTP/1.0 200 OK\r\n")) << r;
}

// DefaultMaxHeaderBytes (1 MB) plus 4096 bytes of slop: above it 431, below it served.
TEST_F(HttpLimitsTest, HeaderBlockOverOneMegabyteIs431) {
  std::string big = "GET /v1/status/leader HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < 40; ++i) big += "X-Filler-" + std::to_string(i) + ": " + std::string(30000, 'a') + "\r\n";
  big += "\r\n";
  ASSERT_GT(big.size(), (1U << 20U) + 4096U);
  EXPECT_EQ(exchange(big), go_error("431 Request Header Fields Too Large"));
  expect_still_serving();
}

TEST_F(HttpLimitsTest, HeaderBlockOverBeastsDefaultIsServed) {
  const std::string request = "GET /v1/status/leader HTTP/1.1\r\nHost: a\r\nX-Filler: " +
                              std::string(20000, 'a') + "\r\nConnection: close\r\n\r\n";
  const auto r = exchange(request);
  EXPECT_TRUE(r.starts_with("HTTP/1.1 200 OK\r\n")) << r.substr(0, 200);
}

// A single field Beast cannot hold (64 KiB) is refused as too large instead of ending the process.
TEST_F(HttpLimitsTest, OneHugeHeaderValueIs431) {
  const std::string request = "GET /v1/status/leader HTTP/1.1\r\nHost: a\r\nX-Big: " +
                              std::string(100000, 'a') + "\r\n\r\n";
  EXPECT_EQ(exchange(request), go_error("431 Request Header Fields Too Large"));
  expect_still_serving();
}

TEST_F(HttpLimitsTest, BadChunkIs400) {
  EXPECT_EQ(exchange("PUT /v1/agent/check/pass/x HTTP/1.1\r\nHost: a\r\n"
                     "Transfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n0\r\n\r\n"),
            go_error("400 Bad Request"));
  expect_still_serving();
}

TEST_F(HttpLimitsTest, ConflictingContentLengthsAre400) {
  EXPECT_EQ(exchange("PUT /v1/config HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
                     "Content-Length: 3\r\n\r\nabc"),
            go_error("400 Bad Request"));
}

TEST_F(HttpLimitsTest, UnsupportedTransferEncodingIs501) {
  EXPECT_EQ(exchange("PUT /v1/config HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"),
            "HTTP/1.1 501 Not Implemented" + kErrorHeaders + "Unsupported transfer encoding");
}

TEST_F(HttpLimitsTest, BadHeaderLineIs400) {
  EXPECT_EQ(exchange("GET /v1/status/leader HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n"),
            go_error("400 Bad Request"));
  EXPECT_EQ(exchange("GET /v1/status/leader HTTP/1.1\r\nHost: bad host\r\n\r\n"),
            go_error("400 Bad Request: malformed Host header"));
}

TEST_F(HttpLimitsTest, BodyOverLimitIsStill413) {
  const std::string request = "PUT /v1/config HTTP/1.1\r\nHost: a\r\nContent-Length: " +
                              std::to_string(5 * 1024 * 1024) + "\r\n\r\n";
  const auto r = exchange(request);
  EXPECT_TRUE(r.starts_with("HTTP/1.1 413 Payload Too Large\r\n")) << r;
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos) << r;
}

// Go's serverHandler answers `OPTIONS *`; ServeMux refuses `*` for other methods.
TEST_F(HttpLimitsTest, AsteriskTarget) {
  EXPECT_EQ(exchange("OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(exchange("GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
            "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
}

// ServeMux: `..` is cleaned and answered 301 with the query kept; the leaf is never issued.
TEST_F(HttpLimitsTest, DotDotPathIsRedirectedNotServed) {
  const auto r = agent_.request("GET", "/v1/agent/connect/ca/leaf/../../x?dc=dc1", std::nullopt,
                                {"--path-as-is"});
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("Location"), "/v1/agent/connect/x?dc=dc1");
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<a href=\"/v1/agent/connect/x?dc=dc1\">Moved Permanently</a>.\n\n");
  const auto raw = exchange("PUT /v1/agent//service/register HTTP/1.1\r\nHost: a\r\n"
                            "Content-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 301 Moved Permanently\r\n")) << raw;
  EXPECT_NE(raw.find("\r\nLocation: /v1/agent/service/register\r\n"), std::string::npos) << raw;
  EXPECT_TRUE(raw.ends_with("Content-Length: 0\r\n\r\n")) << raw;
  EXPECT_EQ(agent_.get("/v1/agent/services").body, "{}");  // nothing was registered
}

TEST_F(HttpLimitsTest, SubtreeRootIsRedirectedWithSlash) {
  const auto r = agent_.get("/v1/health/connect?passing=1");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.header("Location"), "/v1/health/connect/?passing=1");
}

}  // namespace
}  // namespace gatehouse::testing
