// What the dev agent's server answers for one request, without a socket (http_exchange.hpp).
#include "tools/dev_agent/http_exchange.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <sstream>

namespace gatehouse::tools {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;

HttpAnswer answer(const RequestHandler& handler, Request::Message message) {
  net::io_context ioc;
  std::optional<HttpAnswer> out;
  net::co_spawn(ioc, answer_request(handler, std::move(message)),
                [&](const std::exception_ptr& e, HttpAnswer a) {
                  if (!e) out = std::move(a);
                });
  ioc.run();
  return std::move(*out);
}

Request::Message message(http::verb verb, std::string target) {
  Request::Message m{verb, target, 11};
  m.set(http::field::host, "127.0.0.1");
  return m;
}

RequestHandler method_not_allowed() {
  return [](const Request& request) -> net::awaitable<Response> {
    co_return Response::error({405, "method " + std::string{request.method()} + " not allowed"});
  };
}

// Found by fuzz/dev_agent_request: a HEAD answer carried its body, which a keep-alive client
// reads as the beginning of the next response.
TEST(HttpExchange, HeadAnswerHasNoBodyButTheLengthOfTheOneItWouldHave) {
  const auto a = answer(method_not_allowed(), message(http::verb::head, "/v1/agent/self"));
  ASSERT_FALSE(a.refusal.has_value());
  EXPECT_EQ(a.response.result_int(), 405U);
  EXPECT_EQ(a.response.body(), "");
  EXPECT_EQ(a.response[http::field::content_length], "23");  // "method HEAD not allowed"
  std::ostringstream wire;
  wire << a.response;
  EXPECT_TRUE(wire.str().ends_with("Content-Length: 23\r\n\r\n")) << wire.str();
}

TEST(HttpExchange, GetAnswerKeepsItsBody) {
  const auto a = answer(method_not_allowed(), message(http::verb::get, "/v1/agent/self"));
  EXPECT_EQ(a.response.body(), "method GET not allowed");
  EXPECT_EQ(a.response[http::field::content_length], "22");
}

TEST(HttpExchange, MissingHostIsGosRefusal) {
  Request::Message m{http::verb::get, "/v1/agent/self", 11};
  const auto a = answer(method_not_allowed(), std::move(m));
  ASSERT_TRUE(a.refusal.has_value());
  EXPECT_EQ(a.refusal->status, 400U);
  EXPECT_EQ(a.refusal->reason, "missing required Host header");
}

TEST(HttpExchange, AHandlerThatThrowsStillAnswers) {
  const RequestHandler throws = [](const Request&) -> net::awaitable<Response> {
    throw std::runtime_error{"boom"};
    co_return Response::empty();
  };
  const auto a = answer(throws, message(http::verb::get, "/v1/agent/self"));
  EXPECT_EQ(a.response.result_int(), 500U);
  EXPECT_EQ(a.response.body(), "Internal error: boom");
}

}  // namespace
}  // namespace gatehouse::tools
