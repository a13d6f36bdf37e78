// Watch<T>: the blocking loop publishes only changes, passes the index it should, backs off on
// errors, and stops (cancelling the fetch in flight). The fetch is scripted, so no HTTP.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <vector>

#include "consul/blocking_query.hpp"

namespace gatehouse::consul {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;
using IntWatch = Watch<int>;

struct Script {
  std::vector<IntWatch::Result> responses;
  std::vector<BlockingParams> seen;
  IntWatch* watch = nullptr;
};

// A fetch that replays the script, then stops the watch.
net::awaitable<IntWatch::Result> scripted_fetch(BlockingParams params, Script* script) {
  script->seen.push_back(params);
  const std::size_t call = script->seen.size() - 1;
  if (call < script->responses.size()) co_return script->responses[call];
  script->watch->stop();
  co_return ApiError::make(ApiErrorKind::cancelled, "script finished");
}

// A fetch that blocks until cancelled (after its first answer).
net::awaitable<IntWatch::Result> blocking_fetch(BlockingParams params, int* calls) {
  if ((*calls)++ == 0) co_return Blocking<int>{42, 3, {}};
  net::steady_timer timer{co_await net::this_coro::executor, 1h};
  auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  if (ec) co_return ApiError::make(ApiErrorKind::cancelled, ec.message());
  co_return Blocking<int>{0, params.index, {}};
}

BlockingOptions fast_options() {
  BlockingOptions o;
  o.wait = 10s;
  o.rate_per_second = 1e9;  // the limiter is tested on its own; don't pace this loop
  o.backoff_base = 1ms;
  o.backoff_max = 1ms;
  return o;
}

TEST(Watch, PublishesOnlyChangesAndFollowsIndexRules) {
  net::io_context ioc;
  Script script;
  script.responses = {
      Blocking<int>{1, 5, {}},  // first value
      Blocking<int>{1, 5, {}},  // wait timed out: same index, not published
      Blocking<int>{2, 8, {}}, ApiError::from_status(500, "rpc error"),
      Blocking<int>{2, 8, {}},  // first answer after the error: republished (agent may be new)
      Blocking<int>{3, 2, {}},  // index went backwards: new data, index reset
  };
  std::vector<int> published;
  std::vector<std::string> errors;
  IntWatch watch{ioc.get_executor(),
                 BlockingMode::index,
                 [&](BlockingParams p) { return scripted_fetch(std::move(p), &script); },
                 [&](const Blocking<int>& b) { published.push_back(b.value); },
                 [&](const ApiError& e, milliseconds retry) {
                   errors.push_back(e.message() + " retry=" + std::to_string(retry.count()));
                 },
                 fast_options(),
                 [] { return 0.5; }};
  script.watch = &watch;
  watch.start();
  ioc.run_for(10s);
  EXPECT_TRUE(watch.finished());
  EXPECT_EQ(published, (std::vector<int>{1, 2, 2, 3}));
  EXPECT_EQ(errors,
            (std::vector<std::string>{"Unexpected response code: 500 (rpc error) retry=1"}));
  std::vector<std::uint64_t> indexes;
  for (const auto& p : script.seen) {
    indexes.push_back(p.index);
    EXPECT_EQ(p.wait, 10s);
    EXPECT_EQ(p.timeout, 10s + 625ms + 5s);
  }
  EXPECT_EQ(indexes, (std::vector<std::uint64_t>{0, 5, 5, 8, 0, 8, 0}));
}

TEST(Watch, RetryDelaysStayWithinTheCapWhateverTheRandomDraw) {
  net::io_context ioc;
  Script script;
  for (int i = 0; i < 8; ++i) {
    script.responses.push_back(ApiError::make(ApiErrorKind::connect, "refused"));
  }
  script.responses.push_back(Blocking<int>{1, 5, {}});
  script.responses.push_back(ApiError::make(ApiErrorKind::connect, "refused"));
  BlockingOptions options = fast_options();
  options.backoff_base = 1ms;
  options.backoff_max = 5ms;
  std::vector<long> retries;
  // The top of the range twice, then the bottom, ...; the last draw is the top again.
  const std::vector<double> draws{0.999999, 0.999999, 0.0,      0.999999, 0.999999,
                                  0.0,      0.999999, 0.999999, 0.999999};
  std::size_t draw = 0;
  IntWatch watch{ioc.get_executor(),
                 BlockingMode::index,
                 [&](BlockingParams p) { return scripted_fetch(std::move(p), &script); },
                 [](const Blocking<int>&) {},
                 [&](const ApiError&, milliseconds retry) {
                   retries.push_back(static_cast<long>(retry.count()));
                 },
                 options,
                 [&] { return draws.at(draw++); }};
  script.watch = &watch;
  watch.start();
  ioc.run_for(10s);
  EXPECT_TRUE(watch.finished());
  // [1, 3] -> 2 (truncated), [1, 5] -> 4, bottom 1, [1, 3] -> 2, [1, 5] -> 4, bottom 1, ...;
  // the success resets the range to [1, 3].
  EXPECT_EQ(retries, (std::vector<long>{2, 4, 1, 2, 4, 1, 2, 4, 2}));
}

TEST(Watch, HashMode) {
  net::io_context ioc;
  Script script;
  script.responses = {Blocking<int>{1, 0, "aa"}, Blocking<int>{1, 0, "aa"},
                      Blocking<int>{2, 0, "bb"}};
  std::vector<int> published;
  IntWatch watch{ioc.get_executor(),
                 BlockingMode::hash,
                 [&](BlockingParams p) { return scripted_fetch(std::move(p), &script); },
                 [&](const Blocking<int>& b) { published.push_back(b.value); },
                 {},
                 fast_options()};
  script.watch = &watch;
  watch.start();
  ioc.run_for(10s);
  EXPECT_TRUE(watch.finished());
  EXPECT_EQ(published, (std::vector<int>{1, 2}));
  ASSERT_EQ(script.seen.size(), 4U);
  EXPECT_EQ(script.seen[0].hash, "");
  EXPECT_EQ(script.seen[1].hash, "aa");
  EXPECT_EQ(script.seen[3].hash, "bb");
}

TEST(Watch, StopCancelsTheRequestInFlight) {
  net::io_context ioc;
  int calls = 0;
  std::vector<int> published;
  std::unique_ptr<IntWatch> watch;
  watch = std::make_unique<IntWatch>(
      ioc.get_executor(), BlockingMode::index,
      [&](BlockingParams p) { return blocking_fetch(std::move(p), &calls); },
      [&](const Blocking<int>& b) {
        published.push_back(b.value);
        // Stop once the second (blocking) fetch has started.
        net::post(ioc, [&] { watch->stop(); });
      },
      IntWatch::OnError{}, fast_options());
  watch->start();
  ioc.run_for(10s);  // returns early once the loop ended: nothing else keeps it busy
  EXPECT_TRUE(watch->finished());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(published, (std::vector<int>{42}));
}

}  // namespace
}  // namespace gatehouse::consul
