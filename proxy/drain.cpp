#include "proxy/drain.hpp"

#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdint>

#include "proxy/logger.hpp"

namespace gatehouse::proxy {

Drain::Drain(net::io_context& control, std::shared_ptr<Runtime> runtime)
    : control_(control), runtime_(std::move(runtime)), timer_(control) {}

void Drain::begin(std::function<void()> done) {
  done_ = std::move(done);
  // Watch first, then count: a connection that ends in between still wakes the timer.
  runtime_->registry.on_empty([this] { net::post(control_, [this] { timer_.cancel(); }); });
  const auto open = runtime_->registry.size();
  log_fields(spdlog::level::info,
             LogFields{}
                 .add("event", "draining")
                 .add("open", std::uint64_t{open})
                 .add("drain_ms", std::int64_t{runtime_->config.timeouts.drain.count()}));
  if (open == 0) return finish();
  timer_.expires_after(runtime_->config.timeouts.drain);
  timer_.async_wait([this](error_code) { after_drain_window(); });
}

void Drain::after_drain_window() {
  const auto left = runtime_->registry.size();
  if (left == 0) return finish();
  log_fields(spdlog::level::warn,
             LogFields{}.add("event", "drain_timeout").add("cancelled", std::uint64_t{left}));
  runtime_->registry.cancel_all();
  // Cancelled connections end after their bounded close_notify.
  timer_.expires_after(runtime_->config.timeouts.tls_shutdown + std::chrono::seconds{1});
  timer_.async_wait([this](error_code) { finish(); });
}

void Drain::finish() {
  if (finished_) return;
  finished_ = true;
  runtime_->registry.on_empty({});
  if (done_) done_();
}

}  // namespace gatehouse::proxy
