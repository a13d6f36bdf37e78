#include "tools/dev_agent/change_notifier.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace gatehouse::tools {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

TEST(ChangeNotifier, BlockUntilWakesWhenConditionTurnsTrue) {
  net::io_context ioc;
  ChangeNotifier notifier;
  int version = 0;
  bool done = false;
  net::co_spawn(
      ioc,
      notifier.block_until([&] { return version == 2; }, std::chrono::steady_clock::now() + 1h),
      [&](std::exception_ptr) { done = true; });
  // Two changes; only the second satisfies the waiter.
  net::post(ioc, [&] {
    version = 1;
    notifier.notify();
    net::post(ioc, [&] {
      EXPECT_FALSE(done);
      version = 2;
      notifier.notify();
    });
  });
  ioc.run_for(10s);  // safety net only: the waiter finishes as soon as version == 2
  EXPECT_TRUE(done);
  EXPECT_EQ(version, 2);
}

TEST(ChangeNotifier, ShutdownReleasesWaiters) {
  net::io_context ioc;
  ChangeNotifier notifier;
  bool done = false;
  net::co_spawn(ioc,
                notifier.block_until([] { return false; }, std::chrono::steady_clock::now() + 1h),
                [&](std::exception_ptr) { done = true; });
  net::post(ioc, [&] { notifier.shutdown(); });
  ioc.run_for(10s);
  EXPECT_TRUE(done);
  EXPECT_TRUE(notifier.stopping());
}

TEST(ChangeNotifier, PastDeadlineReturnsAtOnce) {
  net::io_context ioc;
  ChangeNotifier notifier;
  bool done = false;
  net::co_spawn(ioc, notifier.block_until([] { return false; }, std::chrono::steady_clock::now()),
                [&](std::exception_ptr) { done = true; });
  ioc.run_for(10s);
  EXPECT_TRUE(done);
}

}  // namespace
}  // namespace gatehouse::tools
