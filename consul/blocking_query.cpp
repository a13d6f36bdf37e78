#include "consul/blocking_query.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <random>

#include "common/exception_text.hpp"

namespace gatehouse::consul {

std::optional<std::uint64_t> parse_index(std::optional<std::string_view> header) {
  if (!header || header->empty()) return std::nullopt;
  std::uint64_t value = 0;
  const char* end = header->data() + header->size();
  const auto [ptr, ec] = std::from_chars(header->data(), end, value);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return value;
}

std::uint64_t next_index(std::uint64_t sent, std::optional<std::uint64_t> returned) {
  if (!returned || *returned == 0) return 0;
  if (*returned < sent) return 0;
  return *returned;
}

milliseconds blocking_request_timeout(milliseconds wait, milliseconds margin) {
  return wait + wait / 16 + margin;
}

std::string format_wait(milliseconds wait) { return std::to_string(wait.count()) + "ms"; }

RateLimiter::RateLimiter(double tokens_per_second, double burst)
    : rate_(tokens_per_second), burst_(std::max(burst, 1.0)), tokens_(burst_) {}

Clock::duration RateLimiter::acquire(Clock::time_point now) {
  if (last_ && now > *last_) {
    const double elapsed = std::chrono::duration<double>(now - *last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  }
  if (!last_ || now > *last_) last_ = now;
  tokens_ -= 1.0;  // may go negative: the debt is the wait
  if (tokens_ >= 0.0) return Clock::duration::zero();
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(-tokens_ / rate_));
}

Backoff::Backoff(milliseconds base, milliseconds max)
    : base_(std::min(base, max)), max_(max), previous_(base_) {}

milliseconds Backoff::upper() const {
  // 3 * previous without overflow: previous never exceeds max_.
  const milliseconds tripled = previous_ > max_ / 3 ? max_ : previous_ * 3;
  return std::clamp(tripled, base_, max_);
}

milliseconds Backoff::next(double random01) {
  ++failures_;
  const milliseconds lo = lower();
  const milliseconds hi = upper();
  const double r = std::clamp(random01, 0.0, 1.0);
  const auto span = static_cast<double>((hi - lo).count());
  previous_ = lo + milliseconds{static_cast<milliseconds::rep>(span * r)};
  return previous_;
}

BlockingQueryState::BlockingQueryState(const BlockingOptions& options)
    : backoff_(options.backoff_base, options.backoff_max) {}

bool BlockingQueryState::on_index(std::optional<std::uint64_t> returned) {
  backoff_.reset();
  index_ = next_index(index_, returned);
  const std::uint64_t seen = returned.value_or(0);
  if (published_index_ && *published_index_ == seen) return false;
  published_index_ = seen;
  return true;
}

bool BlockingQueryState::on_hash(std::string returned) {
  backoff_.reset();
  hash_ = returned;
  if (published_hash_ && *published_hash_ == returned) return false;
  published_hash_ = std::move(returned);
  return true;
}

milliseconds BlockingQueryState::on_error(double random01) {
  index_ = 0;
  hash_.clear();
  // The first answer after a failure is published even at the index we already saw: the agent
  // may have been replaced (a dev agent restarted with a new CA answers from index 1 again), and
  // consumers treat a repeated value as a no-op.
  published_index_.reset();
  published_hash_.reset();
  return backoff_.next(random01);
}

std::function<double()> make_default_random() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

void log_watch_exception(std::exception_ptr e) {
  SPDLOG_ERROR("event=watch_failed error=\"{}\"", common::exception_text(e));
}

}  // namespace gatehouse::consul
