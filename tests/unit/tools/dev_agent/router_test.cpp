#include "tools/dev_agent/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "tests/unit/tools/dev_agent/request_builder.hpp"
#include "tools/dev_agent/clean_path.hpp"
#include "tools/dev_agent/printable_path.hpp"
#include "tools/utf8.hpp"

namespace gatehouse::tools {
namespace {

namespace net = boost::asio;
using boost::beast::http::verb;
using testing::make_request;

Handler answer(std::string text) {
  return [text](const Request&) -> net::awaitable<Response> {
    co_return Response{200, "text/plain", text, {}};
  };
}

Response run(const Router& router, const Request& request) {
  net::io_context ioc;
  std::optional<Response> out;
  net::co_spawn(ioc, router.dispatch(request), [&](std::exception_ptr e, Response r) {
    if (!e) out = std::move(r);
  });
  ioc.run();
  return *out;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.add("/v1/agent/service/", {"GET"}, answer("service"));
    router_.add("/v1/agent/service/register", {"PUT"}, answer("register"));
    router_.add("/v1/connect/intentions", {"GET", "POST"}, answer("list"));
  }
  Router router_;
};

TEST_F(RouterTest, LongestPatternWins) {
  EXPECT_EQ(run(router_, make_request(verb::get, "/v1/agent/service/web")).body, "service");
  EXPECT_EQ(run(router_, make_request(verb::put, "/v1/agent/service/register")).body, "register");
}

TEST_F(RouterTest, ExactPatternDoesNotMatchBelowIt) {
  EXPECT_EQ(run(router_, make_request(verb::get, "/v1/connect/intentions/x")).status, 404U);
  EXPECT_EQ(run(router_, make_request(verb::get, "/v1/connect/intentions")).body, "list");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  const auto r = run(router_, make_request(verb::delete_, "/v1/connect/intentions"));
  EXPECT_EQ(r.status, 405U);
  EXPECT_EQ(r.body, "method DELETE not allowed");
  ASSERT_EQ(r.headers.size(), 1U);
  EXPECT_EQ(r.headers[0].first, "Allow");
  EXPECT_EQ(r.headers[0].second, "OPTIONS,GET,POST");
}

TEST_F(RouterTest, OptionsListsMethods) {
  const auto r = run(router_, make_request(verb::options, "/v1/agent/service/register"));
  EXPECT_EQ(r.status, 200U);
  EXPECT_EQ(r.headers.at(0).second, "OPTIONS,PUT");
}

TEST(Request, DecodesQueryAndToken) {
  auto r =
      make_request(verb::get, "/v1/x?name=a%2Fb&name=c&flag&token=t1", {{"X-Consul-Token", "t2"}});
  EXPECT_EQ(r.query_all("name"), (std::vector<std::string>{"a/b", "c"}));
  EXPECT_EQ(r.query("flag"), "");
  EXPECT_FALSE(r.query("missing"));
  EXPECT_EQ(r.token(), "t1");  // ?token= first
  r = make_request(verb::get, "/v1/x", {{"X-Consul-Token", "t2"}, {"Authorization", "Bearer t3"}});
  EXPECT_EQ(r.token(), "t2");
  r = make_request(verb::get, "/v1/x", {{"Authorization", "Bearer t3"}});
  EXPECT_EQ(r.token(), "t3");
  EXPECT_FALSE(make_request(verb::get, "/v1/x").token());
}

std::string header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

// net/http/server.go `cleanPath` (path.Clean semantics, trailing slash kept).
TEST(CleanPath, FollowsGoPathClean) {
  EXPECT_EQ(clean_path(""), "/");
  EXPECT_EQ(clean_path("/"), "/");
  EXPECT_EQ(clean_path("a/b"), "/a/b");
  EXPECT_EQ(clean_path("//a///b"), "/a/b");
  EXPECT_EQ(clean_path("/a/./b/."), "/a/b");
  EXPECT_EQ(clean_path("/a/b/../c"), "/a/c");
  EXPECT_EQ(clean_path("/../../x"), "/x");
  EXPECT_EQ(clean_path("/a/b/"), "/a/b/");
  EXPECT_EQ(clean_path("/a/b/..//"), "/a/");
  EXPECT_EQ(clean_path("/a/.."), "/");
  EXPECT_EQ(clean_path("/a/%2e%2e/b"), "/a/%2e%2e/b");  // escaped dots are a name (Go 1.22+)
}

// ServeMux.findHandler: a path that is not canonical is answered 301 to the cleaned one, query
// kept, with Go's Redirect body for GET; the handler never runs.
TEST_F(RouterTest, UncleanPathIsRedirected) {
  const auto r = run(router_, make_request(verb::get, "/v1/agent/service/../../x?a=b&c=%20"));
  EXPECT_EQ(r.status, 301U);
  EXPECT_EQ(header(r, "Location"), "/v1/x?a=b&c=%20");
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<a href=\"/v1/x?a=b&amp;c=%20\">Moved Permanently</a>.\n\n");
}

TEST_F(RouterTest, RedirectKeepsTrailingSlashAndCollapsesSlashes) {
  const auto r = run(router_, make_request(verb::get, "/v1//agent/./service/web/"));
  EXPECT_EQ(r.status, 301U);
  EXPECT_EQ(header(r, "Location"), "/v1/agent/service/web/");
}

// Redirect writes the HTML body for GET only and its Content-Type for GET and HEAD.
TEST_F(RouterTest, RedirectForOtherMethodsHasNoBody) {
  const auto put = run(router_, make_request(verb::put, "/v1/agent/service/register/../register"));
  EXPECT_EQ(put.status, 301U);
  EXPECT_EQ(header(put, "Location"), "/v1/agent/service/register");
  EXPECT_EQ(put.content_type, "");
  EXPECT_EQ(put.body, "");
  const auto head = run(router_, make_request(verb::head, "/v1//connect/intentions"));
  EXPECT_EQ(head.status, 301U);
  EXPECT_EQ(head.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(head.body, "");
}

// matchOrRedirect: a subtree registered only with its trailing slash redirects the bare path.
TEST_F(RouterTest, SubtreeRootWithoutSlashIsRedirected) {
  const auto r = run(router_, make_request(verb::get, "/v1/agent/service?x=1"));
  EXPECT_EQ(r.status, 301U);
  EXPECT_EQ(header(r, "Location"), "/v1/agent/service/?x=1");
  // An exact pattern is served as it is.
  EXPECT_EQ(run(router_, make_request(verb::get, "/v1/connect/intentions")).body, "list");
}

TEST_F(RouterTest, CleanPathIsServed) {
  EXPECT_EQ(run(router_, make_request(verb::get, "/v1/agent/service/web")).body, "service");
}

// go-cleanhttp PrintablePathCheckHandler, which Consul wraps around its mux.
TEST(PrintablePath, RefusesWhatUnicodeIsPrintRefuses) {
  EXPECT_TRUE(is_printable_path("/v1/agent/service/web 1"));
  EXPECT_TRUE(is_printable_path("/v1/x/caf\xc3\xa9"));
  EXPECT_TRUE(is_printable_path("/v1/x/\xff\xfe"));  // each bad byte reads as U+FFFD: printable
  EXPECT_FALSE(is_printable_path(std::string{"/v1/x/a\0b", 9}));
  EXPECT_FALSE(is_printable_path("/v1/x/a\nb"));
  EXPECT_FALSE(is_printable_path("/v1/x/a\x7f"));
  EXPECT_FALSE(is_printable_path("/v1/x/\xc2\x85"));      // U+0085, C1 control
  EXPECT_FALSE(is_printable_path("/v1/x/\xc2\xa0"));      // U+00A0, no-break space
  EXPECT_FALSE(is_printable_path("/v1/x/\xe2\x80\x8b"));  // U+200B, zero width space (Cf)
  EXPECT_FALSE(is_printable_path("/v1/x/\xee\x80\x80"));  // U+E000, private use
}

// unicode/utf8 DecodeRune's rules, and encoding/json's one U+FFFD per rejected byte.
TEST(Utf8, ValidatesAndReplacesAsGoDoes) {
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
  EXPECT_EQ(first_invalid_utf8("ab\xe9"), 2U);
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(replace_invalid_utf8("\xff\xfe"), r + r);
  EXPECT_EQ(replace_invalid_utf8("a\xe2\x82z"), "a" + r + r + "z");
  EXPECT_EQ(replace_invalid_utf8("\xf0\x9f\x98"), r + r + r);
  EXPECT_EQ(replace_invalid_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
}

// Response::json never throws: invalid UTF-8 in keys and values comes out as Go's Marshal writes.
TEST(ResponseJson, ReplacesInvalidUtf8LikeGo) {
  nlohmann::json body;
  body["Name"] = "a\xe2\x82z";
  body["Tags"] = {"\xff"};
  body["\xfe"] = 1;
  const auto r = Response::json(body);
  EXPECT_EQ(r.status, 200U);
  const auto parsed = nlohmann::json::parse(r.body);
  EXPECT_EQ(parsed["Name"], "a\xef\xbf\xbd\xef\xbf\xbdz");
  EXPECT_EQ(parsed["Tags"][0], "\xef\xbf\xbd");
  EXPECT_EQ(parsed["\xef\xbf\xbd"], 1);
}

// Request bodies: encoding/json replaces invalid bytes while decoding; path and query keep theirs.
TEST(RequestDecoding, BodyIsMadeValidTargetKeepsItsBytes) {
  const auto r =
      make_request(verb::put, "/v1/x/%ff?source=%fe&n=caf%C3%A9", {}, "{\"Description\":\"\xe9\"}");
  EXPECT_EQ(r.body(), "{\"Description\":\"\xef\xbf\xbd\"}");
  EXPECT_EQ(r.path(), "/v1/x/\xff");
  EXPECT_EQ(r.query("source"), "\xfe");
  EXPECT_EQ(r.query("n"), "caf\xc3\xa9");
  EXPECT_EQ(r.escaped_path(), "/v1/x/%ff");
  EXPECT_EQ(r.raw_query(), "source=%fe&n=caf%C3%A9");
}

}  // namespace
}  // namespace gatehouse::tools
