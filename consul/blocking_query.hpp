#pragma once
// Consul blocking queries (agent/blockingquery/blockingquery.go;
// https://developer.hashicorp.com/consul/api-docs/features/blocking): the pure rules (next index,
// request timeout, rate limit, backoff, publish-on-change) with injected time and randomness, and
// Watch<T>, a stoppable coroutine loop that runs a blocking query and hands each new value to a
// callback.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "consul/api_error.hpp"

namespace gatehouse::consul {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// X-Consul-Index as an unsigned decimal; nullopt when absent or malformed.
std::optional<std::uint64_t> parse_index(std::optional<std::string_view> header);

// The index to send next: the returned one, or 0 ("reset") when it is missing, not positive, or
// lower than the index we sent (snapshot restore, KV deletes...).
std::uint64_t next_index(std::uint64_t sent, std::optional<std::uint64_t> returned);

// How long to let a blocking request run: the agent may add up to wait/16 of jitter, plus a
// margin for the network.
milliseconds blocking_request_timeout(milliseconds wait, milliseconds margin);

// `wait` as the Go client sends it: "300000ms".
std::string format_wait(milliseconds wait);

// Token bucket (Consul's docs suggest burst 2): acquire() takes a token and says how long the
// caller must wait before using it (zero when one is available now).
class RateLimiter {
 public:
  RateLimiter(double tokens_per_second, double burst);
  Clock::duration acquire(Clock::time_point now);

 private:
  double rate_;
  double burst_;
  double tokens_;
  std::optional<Clock::time_point> last_;
};

// Capped backoff with decorrelated jitter after errors, reset on success (the reset is
// nghttpx's ConnectBlocker's; the jitter spreads a fleet of sidecars whose agent restarts at one
// instant): every delay is random in [base, min(max, 3 * previous delay)], the first one in
// [base, min(max, 3 * base)]. Nothing ever waits longer than `max`, so a watch notices an agent
// that is back within `max` of its return.
class Backoff {
 public:
  Backoff(milliseconds base, milliseconds max);
  milliseconds next(double random01);  // random01 in [0, 1)
  void reset() {
    failures_ = 0;
    previous_ = base_;
  }
  int failures() const { return failures_; }
  // The range next() draws from now: [lower, upper].
  milliseconds lower() const { return base_; }
  milliseconds upper() const;

 private:
  milliseconds base_;
  milliseconds max_;
  milliseconds previous_;
  int failures_ = 0;
};

struct BlockingOptions {
  milliseconds wait{300'000};    // sent as ?wait=
  milliseconds margin{5'000};    // added to wait + wait/16 for the request timeout
  double rate_per_second = 1.0;  // loop rate limit
  double burst = 2.0;
  // Retry delays after a failure (see Backoff): a watch sees an agent that restarted (with a new
  // CA, say) at most backoff_max after it is back.
  milliseconds backoff_base{500};
  milliseconds backoff_max{2'500};
};

// The per-watch bookkeeping: what to send next and whether a result is news.
class BlockingQueryState {
 public:
  explicit BlockingQueryState(const BlockingOptions& options);

  std::uint64_t index() const { return index_; }
  const std::string& hash() const { return hash_; }

  // After a successful index-based response; true when the value must be published
  // (the first one, the first after an error, or the index differs from the last published one).
  bool on_index(std::optional<std::uint64_t> returned);
  // After a successful hash-based response (X-Consul-ContentHash).
  bool on_hash(std::string returned);
  // After a failure: the delay before retrying. The next request is a plain read (index 0) and
  // its answer is published whatever its index.
  milliseconds on_error(double random01);

 private:
  Backoff backoff_;
  std::uint64_t index_ = 0;
  std::string hash_;
  std::optional<std::uint64_t> published_index_;
  std::optional<std::string> published_hash_;
};

// What a blocking fetch sends and gets back.
struct BlockingParams {
  std::uint64_t index = 0;  // 0: plain read
  std::string hash;         // hash-based endpoints only; empty: plain read
  milliseconds wait{300'000};
  milliseconds timeout{323'750};
};

template <class T>
struct Blocking {
  T value;
  std::uint64_t index = 0;  // X-Consul-Index (index-based endpoints)
  std::string hash;         // X-Consul-ContentHash (hash-based endpoints)
};

enum class BlockingMode { index, hash };

// Runs `fetch` in a loop and calls `on_value` with every new value (and `on_error` with every
// failure and the retry delay). stop() (or destruction) ends the loop and cancels the request
// in flight; callbacks are never invoked after stop(). Single-threaded: start/stop on the
// executor's thread.
template <class T>
class Watch {
 public:
  using Result = boost::system::result<Blocking<T>, ApiError>;
  using Fetch = std::function<boost::asio::awaitable<Result>(BlockingParams)>;
  using OnValue = std::function<void(const Blocking<T>&)>;
  using OnError = std::function<void(const ApiError&, milliseconds retry_in)>;
  using Random = std::function<double()>;  // uniform in [0, 1)
  // Every request's outcome, changed or not: nullptr for an answer, else the error (watch
  // health: when the watch last heard from the agent).
  using OnOutcome = std::function<void(const ApiError*)>;

  Watch(boost::asio::any_io_executor executor, BlockingMode mode, Fetch fetch, OnValue on_value,
        OnError on_error = {}, BlockingOptions options = {}, Random random = {})
      : state_(std::make_shared<State>(std::move(executor), mode, std::move(fetch),
                                       std::move(on_value), std::move(on_error), options,
                                       random ? std::move(random) : default_random())) {}
  ~Watch() { stop(); }
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;

  void start() {
    if (state_->started) return;
    state_->started = true;
    boost::asio::co_spawn(state_->executor, loop(state_),
                          boost::asio::bind_cancellation_slot(
                              state_->signal.slot(), [state = state_](std::exception_ptr e) {
                                state->finished = true;
                                if (e && !state->stopped) report_unexpected(e);
                              }));
  }

  void stop() {
    boost::asio::dispatch(state_->executor, [state = state_] {
      if (state->stopped) return;
      state->stopped = true;
      state->signal.emit(boost::asio::cancellation_type::terminal);
    });
  }

  bool finished() const { return state_->finished; }

  // Before start().
  void on_outcome(OnOutcome outcome) { state_->on_outcome = std::move(outcome); }

 private:
  struct State {
    State(boost::asio::any_io_executor ex, BlockingMode m, Fetch f, OnValue v, OnError e,
          const BlockingOptions& o, Random r)
        : executor(std::move(ex)),
          mode(m),
          fetch(std::move(f)),
          on_value(std::move(v)),
          on_error(std::move(e)),
          options(o),
          random(std::move(r)),
          query(o),
          limiter(o.rate_per_second, o.burst) {}
    boost::asio::any_io_executor executor;
    BlockingMode mode;
    Fetch fetch;
    OnValue on_value;
    OnError on_error;
    OnOutcome on_outcome;
    BlockingOptions options;
    Random random;
    BlockingQueryState query;
    RateLimiter limiter;
    boost::asio::cancellation_signal signal;
    bool started = false;
    bool stopped = false;
    bool finished = false;
  };

  std::shared_ptr<State> state_;

  static Random default_random();
  static void report_unexpected(std::exception_ptr e);

  static boost::asio::awaitable<bool> pause(const std::shared_ptr<State>& state,
                                            Clock::duration delay) {
    if (delay <= Clock::duration::zero()) co_return !state->stopped;
    boost::asio::steady_timer timer{state->executor, delay};
    co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return !state->stopped;
  }

  static boost::asio::awaitable<void> loop(std::shared_ptr<State> state) {
    co_await boost::asio::this_coro::throw_if_cancelled(false);
    while (!state->stopped) {
      if (!co_await pause(state, state->limiter.acquire(Clock::now()))) co_return;
      BlockingParams params;
      params.index = state->query.index();
      params.hash = state->query.hash();
      params.wait = state->options.wait;
      params.timeout = blocking_request_timeout(state->options.wait, state->options.margin);
      Result result = co_await state->fetch(params);
      if (state->stopped) co_return;
      if (state->on_outcome && result) state->on_outcome(nullptr);
      if (!result) {
        const ApiError error = result.error();
        if (state->on_outcome) state->on_outcome(&error);
        const milliseconds delay = state->query.on_error(state->random());
        if (state->on_error) state->on_error(error, delay);
        if (!co_await pause(state, delay)) co_return;
        continue;
      }
      const bool changed = state->mode == BlockingMode::index ? state->query.on_index(result->index)
                                                              : state->query.on_hash(result->hash);
      if (changed) state->on_value(*result);
    }
  }
};

// Shared, non-template parts of Watch.
std::function<double()> make_default_random();
void log_watch_exception(std::exception_ptr e);

template <class T>
typename Watch<T>::Random Watch<T>::default_random() {
  return make_default_random();
}

template <class T>
void Watch<T>::report_unexpected(std::exception_ptr e) {
  log_watch_exception(e);
}

}  // namespace gatehouse::consul
