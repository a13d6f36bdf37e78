#include "proxy/sidecar.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <memory>

#include "consul/http_client.hpp"
#include "proxy/admin_server.hpp"
#include "proxy/agent_authorizer.hpp"
#include "proxy/inbound_connection.hpp"
#include "proxy/inbound_listener.hpp"
#include "proxy/logger.hpp"
#include "proxy/runtime.hpp"
#include "proxy/self_registration.hpp"
#include "proxy/tls_material.hpp"
#include "proxy/worker_pool.hpp"

namespace gatehouse::proxy {
namespace {

void log_start_failed(std::string_view reason) {
  log_fields(spdlog::level::err,
             LogFields{}.add("event", "start_failed").add_quoted("reason", reason));
}

boost::system::result<tcp::endpoint, std::string> resolve_app(net::io_context& ioc,
                                                              const HostPort& app) {
  tcp::resolver resolver{ioc};
  error_code ec;
  auto results = resolver.resolve(app.host, std::to_string(app.port), ec);
  if (ec || results.empty()) {
    return "cannot resolve -service-addr " + app.host + ": " +
           (ec ? ec.message() : std::string{"no address"});
  }
  return results.begin()->endpoint();
}

// SIGTERM/SIGINT: stop accepting, give open connections `drain` to finish, cancel the rest,
// then stop everything. Runs on the control thread.
class Drain {
 public:
  Drain(net::io_context& control, std::shared_ptr<Runtime> runtime)
      : control_(control), runtime_(std::move(runtime)), timer_(control) {}

  // `done` runs on the control thread once no connection is left (or the last bound passed).
  void begin(std::function<void()> done) {
    done_ = std::move(done);
    const auto open = runtime_->registry.size();
    log_fields(spdlog::level::info,
               LogFields{}
                   .add("event", "draining")
                   .add("open", std::uint64_t{open})
                   .add("drain_ms", std::int64_t{runtime_->config.timeouts.drain.count()}));
    runtime_->registry.on_empty([this] { net::post(control_, [this] { timer_.cancel(); }); });
    if (open == 0) return finish();
    timer_.expires_after(runtime_->config.timeouts.drain);
    timer_.async_wait([this](error_code) { after_drain_window(); });
  }

 private:
  void after_drain_window() {
    const auto left = runtime_->registry.size();
    if (left == 0) return finish();
    log_fields(spdlog::level::warn,
               LogFields{}.add("event", "drain_timeout").add("cancelled", std::uint64_t{left}));
    runtime_->registry.cancel_all();
    // Cancelled connections end after their bounded close_notify.
    timer_.expires_after(runtime_->config.timeouts.tls_shutdown + std::chrono::seconds{1});
    timer_.async_wait([this](error_code) { finish(); });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    runtime_->registry.on_empty({});
    if (done_) done_();
  }

  net::io_context& control_;
  std::shared_ptr<Runtime> runtime_;
  net::steady_timer timer_;
  std::function<void()> done_;
  bool finished_ = false;
};

}  // namespace

int run_sidecar(const ProxyConfig& config, const consul::AgentConfig& agent) {
  consul::init_http_globally();
  net::io_context control{1};
  auto runtime = std::make_shared<Runtime>();
  runtime->config = config;

  std::unique_ptr<InboundListener> listener;
  if (config.has_listener) {
    auto app = resolve_app(control, config.local_app);
    if (!app) {
      log_start_failed(app.error());
      return 1;
    }
    runtime->local_app = *app;
    auto bound = InboundListener::bind(control.get_executor(), config.listen);
    if (!bound) {
      log_start_failed(bound.error());
      return 1;
    }
    listener = std::move(*bound);
  }

  // -admin-addr serves from the start (503 until ready); -register announces the bound port.
  std::unique_ptr<AdminServer> admin;
  if (config.admin) {
    auto bound = AdminServer::bind(control.get_executor(), *config.admin, runtime);
    if (!bound) {
      log_start_failed(bound.error());
      return 1;
    }
    admin = std::move(*bound);
    admin->start();
  }
  std::unique_ptr<SelfRegistration> registration;
  if (config.register_self && listener) {
    SelfRegistrationSpec spec{config.service, config.register_id,
                              registration_address(config.listen.host),
                              listener->local_endpoint().port()};
    registration = std::make_unique<SelfRegistration>(control.get_executor(), agent, spec);
    registration->start();
  }

  WorkerPool pool{config.workers, [&agent, &config](net::any_io_executor ex) {
                    return std::make_shared<AgentAuthorizer>(std::move(ex), agent,
                                                             config.timeouts.authorize);
                  }};
  pool.start();

  // The public listener accepts only once leaf and roots are loaded (bound earlier, so a port
  // conflict fails at startup; connections wait in the backlog meanwhile).
  TlsMaterial material{
      control.get_executor(), agent, config.service, runtime->server_tls, runtime->client_tls, [&] {
        if (!listener) {
          runtime->ready = true;
          return;
        }
        listener->start(runtime, pool);
        runtime->ready = true;
        log_fields(spdlog::level::info,
                   LogFields{}
                       .add("event", "listening")
                       .add("listener", "public")
                       .add("addr", format_endpoint(listener->local_endpoint()))
                       .add("service", config.service)
                       .add("workers", std::uint64_t{pool.size()}));
      }};
  material.start();

  Drain drain{control, runtime};
  net::signal_set signals{control, SIGINT, SIGTERM};
  signals.async_wait([&](const error_code& ec, int signo) {
    if (ec) return;
    log_fields(spdlog::level::info,
               LogFields{}.add("event", "stopping").add("signal", std::int64_t{signo}));
    runtime->draining = true;
    if (listener) listener->stop();
    // Deregistration runs alongside the drain (callers stop finding us while we finish);
    // the process stops when both are done.
    auto pending = std::make_shared<int>(registration ? 2 : 1);
    auto finish_one = [&, pending] {
      if (--*pending > 0) return;
      material.stop();
      if (admin) admin->stop();
      pool.stop_and_join();
      control.stop();
    };
    if (registration) registration->stop(finish_one);
    drain.begin(finish_one);
  });
  control.run();
  log_fields(spdlog::level::info, LogFields{}.add("event", "stopped"));
  return 0;
}

}  // namespace gatehouse::proxy
