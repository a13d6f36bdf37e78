#include "proxy/relay.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <optional>
#include <string>

#include "tests/unit/proxy/loopback.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;

// Reads until EOF; returns what arrived.
net::awaitable<std::string> read_to_eof(tcp::socket& s) {
  std::string out;
  std::array<char, 1024> buf{};
  for (;;) {
    auto [ec, n] = co_await s.async_read_some(net::buffer(buf), tok);
    out.append(buf.data(), n);
    if (ec) co_return out;
  }
}

net::awaitable<std::string> read_exactly(tcp::socket& s, std::size_t n) {
  std::string out(n, '\0');
  auto [ec, got] = co_await net::async_read(s, net::buffer(out), tok);
  out.resize(got);
  co_return out;
}

struct Sockets {
  net::io_context ioc;
  std::pair<tcp::socket, tcp::socket> client_side = testing::connected_pair(ioc);  // user, proxy
  std::pair<tcp::socket, tcp::socket> app_side = testing::connected_pair(ioc);     // proxy, app
  tcp::socket& user() { return client_side.first; }
  tcp::socket& proxy_client() { return client_side.second; }
  tcp::socket& proxy_app() { return app_side.first; }
  tcp::socket& app() { return app_side.second; }
};

TEST(Relay, ClientHalfCloseReachesTheAppWhichStillAnswers) {
  Sockets s;
  std::optional<RelayResult> result;
  net::co_spawn(s.ioc, relay(s.proxy_client(), s.proxy_app(), 1h),
                [&](const std::exception_ptr& e, RelayResult r) {
                  EXPECT_FALSE(e);
                  result = r;
                  s.proxy_client().close();  // what the connection does after the relay
                });
  std::string app_got;
  std::string user_got;
  net::co_spawn(
      s.ioc,
      [&]() -> net::awaitable<void> {
        co_await net::async_write(s.user(), net::buffer(std::string_view{"hello"}), tok);
        s.user().shutdown(tcp::socket::shutdown_send);  // half-close: still reading
        app_got = co_await read_to_eof(s.app());        // EOF proves the FIN was relayed
        co_await net::async_write(s.app(), net::buffer(std::string_view{"answer"}), tok);
        s.app().close();
        user_got = co_await read_to_eof(s.user());
      },
      [](const std::exception_ptr& e) { ASSERT_FALSE(e); });
  s.ioc.run_for(20s);

  EXPECT_EQ(app_got, "hello");
  EXPECT_EQ(user_got, "answer");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->to_app, 5U);
  EXPECT_EQ(result->to_client, 6U);
  EXPECT_TRUE(result->client_half_closed);
  EXPECT_EQ(result->ended_by, RelayEnd::app_closed);
  EXPECT_FALSE(result->ec) << result->ec.message();
}

TEST(Relay, BytesFlowBothWaysWhileOpen) {
  Sockets s;
  std::optional<RelayResult> result;
  net::co_spawn(s.ioc, relay(s.proxy_client(), s.proxy_app(), 1h),
                [&](const std::exception_ptr&, RelayResult r) {
                  result = r;
                  s.proxy_client().close();
                });
  std::string at_app;
  std::string at_user;
  const std::string big(100'000, 'x');  // several buffers' worth
  net::co_spawn(
      s.ioc,
      [&]() -> net::awaitable<void> {
        co_await net::async_write(s.user(), net::buffer(big), tok);
        at_app = co_await read_exactly(s.app(), big.size());
        co_await net::async_write(s.app(), net::buffer(std::string_view{"pong"}), tok);
        at_user = co_await read_exactly(s.user(), 4);
        s.app().shutdown(tcp::socket::shutdown_send);  // app EOF ends the relay
      },
      [](const std::exception_ptr& e) { ASSERT_FALSE(e); });
  s.ioc.run_for(20s);
  EXPECT_EQ(at_app, big);
  EXPECT_EQ(at_user, "pong");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->to_app, big.size());
  EXPECT_EQ(result->to_client, 4U);
  EXPECT_FALSE(result->client_half_closed);
  EXPECT_EQ(result->ended_by, RelayEnd::app_closed);
}

TEST(Relay, IdleConnectionEndsWithIdleTimeout) {
  Sockets s;
  std::optional<RelayResult> result;
  net::co_spawn(s.ioc, relay(s.proxy_client(), s.proxy_app(), 50ms),
                [&](const std::exception_ptr&, RelayResult r) {
                  result = r;
                  s.ioc.stop();
                });
  s.ioc.run_for(20s);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->ended_by, RelayEnd::idle_timeout);
  EXPECT_EQ(result->ec, make_error_code(errc::idle_timeout));
  EXPECT_EQ(result->ec.message(), "idle_timeout");
}

TEST(Relay, ClientResetEndsTheRelayAsClientFailure) {
  Sockets s;
  std::optional<RelayResult> result;
  net::co_spawn(s.ioc, relay(s.proxy_client(), s.proxy_app(), 1h),
                [&](const std::exception_ptr&, RelayResult r) {
                  result = r;
                  s.ioc.stop();
                });
  s.user().set_option(net::socket_base::linger(true, 0));
  s.user().close();  // RST
  s.ioc.run_for(20s);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->ended_by, RelayEnd::client_failed);
  EXPECT_TRUE(result->ec);
}

}  // namespace
}  // namespace gatehouse::proxy
