#include <gtest/gtest.h>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <sstream>

#include "proxy/inbound_listener.hpp"
#include "proxy/logger.hpp"
#include "proxy/runtime.hpp"
#include "proxy/worker_pool.hpp"
#include "tests/unit/proxy/captured_log.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;

using testing::CapturedLog;

TEST(ConnectionLimit, PastTheLimitASocketIsClosedAtOnceAndLogged) {
  CapturedLog log;
  net::io_context control{1};
  auto runtime = std::make_shared<Runtime>();
  runtime->config.service = "db";
  runtime->config.max_connections = 1;
  // One connection already open (a live registration holds the only slot).
  auto held = runtime->registry.add(99, control.get_executor(),
                                    std::make_shared<net::cancellation_signal>());
  WorkerPool pool{1, [](net::any_io_executor) { return std::shared_ptr<Authorizer>{}; }};
  pool.start();
  auto listener = InboundListener::bind(control.get_executor(), HostPort{"127.0.0.1", 0});
  ASSERT_TRUE(listener) << listener.error();
  (*listener)->start(runtime, pool);

  tcp::socket client{control};
  std::string got;
  error_code read_ec;
  net::co_spawn(
      control,
      [&]() -> net::awaitable<void> {
        co_await client.async_connect((*listener)->local_endpoint(), tok);
        std::array<char, 16> buf{};
        auto [ec, n] = co_await client.async_read_some(net::buffer(buf), tok);
        read_ec = ec;
        got.assign(buf.data(), n);
        (*listener)->stop();
      },
      [](const std::exception_ptr& e) { EXPECT_FALSE(e); });
  control.run_for(20s);
  pool.stop_and_join();

  EXPECT_TRUE(read_ec == net::error::eof || read_ec == net::error::connection_reset)
      << read_ec.message();
  EXPECT_EQ(got, "");
  EXPECT_EQ(runtime->registry.size(), 1U);  // the refused one was never registered
  const std::string text = log.text();
  EXPECT_NE(text.find("event=conn outcome=failed src=\"\" src_service=\"\" dst_service=db "
                      "peer=127.0.0.1:"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reason=\"connection_limit: 1 connections open\" authz_ms=-1"),
            std::string::npos)
      << text;
}

TEST(ConnectionRegistry, CountsEntriesAndNotifiesWhenEmpty) {
  net::io_context ioc{1};
  ConnectionRegistry registry;
  int empty_calls = 0;
  registry.on_empty([&] { ++empty_calls; });
  {
    auto a = registry.add(1, ioc.get_executor(), std::make_shared<net::cancellation_signal>());
    {
      auto b = registry.add(2, ioc.get_executor(), std::make_shared<net::cancellation_signal>());
      EXPECT_EQ(registry.size(), 2U);
    }
    EXPECT_EQ(registry.size(), 1U);
    EXPECT_EQ(empty_calls, 0);
  }
  EXPECT_EQ(registry.size(), 0U);
  EXPECT_EQ(empty_calls, 1);
}

TEST(ConnectionRegistry, CancelAllEmitsTerminalOnEachConnectionsExecutor) {
  net::io_context ioc{1};
  ConnectionRegistry registry;
  auto signal = std::make_shared<net::cancellation_signal>();
  auto entry = registry.add(1, ioc.get_executor(), signal);
  net::cancellation_type seen = net::cancellation_type::none;
  signal->slot().assign([&](net::cancellation_type t) { seen = t; });
  registry.cancel_all();
  EXPECT_EQ(seen, net::cancellation_type::none);  // posted, not run inline
  ioc.run();
  EXPECT_EQ(seen, net::cancellation_type::terminal);
}

}  // namespace
}  // namespace gatehouse::proxy
