#include "proxy/self_registration.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>

#include "common/exception_text.hpp"
#include "proxy/logger.hpp"

namespace gatehouse::proxy {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto tok = net::as_tuple(net::use_awaitable);  // NOLINT(readability-identifier-naming)
constexpr int kDeregisterAttempts = 3;

void log_failure(spdlog::level::level_enum level, std::string_view event, const std::string& id,
                 const consul::ApiError& error) {
  log_fields(level,
             LogFields{}.add("event", event).add("id", id).add_quoted("error", error.message()));
}

}  // namespace

std::string proxy_service_id(const SelfRegistrationSpec& spec) {
  auto id = spec.service + "-proxy";
  if (!spec.id_suffix.empty()) id += "-" + spec.id_suffix;
  return id;
}

std::string proxy_check_id(const SelfRegistrationSpec& spec) {
  return proxy_service_id(spec) + "-ttl";
}

consul::AgentServiceRegistration proxy_registration(const SelfRegistrationSpec& spec) {
  consul::AgentServiceRegistration r;
  r.kind = std::string{consul::kKindConnectProxy};
  r.id = proxy_service_id(spec);
  r.name = spec.service + "-proxy";
  r.address = spec.address;
  r.port = spec.port;
  r.proxy = consul::ConnectProxyConfig{};
  r.proxy->destination_service_name = spec.service;
  consul::AgentServiceCheck check;
  check.check_id = proxy_check_id(spec);
  check.name = "proxy heartbeat";
  check.ttl = "30s";
  check.notes = "Gatehouse proxy will heartbeat this check.";
  check.status = "passing";
  r.check = check;
  return r;
}

std::string registration_address(const std::string& host) {
  boost::system::error_code ec;
  const auto ip = net::ip::make_address(host, ec);
  if (!ec && ip.is_unspecified()) return {};
  return host;
}

SelfRegistration::SelfRegistration(const net::any_io_executor& executor, consul::AgentConfig agent,
                                   SelfRegistrationSpec spec, RegistrationTiming timing)
    : agent_{executor, std::move(agent)},
      spec_{std::move(spec)},
      timing_{timing},
      timer_{executor} {
  agent_.set_request_timeout(timing_.request_timeout);
}

void SelfRegistration::start() {
  running_ = true;
  // run() ends only after stop() (or by a surprise exception): either way `done_` runs here.
  net::co_spawn(timer_.get_executor(), run(), [this](const std::exception_ptr& e) {
    running_ = false;
    if (e) {
      log_fields(spdlog::level::err, LogFields{}
                                         .add("event", "registration_crashed")
                                         .add_quoted("error", common::exception_text(e)));
    }
    if (stopping_ && done_) done_();
  });
}

void SelfRegistration::stop(std::function<void()> done) {
  done_ = std::move(done);
  stopping_ = true;
  if (!running_) {
    net::post(timer_.get_executor(), [this] { done_(); });
    return;
  }
  timer_.cancel();  // run() notices stopping_ after its current step and deregisters
}

net::awaitable<void> SelfRegistration::run() {
  co_await register_now("start");
  auto next_heartbeat = steady::now() + timing_.heartbeat;
  auto next_reconcile = steady::now() + timing_.reconcile;
  while (!stopping_) {
    timer_.expires_at(std::min(next_heartbeat, next_reconcile));
    co_await timer_.async_wait(tok);
    if (stopping_) break;
    const auto now = steady::now();
    if (now >= next_heartbeat) {
      co_await heartbeat();
      next_heartbeat = steady::now() + timing_.heartbeat;
    }
    if (!stopping_ && now >= next_reconcile) {
      co_await reconcile();
      next_reconcile = steady::now() + timing_.reconcile;
    }
  }
  co_await deregister();
}

net::awaitable<void> SelfRegistration::register_now(std::string_view reason) {
  const auto id = proxy_service_id(spec_);
  auto registration = proxy_registration(spec_);  // a named local: see agent_client.hpp
  auto r = co_await agent_.register_service(std::move(registration), false);
  r ? report_answer() : report_failure(r.error());
  if (!r) {
    log_failure(spdlog::level::warn, "register_failed", id, r.error());
    co_return;
  }
  log_fields(spdlog::level::info, LogFields{}
                                      .add("event", "registered")
                                      .add("reason", reason)
                                      .add("id", id)
                                      .add("service", spec_.service + "-proxy")
                                      .add("address", spec_.address)
                                      .add("port", std::uint64_t{spec_.port})
                                      .add("check", proxy_check_id(spec_)));
}

// As Consul's monitor: register again when the agent's copy is missing or differs.
net::awaitable<void> SelfRegistration::reconcile() {
  const auto id = proxy_service_id(spec_);
  auto current = co_await agent_.agent_service(id);
  current || current.error().is_status(404) ? report_answer() : report_failure(current.error());
  if (current) {
    if (current->value.port == spec_.port && current->value.address == spec_.address) co_return;
    co_await register_now("changed");
  } else if (current.error().is_status(404)) {
    co_await register_now("missing");
  } else {
    log_failure(spdlog::level::warn, "reconcile_failed", id, current.error());
  }
}

net::awaitable<void> SelfRegistration::heartbeat() {
  auto r = co_await agent_.pass_ttl_check(proxy_check_id(spec_), "");
  r ? report_answer() : report_failure(r.error());
  if (r) co_return;
  // The agent answered but refused: it does not know the check (restarted, or the service was
  // removed). Transport errors just wait for the next beat.
  if (r.error().kind == consul::ApiErrorKind::status) {
    log_failure(spdlog::level::warn, "heartbeat_refused", proxy_service_id(spec_), r.error());
    co_await reconcile();
    co_return;
  }
  log_failure(spdlog::level::warn, "heartbeat_failed", proxy_service_id(spec_), r.error());
}

net::awaitable<void> SelfRegistration::deregister() {
  const auto id = proxy_service_id(spec_);
  for (int attempt = 1; attempt <= kDeregisterAttempts; ++attempt) {
    auto r = co_await agent_.deregister_service(id);
    if (r) {
      log_fields(spdlog::level::info, LogFields{}.add("event", "deregistered").add("id", id));
      co_return;
    }
    log_failure(spdlog::level::warn, "deregister_failed", id, r.error());
    if (attempt == kDeregisterAttempts) break;
    timer_.expires_after(timing_.deregister_retry);
    co_await timer_.async_wait(tok);
  }
}

void SelfRegistration::report_answer() {
  if (health_) health_->success("self_registration");
}

void SelfRegistration::report_failure(const consul::ApiError& error) {
  if (health_) health_->failure("self_registration", error.message());
}

}  // namespace gatehouse::proxy
