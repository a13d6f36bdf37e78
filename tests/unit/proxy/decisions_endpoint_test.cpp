// GET /decisions on a real AdminServer over loopback, Beast on both sides.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "proxy/admin_server.hpp"
#include "tests/co_assert.hpp"
#include "tools/proxy/proxy_options.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace http = beast::http;

ConnRecord record(std::uint64_t id, Outcome outcome, std::string src = "web") {
  ConnRecord r;
  r.conn_id = id;
  r.outcome = outcome;
  r.src_service = std::move(src);
  r.dst_service = "db";
  r.reason = "test";
  return r;
}

// `conn` of each line, or the line itself when it is not a decision.
std::vector<std::string> conns(const std::string& body) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (auto nl = body.find('\n'); nl != std::string::npos; nl = body.find('\n', start)) {
    const auto j = nlohmann::json::parse(body.substr(start, nl - start));
    out.push_back(j.contains("conn") ? std::to_string(j.at("conn").get<int>()) : j.dump());
    start = nl + 1;
  }
  return out;
}

std::size_t line_count(const std::string& body) {
  return static_cast<std::size_t>(std::ranges::count(body, '\n'));
}

struct Answer {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

net::awaitable<Answer> ask(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                           std::string target, http::verb verb = http::verb::get) {
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "admin");
  auto [wec, w] = co_await http::async_write(stream, req, tok);
  if (wec) co_return Answer{0, "", "write: " + wec.message()};
  http::response<http::string_body> res;
  auto [rec, r] = co_await http::async_read(stream, buffer, res, tok);
  if (rec) co_return Answer{0, "", "read: " + rec.message()};
  co_return Answer{res.result_int(), std::string{res[http::field::content_type]}, res.body()};
}

// Runs `client` against an AdminServer on a fresh io_context; stops the server after.
template <class Client>
void with_admin(std::shared_ptr<Runtime> runtime, Client client) {
  net::io_context ioc;
  auto bound = AdminServer::bind(ioc.get_executor(), HostPort{"127.0.0.1", 0}, runtime);
  ASSERT_TRUE(bound) << bound.error();
  auto& server = **bound;
  server.start();
  bool done = false;
  net::co_spawn(ioc, client(server.local_endpoint()), [&](const std::exception_ptr& e) {
    done = !e;
    server.stop();
  });
  ioc.run_for(20s);
  EXPECT_TRUE(done);
}

TEST(DecisionsEndpoint, BufferedDecisionsFilteredAsNdjson) {
  auto runtime = std::make_shared<Runtime>();
  runtime->decisions = std::make_shared<DecisionStream>(10);
  runtime->decisions->publish(record(1, Outcome::accepted));
  runtime->decisions->publish(record(2, Outcome::denied));
  runtime->decisions->publish(record(3, Outcome::denied, "api"));
  runtime->decisions->publish(record(4, Outcome::failed));
  std::vector<Answer> seen;
  with_admin(runtime, [&](tcp::endpoint server) -> net::awaitable<void> {
    beast::tcp_stream stream{co_await net::this_coro::executor};
    auto [cec] = co_await stream.async_connect(server, tok);
    CO_ASSERT(!cec, cec.message());
    beast::flat_buffer buffer;
    // One keep-alive connection for all of them, /ready among them.
    for (const auto* target :
         {"/decisions", "/decisions?outcome=denied", "/decisions?outcome=denied&src_service=api",
          "/decisions?outcome=accepted,failed&limit=1", "/decisions?limit=nope", "/ready"}) {
      seen.push_back(co_await ask(stream, buffer, target));
    }
    seen.push_back(co_await ask(stream, buffer, "/decisions", http::verb::post));
  });
  ASSERT_EQ(seen.size(), 7U);
  EXPECT_EQ(seen[0].status, 200U);
  EXPECT_EQ(seen[0].content_type, "application/x-ndjson");
  EXPECT_EQ(conns(seen[0].body), (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(conns(seen[1].body), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(conns(seen[2].body), (std::vector<std::string>{"3"}));
  EXPECT_EQ(conns(seen[3].body), (std::vector<std::string>{"4"}));
  EXPECT_EQ(seen[4].status, 400U);
  EXPECT_EQ(seen[4].body, "limit: \"nope\" is not a non-negative integer\n");
  EXPECT_EQ(seen[5].status, 503U);  // /ready still answers as before
  EXPECT_EQ(seen[6].status, 405U);
}

TEST(DecisionsEndpoint, DisabledWithoutAStream) {
  auto runtime = std::make_shared<Runtime>();
  Answer seen;
  with_admin(runtime, [&](tcp::endpoint server) -> net::awaitable<void> {
    beast::tcp_stream stream{co_await net::this_coro::executor};
    auto [cec] = co_await stream.async_connect(server, tok);
    CO_ASSERT(!cec, cec.message());
    beast::flat_buffer buffer;
    seen = co_await ask(stream, buffer, "/decisions");
  });
  EXPECT_EQ(seen.status, 404U);
  EXPECT_EQ(seen.body, "decision stream disabled (-decisions-buffer 0)\n");
}

// Reads the chunked body until it holds `lines` lines (or the message ends).
net::awaitable<void> read_lines(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                http::response_parser<http::string_body>& parser,
                                std::size_t lines) {
  while (!parser.is_done() && line_count(parser.get().body()) < lines) {
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, tok);
    if (ec) co_return;
  }
}

TEST(DecisionsEndpoint, FollowStreamsNewDecisionsAndEndsWhenTheStreamCloses) {
  auto runtime = std::make_shared<Runtime>();
  runtime->decisions = std::make_shared<DecisionStream>(10);
  runtime->decisions->publish(record(1, Outcome::denied));
  runtime->decisions->publish(record(2, Outcome::accepted));
  std::string body;
  bool chunked = false;
  bool ended = false;
  with_admin(runtime, [&](tcp::endpoint server) -> net::awaitable<void> {
    beast::tcp_stream stream{co_await net::this_coro::executor};
    auto [cec] = co_await stream.async_connect(server, tok);
    CO_ASSERT(!cec, cec.message());
    http::request<http::string_body> req{http::verb::get, "/decisions?outcome=denied&follow=1", 11};
    auto [wec, w] = co_await http::async_write(stream, req, tok);
    CO_ASSERT(!wec, wec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    auto [hec, h] = co_await http::async_read_header(stream, buffer, parser, tok);
    CO_ASSERT(!hec, hec.message());
    chunked = parser.chunked();
    co_await read_lines(stream, buffer, parser, 1);  // the backlog
    // A worker thread publishes while the session waits.
    std::thread worker{[&runtime] {
      runtime->decisions->publish(record(3, Outcome::accepted));
      runtime->decisions->publish(record(4, Outcome::denied));
    }};
    worker.join();
    co_await read_lines(stream, buffer, parser, 2);
    runtime->decisions->close();  // what the drain does
    co_await read_lines(stream, buffer, parser, 3);
    ended = parser.is_done();
    body = parser.get().body();
  });
  EXPECT_TRUE(chunked);
  EXPECT_EQ(conns(body), (std::vector<std::string>{"1", "4"}));
  EXPECT_TRUE(ended);
}

TEST(DecisionsEndpoint, AFollowerThatFallsBehindIsToldHowManyItLost) {
  auto runtime = std::make_shared<Runtime>();
  runtime->decisions = std::make_shared<DecisionStream>(10, 2);
  std::string body;
  with_admin(runtime, [&](tcp::endpoint server) -> net::awaitable<void> {
    beast::tcp_stream stream{co_await net::this_coro::executor};
    auto [cec] = co_await stream.async_connect(server, tok);
    CO_ASSERT(!cec, cec.message());
    http::request<http::string_body> req{http::verb::get, "/decisions?follow=1", 11};
    auto [wec, w] = co_await http::async_write(stream, req, tok);
    CO_ASSERT(!wec, wec.message());
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    auto [hec, h] = co_await http::async_read_header(stream, buffer, parser, tok);
    CO_ASSERT(!hec, hec.message());
    // Five at once while the session cannot run (it shares this thread): two fit, three drop.
    for (std::uint64_t i = 1; i <= 5; ++i) runtime->decisions->publish(record(i, Outcome::denied));
    co_await read_lines(stream, buffer, parser, 3);
    runtime->decisions->publish(record(6, Outcome::denied));
    co_await read_lines(stream, buffer, parser, 4);
    body = parser.get().body();
  });
  EXPECT_EQ(conns(body), (std::vector<std::string>{"1", "2", "{\"dropped\":3}", "6"}));
}

boost::system::result<tools::ProxyOptions, std::string> parse(std::vector<std::string> args) {
  std::vector<std::string> all{"-service",       "web",     "-service-addr",
                               "127.0.0.1:8080", "-listen", ":0"};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  return tools::parse_proxy_options(argv, [](std::string_view) { return std::nullopt; });
}

TEST(DecisionsBufferFlag, DefaultZeroLimitAndConfigFile) {
  EXPECT_EQ(parse({})->config.decisions_buffer, 1000U);
  EXPECT_EQ(parse({"-decisions-buffer", "0"})->config.decisions_buffer, 0U);
  EXPECT_EQ(parse({"-decisions-buffer", "1000000"})->config.decisions_buffer, 1'000'000U);
  const auto over = parse({"-decisions-buffer", "1000001"});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), "-decisions-buffer must be at most 1000000");
  EXPECT_FALSE(parse({"-decisions-buffer", "-1"}));

  const auto path = (std::filesystem::temp_directory_path() /
                     ("gatehouse-decisions-buffer-" + std::to_string(::getpid()) + ".json"))
                        .string();
  std::ofstream{path} << R"({"decisions_buffer": 25})";
  const auto from_file = parse({"-config-file", path});
  std::ofstream{path} << R"({"decisions_buffer": -2})";
  const auto bad_file = parse({"-config-file", path});
  std::filesystem::remove(path);
  ASSERT_TRUE(from_file) << from_file.error();
  EXPECT_EQ(from_file->config.decisions_buffer, 25U);
  EXPECT_FALSE(bad_file);
}

}  // namespace
}  // namespace gatehouse::proxy
