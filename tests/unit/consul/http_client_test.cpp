// HttpClient against an in-process Beast server on 127.0.0.1:0: statuses and plain-text bodies,
// request contents, keep-alive reuse, timeouts, cancellation, refused connections.
#include "consul/http_client.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>

#include "tests/co_assert.hpp"
#include "tests/unit/consul/test_http_server.hpp"

namespace gatehouse::consul {
namespace {

using namespace std::chrono_literals;
using testing::Request;
using testing::Response;
using testing::TestHttpServer;
using testing::text_response;
namespace net = boost::asio;
namespace http = boost::beast::http;

HttpRequest make_request(std::string method, std::string path,
                         std::chrono::milliseconds timeout = 10s) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.timeout = timeout;
  return r;
}

AgentConfig config_for(const std::string& address, std::string token = {}) {
  AgentConfig c;
  c.address = *parse_agent_address(address, false);
  c.token = std::move(token);
  return c;
}

// Runs `body` as a coroutine on `ioc` with a safety limit; stops the loop when it finishes
// (idle keep-alive connections would otherwise keep it running) and rethrows its failure.
void run_test(net::io_context& ioc, std::function<net::awaitable<void>()> body) {
  std::exception_ptr failure;
  bool done = false;
  net::co_spawn(ioc, body(), [&](std::exception_ptr e) {
    failure = e;
    done = true;
    ioc.stop();
  });
  ioc.run_for(20s);
  ASSERT_TRUE(done) << "test coroutine did not finish";
  if (failure) std::rethrow_exception(failure);
}

TEST(HttpClient, KeepsStatusAndPlainTextBody) {
  net::io_context ioc;
  TestHttpServer server{ioc.get_executor(), [](const Request&) {
                          auto res = text_response(http::status::forbidden, "Permission denied\n");
                          res.set("X-Consul-Index", "17");
                          return std::optional<Response>{res};
                        }};
  HttpClient client{ioc.get_executor(), config_for(server.address())};
  run_test(ioc, [&]() -> net::awaitable<void> {
    auto r = co_await client.request(make_request("GET", "/v1/agent/connect/ca/leaf/db"),
                                     net::use_awaitable);
    CO_ASSERT(r, r.error().message());
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(r->body, "Permission denied\n");
    EXPECT_EQ(r->headers.find("x-consul-index"), "17");
    const ApiError e = ApiError::from_status(r->status, r->body);
    EXPECT_TRUE(e.is_status(403));
    EXPECT_FALSE(e.is_transport());
    EXPECT_EQ(e.body, "Permission denied");
    EXPECT_EQ(e.message(), "Unexpected response code: 403 (Permission denied)");
  });
}

TEST(HttpClient, SendsMethodQueryTokenAndBody) {
  net::io_context ioc;
  TestHttpServer server{ioc.get_executor(), [](const Request&) {
                          return std::optional<Response>{text_response(http::status::ok, "true")};
                        }};
  AgentConfig config = config_for(server.address(), "s3cr3t");
  config.datacenter = "dc7";
  HttpClient client{ioc.get_executor(), config};
  run_test(ioc, [&]() -> net::awaitable<void> {
    HttpRequest req;
    req.method = "PUT";
    req.path = "/v1/connect/intentions/exact";
    req.query = {{"source", "web"}, {"destination", "db"}};
    req.body = R"({"SourceType":"consul","Action":"allow"})";
    auto r = co_await client.request(req, net::use_awaitable);
    CO_ASSERT(r, r.error().message());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "true");
  });
  ASSERT_EQ(server.requests().size(), 1U);
  const Request& got = server.requests()[0];
  EXPECT_EQ(got.method(), http::verb::put);
  EXPECT_EQ(got.target(), "/v1/connect/intentions/exact?source=web&destination=db&dc=dc7");
  EXPECT_EQ(got["X-Consul-Token"], "s3cr3t");
  EXPECT_EQ(got.body(), R"({"SourceType":"consul","Action":"allow"})");
}

TEST(HttpClient, EmptyPutAndDelete) {
  net::io_context ioc;
  TestHttpServer server{ioc.get_executor(), [](const Request&) {
                          return std::optional<Response>{text_response(http::status::ok, "")};
                        }};
  HttpClient client{ioc.get_executor(), config_for(server.address())};
  run_test(ioc, [&]() -> net::awaitable<void> {
    auto put = co_await client.request(make_request("PUT", "/v1/agent/service/deregister/web"),
                                       net::use_awaitable);
    CO_ASSERT(put, put.error().message());
    auto del = co_await client.request(make_request("DELETE", "/v1/config/service-intentions/db"),
                                       net::use_awaitable);
    CO_ASSERT(del, del.error().message());
  });
  ASSERT_EQ(server.requests().size(), 2U);
  EXPECT_EQ(server.requests()[0].method(), http::verb::put);
  EXPECT_EQ(server.requests()[0]["Content-Length"], "0");
  EXPECT_EQ(server.requests()[1].method(), http::verb::delete_);
  EXPECT_EQ(server.requests()[1].target(), "/v1/config/service-intentions/db");
}

TEST(HttpClient, ReusesKeepAliveConnection) {
  net::io_context ioc;
  TestHttpServer server{
      ioc.get_executor(), [](const Request& req) {
        return std::optional<Response>{text_response(http::status::ok, std::string{req.target()})};
      }};
  HttpClient client{ioc.get_executor(), config_for(server.address())};
  run_test(ioc, [&]() -> net::awaitable<void> {
    for (const char* path :
         {"/v1/status/leader", "/v1/agent/connect/ca/roots", "/v1/status/leader"}) {
      auto r = co_await client.request(make_request("GET", path), net::use_awaitable);
      CO_ASSERT(r, r.error().message());
      EXPECT_EQ(r->body, path);
    }
  });
  EXPECT_EQ(server.requests().size(), 3U);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClient, ConcurrentRequestsBothComplete) {
  net::io_context ioc;
  TestHttpServer server{
      ioc.get_executor(), [](const Request& req) {
        return std::optional<Response>{text_response(http::status::ok, std::string{req.target()})};
      }};
  HttpClient client{ioc.get_executor(), config_for(server.address())};
  run_test(ioc, [&]() -> net::awaitable<void> {
    using namespace net::experimental::awaitable_operators;
    auto [a, b] = co_await (client.request(make_request("GET", "/a"), net::use_awaitable) &&
                            client.request(make_request("GET", "/b"), net::use_awaitable));
    CO_ASSERT(a, "");
    CO_ASSERT(b, "");
    EXPECT_EQ(a->body, "/a");
    EXPECT_EQ(b->body, "/b");
  });
}

TEST(HttpClient, TimeoutIsATransportErrorOfItsOwnKind) {
  net::io_context ioc;
  TestHttpServer server{ioc.get_executor(),
                        [](const Request&) { return std::optional<Response>{}; }};
  HttpClient client{ioc.get_executor(), config_for(server.address())};
  run_test(ioc, [&]() -> net::awaitable<void> {
    auto r = co_await client.request(make_request("GET", "/hang", 200ms), net::use_awaitable);
    CO_ASSERT(!r, "expected an error");
    EXPECT_EQ(r.error().kind, ApiErrorKind::timeout) << r.error().message();
    EXPECT_TRUE(r.error().is_transport());
  });
  EXPECT_EQ(server.requests().size(), 1U);
}

TEST(HttpClient, CancellationSlotAbortsTransfer) {
  net::io_context ioc;
  net::cancellation_signal cancel;
  // The server cancels the client's request once it has received it: no timing involved.
  TestHttpServer server{ioc.get_executor(), [&](const Request&) {
                          net::post(ioc, [&] { cancel.emit(net::cancellation_type::terminal); });
                          return std::optional<Response>{};
                        }};
  HttpClient client{ioc.get_executor(), config_for(server.address())};
  run_test(ioc, [&]() -> net::awaitable<void> {
    auto r =
        co_await client.request(make_request("GET", "/hang", 15s),
                                net::bind_cancellation_slot(cancel.slot(), net::use_awaitable));
    CO_ASSERT(!r, "expected an error");
    EXPECT_EQ(r.error().kind, ApiErrorKind::cancelled) << r.error().message();
    // The client stays usable after a cancelled transfer.
    auto again = co_await client.request(make_request("GET", "/hang", 100ms), net::use_awaitable);
    CO_ASSERT(!again, "expected an error");
    EXPECT_EQ(again.error().kind, ApiErrorKind::timeout);
  });
}

TEST(HttpClient, UnixSocketAgent) {
  net::io_context ioc;
  const std::string path =
      ::testing::TempDir() + "gatehouse-http-" + std::to_string(::getpid()) + ".sock";
  std::remove(path.c_str());
  testing::UnixTestHttpServer server{
      ioc.get_executor(), net::local::stream_protocol::endpoint{path}, [](const Request& req) {
        return std::optional<Response>{text_response(http::status::ok, std::string{req.target()})};
      }};
  HttpClient client{ioc.get_executor(), config_for("unix://" + path)};
  run_test(ioc, [&]() -> net::awaitable<void> {
    auto r = co_await client.request(make_request("GET", "/v1/agent/self"), net::use_awaitable);
    CO_ASSERT(r, r.error().message());
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "/v1/agent/self");
  });
  std::remove(path.c_str());
  ASSERT_EQ(server.requests().size(), 1U);
  EXPECT_EQ(server.requests()[0][http::field::host], "localhost");
}

TEST(HttpClient, ConnectionRefusedIsDistinguishable) {
  net::io_context ioc;
  std::uint16_t port = 0;
  {
    net::ip::tcp::acceptor closed{ioc, {net::ip::make_address("127.0.0.1"), 0}};
    port = closed.local_endpoint().port();
  }
  HttpClient client{ioc.get_executor(), config_for("127.0.0.1:" + std::to_string(port))};
  run_test(ioc, [&]() -> net::awaitable<void> {
    auto r =
        co_await client.request(make_request("GET", "/v1/status/leader", 5s), net::use_awaitable);
    CO_ASSERT(!r, "expected an error");
    EXPECT_EQ(r.error().kind, ApiErrorKind::connect) << r.error().message();
  });
}

}  // namespace
}  // namespace gatehouse::consul
