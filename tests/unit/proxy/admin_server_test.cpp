#include "proxy/admin_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <string>
#include <vector>

#include "tests/co_assert.hpp"
#include "tools/proxy/proxy_options.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace http = beast::http;

TEST(AdminReply, ReadyFollowsTheSidecarState) {
  EXPECT_EQ(admin_reply("GET", "/ready", false, false),
            (AdminReply{503, "waiting for leaf certificate and CA roots\n", ""}));
  EXPECT_EQ(admin_reply("GET", "/ready", true, false), (AdminReply{200, "ready\n", ""}));
  EXPECT_EQ(admin_reply("GET", "/ready?verbose=1", true, false), (AdminReply{200, "ready\n", ""}));
  EXPECT_EQ(admin_reply("GET", "/ready", true, true), (AdminReply{503, "draining\n", ""}));
}

TEST(AdminReply, ReadyIs503WhileTheAgentCannotBeAsked) {
  EXPECT_EQ(admin_reply("GET", "/ready", true, false, "agent unreachable: connection refused"),
            (AdminReply{503, "agent unreachable: connection refused\n", ""}));
  // Draining and not-yet-ready say so first; /health does not depend on the agent.
  EXPECT_EQ(admin_reply("GET", "/ready", true, true, "agent unreachable: x").body, "draining\n");
  EXPECT_EQ(admin_reply("GET", "/health", true, false, "agent unreachable: x").status, 200U);
}

TEST(AdminReply, HealthIsUpUntilDraining) {
  EXPECT_EQ(admin_reply("GET", "/health", false, false), (AdminReply{200, "ok\n", ""}));
  EXPECT_EQ(admin_reply("GET", "/health", true, false), (AdminReply{200, "ok\n", ""}));
  EXPECT_EQ(admin_reply("GET", "/health", true, true), (AdminReply{503, "draining\n", ""}));
}

TEST(AdminReply, OtherPathsAndMethods) {
  EXPECT_EQ(admin_reply("GET", "/", true, false), (AdminReply{404, "not found\n", ""}));
  EXPECT_EQ(admin_reply("GET", "/ready/", true, false), (AdminReply{404, "not found\n", ""}));
  EXPECT_EQ(admin_reply("POST", "/ready", true, false),
            (AdminReply{405, "method not allowed\n", "GET"}));
  EXPECT_EQ(admin_reply("HEAD", "/health", true, false),
            (AdminReply{405, "method not allowed\n", "GET"}));
  EXPECT_EQ(admin_reply("DELETE", "/nothing", true, false), (AdminReply{404, "not found\n", ""}));
}

net::awaitable<std::string> ask(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                http::verb verb, std::string target) {
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "admin");
  auto [wec, w] = co_await http::async_write(stream, req, tok);
  if (wec) co_return "write: " + wec.message();
  http::response<http::string_body> res;
  auto [rec, r] = co_await http::async_read(stream, buffer, res, tok);
  if (rec) co_return "read: " + rec.message();
  co_return std::to_string(res.result_int()) + " " + std::string{res[http::field::allow]} + "|" +
      res.body();
}

// One keep-alive connection asking in turn while the test flips the runtime's state.
net::awaitable<void> admin_client(tcp::endpoint server, Runtime& runtime,
                                  std::vector<std::string>& seen) {
  beast::tcp_stream stream{co_await net::this_coro::executor};
  auto [cec] = co_await stream.async_connect(server, tok);
  CO_ASSERT(!cec, cec.message());
  beast::flat_buffer buffer;
  seen.push_back(co_await ask(stream, buffer, http::verb::get, "/ready"));
  runtime.ready = true;
  seen.push_back(co_await ask(stream, buffer, http::verb::get, "/ready"));
  seen.push_back(co_await ask(stream, buffer, http::verb::get, "/health"));
  seen.push_back(co_await ask(stream, buffer, http::verb::post, "/health"));
  seen.push_back(co_await ask(stream, buffer, http::verb::get, "/nothing"));
  runtime.draining = true;
  seen.push_back(co_await ask(stream, buffer, http::verb::get, "/health"));
}

// Over a real socket: Beast on both sides.
TEST(AdminServer, ServesOverHttp) {
  net::io_context ioc;
  auto runtime = std::make_shared<Runtime>();
  auto bound = AdminServer::bind(ioc.get_executor(), HostPort{"127.0.0.1", 0}, runtime);
  ASSERT_TRUE(bound) << bound.error();
  auto& server = **bound;
  ASSERT_NE(server.local_endpoint().port(), 0);
  server.start();

  std::vector<std::string> seen;
  bool done = false;
  net::co_spawn(ioc, admin_client(server.local_endpoint(), *runtime, seen),
                [&](const std::exception_ptr& e) {
                  done = !e;
                  server.stop();
                });
  ioc.run_for(20s);
  ASSERT_TRUE(done);
  const std::vector<std::string> expected{
      "503 |waiting for leaf certificate and CA roots\n",
      "200 |ready\n",
      "200 |ok\n",
      "405 GET|method not allowed\n",
      "404 |not found\n",
      "503 |draining\n",
  };
  EXPECT_EQ(seen, expected);
}

net::awaitable<void> metrics_client(tcp::endpoint server,
                                    std::vector<http::response<http::string_body>>& seen) {
  beast::tcp_stream stream{co_await net::this_coro::executor};
  auto [cec] = co_await stream.async_connect(server, tok);
  CO_ASSERT(!cec, cec.message());
  beast::flat_buffer buffer;
  for (const auto verb : {http::verb::get, http::verb::post}) {
    http::request<http::string_body> req{verb, "/metrics?x=1", 11};
    req.set(http::field::host, "admin");
    auto [wec, w] = co_await http::async_write(stream, req, tok);
    CO_ASSERT(!wec, wec.message());
    http::response<http::string_body> res;
    auto [rec, r] = co_await http::async_read(stream, buffer, res, tok);
    CO_ASSERT(!rec, rec.message());
    seen.push_back(std::move(res));
  }
}

TEST(AdminServer, ServesMetricsInPrometheusTextFormat) {
  net::io_context ioc;
  auto runtime = std::make_shared<Runtime>();
  ConnRecord record;
  record.outcome = Outcome::accepted;
  record.src_service = "web";
  record.dst_service = "db";
  runtime->metrics.observe(record);
  auto bound = AdminServer::bind(ioc.get_executor(), HostPort{"127.0.0.1", 0}, runtime);
  ASSERT_TRUE(bound) << bound.error();
  auto& server = **bound;
  server.start();
  std::vector<http::response<http::string_body>> seen;
  bool done = false;
  net::co_spawn(ioc, metrics_client(server.local_endpoint(), seen),
                [&](const std::exception_ptr& e) {
                  done = !e;
                  server.stop();
                });
  ioc.run_for(20s);
  ASSERT_TRUE(done);
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].result_int(), 200U);
  EXPECT_EQ(seen[0][http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(
      seen[0].body().find("gatehouse_connections_total{direction=\"inbound\",outcome=\"accepted\","
                          "src_service=\"web\",dst_service=\"db\",intention=\"none\","
                          "decision_source=\"none\"} 1\n"),
      std::string::npos)
      << seen[0].body();
  EXPECT_NE(seen[0].body().find("\ngatehouse_active_connections 0\n"), std::string::npos);
  EXPECT_EQ(seen[1].result_int(), 405U);
  EXPECT_EQ(seen[1][http::field::allow], "GET");
}

TEST(AdminServer, BindErrorsNameTheAddress) {
  net::io_context ioc;
  auto runtime = std::make_shared<Runtime>();
  auto bad = AdminServer::bind(ioc.get_executor(), HostPort{"localhost", 0}, runtime);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "admin address localhost: not an IP address");
  auto first = AdminServer::bind(ioc.get_executor(), HostPort{"127.0.0.1", 0}, runtime);
  ASSERT_TRUE(first) << first.error();
  const auto port = (*first)->local_endpoint().port();
  auto second = AdminServer::bind(ioc.get_executor(), HostPort{"127.0.0.1", port}, runtime);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(),
            "bind admin 127.0.0.1:" + std::to_string(port) + ": Address already in use");
}

boost::system::result<tools::ProxyOptions, std::string> parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return tools::parse_proxy_options(argv, [](std::string_view) { return std::nullopt; });
}

TEST(AdminFlags, AdminAddrIsHostPort) {
  const std::vector<std::string> base{"-service",       "web",     "-service-addr",
                                      "127.0.0.1:8080", "-listen", ":0"};
  auto args = base;
  args.insert(args.end(), {"-admin-addr", "127.0.0.1:19000"});
  auto o = parse(args);
  ASSERT_TRUE(o) << o.error();
  ASSERT_TRUE(o->config.admin);
  EXPECT_EQ(*o->config.admin, (HostPort{"127.0.0.1", 19000}));
  args = base;
  args.insert(args.end(), {"-admin-addr", ":0"});
  o = parse(args);
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(*o->config.admin, (HostPort{"0.0.0.0", 0}));
  EXPECT_FALSE(parse(base)->config.admin);
  args = base;
  args.insert(args.end(), {"-admin-addr", "19000"});
  o = parse(args);
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error(), "-admin-addr: address 19000: missing port in address");
}

}  // namespace
}  // namespace gatehouse::proxy
