#include "tools/dev_agent/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "tests/unit/tools/request_builder.hpp"

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
  auto r = make_request(verb::get, "/v1/x?name=a%2Fb&name=c&flag&token=t1",
                        {{"X-Consul-Token", "t2"}});
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

}  // namespace
}  // namespace gatehouse::tools
