#include "proxy/sidecar.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <memory>
#include <optional>

#include "consul/agent_client.hpp"
#include "consul/http_client.hpp"
#include "proxy/admin_server.hpp"
#include "proxy/authorization.hpp"
#include "proxy/inbound_connection.hpp"
#include "proxy/intention_recheck.hpp"
#include "proxy/listener_set.hpp"
#include "proxy/logger.hpp"
#include "proxy/registration_config.hpp"
#include "proxy/runtime.hpp"
#include "proxy/self_registration.hpp"
#include "proxy/service_notify.hpp"
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

// Says every 10 s how many log lines the full queue dropped since it last said so (the queue
// never blocks a worker; this is the price, and it must be visible).
class LogDropReporter {
 public:
  explicit LogDropReporter(net::io_context& control) : timer_(control) {}

  void start() {
    timer_.expires_after(std::chrono::seconds{10});
    timer_.async_wait([this](const error_code& ec) {
      if (ec) return;
      report();
      start();
    });
  }
  void stop() {
    timer_.cancel();
    report();
  }

 private:
  void report() {
    const std::uint64_t total = dropped_log_lines();
    if (total == reported_) return;
    log_fields(spdlog::level::warn, LogFields{}
                                        .add("event", "log_dropped")
                                        .add("dropped", total - reported_)
                                        .add("total", total)
                                        .add_quoted("reason", "log queue full; stdout too slow"));
    reported_ = total;
  }

  net::steady_timer timer_;
  std::uint64_t reported_ = 0;
};

// One running sidecar on the control io_context: started once with a complete configuration,
// then reconfigured through its ListenerSet.
class Sidecar {
 public:
  // `pool` must outlive `control`: operations still queued on the control context when it is
  // destroyed (an aborted accept onto a worker's context) refer to the workers' contexts.
  Sidecar(net::io_context& control, consul::AgentConfig agent, WorkerPool& pool,
          std::shared_ptr<Authorization> authz)
      : control_(control),
        agent_(std::move(agent)),
        runtime_(std::make_shared<Runtime>()),
        pool_(&pool),
        log_drops_(control) {
    runtime_->authz = std::move(authz);
  }

  ~Sidecar() {
    pool_->stop_and_join();
    runtime_->authz->release();
  }
  Sidecar(const Sidecar&) = delete;
  Sidecar& operator=(const Sidecar&) = delete;

  bool started() const { return listeners_ != nullptr; }
  std::shared_ptr<WatchHealth> watch_health() const { return {runtime_, &runtime_->watch_health}; }

  boost::system::result<void, std::string> start(const ProxyConfig& config) {
    runtime_->config = config;
    if (config.local_app.port != 0) {
      auto app = resolve_app(control_, config.local_app);
      if (!app) return app.error();
      runtime_->local_app = *app;
    }
    if (config.authz.revoke) {
      recheck_ = std::make_unique<IntentionRecheck>(control_.get_executor(), runtime_, agent_,
                                                    config.timeouts.authorize);
      runtime_->authz->on_intentions_change(
          [recheck = recheck_.get()](const std::shared_ptr<const IntentionSet>& set) {
            recheck->on_change(set);
          });
    }
    // Before the workers start: they read the watch without locking.
    runtime_->authz->start(control_.get_executor(), config.service, intention_watch_options(),
                           watch_health());
    if (config.admin && config.decisions_buffer > 0) {
      runtime_->decisions = std::make_shared<DecisionStream>(config.decisions_buffer);
      runtime_->observers.add([decisions = runtime_->decisions](const ConnRecord& record) {
        decisions->publish(record);
      });
    }
    // Observers first: they are only read once the workers run.
    runtime_->observers.add(
        [metrics = &runtime_->metrics](const ConnRecord& record) { metrics->observe(record); });
    pool_->start();
    log_drops_.start();
    listeners_ = std::make_unique<ListenerSet>(control_.get_executor(), agent_, runtime_, *pool_);
    // Upstreams accept at once; the public listener (bound now, so a port conflict fails at
    // startup) accepts only once leaf and roots are loaded.
    if (auto applied = listeners_->apply(config); !applied) return applied.error();
    // -admin-addr serves from the start (503 until ready).
    if (config.admin) {
      auto admin = AdminServer::bind(control_.get_executor(), *config.admin, runtime_);
      if (!admin) return admin.error();
      admin_ = std::move(*admin);
      admin_->start();
    }
    material_ = std::make_unique<TlsMaterial>(control_.get_executor(), agent_, config.service,
                                              runtime_->server_tls, runtime_->client_tls, [this] {
                                                listeners_->tls_ready();
                                                runtime_->ready = true;
                                                notify_service_manager("READY=1");
                                              });
    material_->report_to(watch_health(), [metrics = &runtime_->metrics](auto roots) {
      metrics->set_roots(std::move(roots));
    });
    material_->start();
    // -register announces the port actually bound (port 0 in -listen picks one).
    if (const auto bound = listeners_->public_endpoint(); config.register_self && bound) {
      SelfRegistrationSpec spec{config.service, config.register_id,
                                registration_address(config.listen.host), bound->port()};
      registration_ = std::make_unique<SelfRegistration>(control_.get_executor(), agent_, spec);
      registration_->report_to(watch_health());
      registration_->start();
    }
    return {};
  }

  // A changed configuration: listeners follow it; what the running data path reads once at
  // startup (service, app address, timeouts) needs a restart and is logged as such.
  void reconfigure(const ProxyConfig& next) {
    const ProxyConfig& now = runtime_->config;
    std::string ignored;
    if (next.service != now.service) ignored += " service";
    if (next.local_app != now.local_app) ignored += " local_app";
    if (next.timeouts.handshake != now.timeouts.handshake ||
        next.timeouts.local_connect != now.timeouts.local_connect) {
      ignored += " timeouts";
    }
    if (!ignored.empty()) {
      log_fields(spdlog::level::warn,
                 LogFields{}
                     .add("event", "config_restart_needed")
                     .add_quoted("changed", ignored.substr(1))
                     .add_quoted("reason", "read once at startup; restart the proxy to apply"));
    }
    if (auto applied = listeners_->apply(next); !applied) {
      log_fields(spdlog::level::err,
                 LogFields{}.add("event", "listener_failed").add_quoted("reason", applied.error()));
    }
  }

  // SIGTERM/SIGINT: stop accepting, drain, stop the watches and workers, end control.run().
  // Deregistration runs alongside the drain (callers stop finding us while we finish); the
  // process stops when both are done.
  void shutdown() {
    runtime_->draining = true;
    notify_service_manager("STOPPING=1");
    if (runtime_->decisions) runtime_->decisions->close();  // followers end; they hold no drain
    if (listeners_) listeners_->stop();
    auto pending = std::make_shared<int>(registration_ ? 2 : 1);
    auto finish_one = [this, pending] {
      if (--*pending > 0) return;
      if (material_) material_->stop();
      runtime_->authz->stop();
      if (admin_) admin_->stop();
      pool_->stop_and_join();
      log_drops_.stop();
      control_.stop();
    };
    if (registration_) registration_->stop(finish_one);
    drain_.emplace(control_, runtime_);
    drain_->begin(finish_one);
  }

 private:
  net::io_context& control_;
  consul::AgentConfig agent_;
  std::shared_ptr<Runtime> runtime_;
  WorkerPool* pool_;
  std::unique_ptr<ListenerSet> listeners_;
  std::unique_ptr<TlsMaterial> material_;
  std::unique_ptr<AdminServer> admin_;
  std::unique_ptr<SelfRegistration> registration_;
  std::unique_ptr<IntentionRecheck> recheck_;  // -revoke
  std::optional<Drain> drain_;
  LogDropReporter log_drops_;
};

// Workers with their authorizers; created before the control context (see Sidecar).
std::unique_ptr<WorkerPool> make_pool(const ProxyConfig& config, Authorization& authz) {
  return std::make_unique<WorkerPool>(
      config.workers,
      [&authz](net::any_io_executor ex) { return authz.make_authorizer(std::move(ex)); },
      config.max_handshakes);
}

// Once the drain is over the process only exits: a SIGTERM or SIGINT arriving now (an
// orchestrator repeating itself) must not turn a clean exit 0 into death by signal. Called after
// the signal_set is gone, since removing it restores the default action.
void ignore_late_stop_signals() {
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
}

// Ends control.run() on SIGTERM/SIGINT through the sidecar's drain.
void on_signal(net::signal_set& signals, Sidecar& sidecar) {
  signals.async_wait([&sidecar](const error_code& ec, int signo) {
    if (ec) return;
    log_fields(spdlog::level::info,
               LogFields{}.add("event", "stopping").add("signal", std::int64_t{signo}));
    sidecar.shutdown();
  });
}

// -sidecar-for: the proxy's own service ID, looked up once like Consul does.
net::awaitable<boost::system::result<std::string, std::string>> lookup_proxy_id(
    consul::AgentClient& agent, const AgentSource& source) {
  using R = boost::system::result<std::string, std::string>;
  if (!source.proxy_id.empty()) co_return R{boost::system::in_place_value, source.proxy_id};
  auto services = co_await agent.agent_services();
  if (!services) {
    co_return R{boost::system::in_place_error, "Failed looking up sidecar proxy info for " +
                                                   source.sidecar_for + ": " +
                                                   services.error().message()};
  }
  co_return find_sidecar_proxy_id(*services, source.sidecar_for);
}

void log_config(const std::string& proxy_id, const RegistrationConfig& mapped) {
  for (const auto& warning : mapped.warnings) {
    log_fields(spdlog::level::warn, LogFields{}
                                        .add("event", "config_warning")
                                        .add("proxy_id", proxy_id)
                                        .add_quoted("reason", warning));
  }
  const ProxyConfig& c = mapped.config;
  log_fields(spdlog::level::info,
             LogFields{}
                 .add("event", "config")
                 .add("source", "agent")
                 .add("proxy_id", proxy_id)
                 .add("service", c.service)
                 .add("listen", c.has_listener ? c.listen.host + ":" + std::to_string(c.listen.port)
                                               : std::string{"none"})
                 .add("upstreams", std::uint64_t{c.upstreams.size()}));
}

}  // namespace

int run_sidecar(const ProxyConfig& config, const consul::AgentConfig& agent) {
  consul::init_http_globally();
  auto authz = std::make_shared<Authorization>(config.authz, agent, config.timeouts.authorize);
  const auto pool = make_pool(config, *authz);
  net::io_context control{1};
  Sidecar sidecar{control, agent, *pool, authz};
  if (auto started = sidecar.start(config); !started) {
    log_start_failed(started.error());
    return 1;
  }
  {
    net::signal_set signals{control, SIGINT, SIGTERM};
    on_signal(signals, sidecar);
    control.run();
  }
  ignore_late_stop_signals();
  log_fields(spdlog::level::info, LogFields{}.add("event", "stopped"));
  return 0;
}

int run_sidecar_from_agent(const AgentSource& source, const ProxyConfig& base,
                           const consul::AgentConfig& agent) {
  consul::init_http_globally();
  auto authz = std::make_shared<Authorization>(base.authz, agent, base.timeouts.authorize);
  const auto pool = make_pool(base, *authz);
  net::io_context control{1};
  Sidecar sidecar{control, agent, *pool, authz};
  consul::AgentClient client{control.get_executor(), agent};
  int exit_code = 0;
  const auto fail = [&](std::string_view reason) {
    log_start_failed(reason);
    exit_code = 1;
    control.stop();
  };
  std::string proxy_id;

  consul::Watch<consul::AgentService> registration{
      control.get_executor(), consul::BlockingMode::hash,
      [&](const consul::BlockingParams& p) {
        return client.agent_service(proxy_id, consul::to_query(p));
      },
      [&](const consul::Blocking<consul::AgentService>& service) {
        auto mapped = config_from_registration(service.value, base);
        if (!mapped) {
          if (!sidecar.started()) return fail(mapped.error());
          log_fields(spdlog::level::err, LogFields{}
                                             .add("event", "config_invalid")
                                             .add("proxy_id", proxy_id)
                                             .add_quoted("reason", mapped.error()));
          return;
        }
        log_config(proxy_id, *mapped);
        if (sidecar.started()) return sidecar.reconfigure(mapped->config);
        if (auto started = sidecar.start(mapped->config); !started) fail(started.error());
      },
      [&](const consul::ApiError& e, consul::milliseconds retry) {
        log_fields(spdlog::level::warn, LogFields{}
                                            .add("event", "watch_failed")
                                            .add("watch", "registration")
                                            .add("proxy_id", proxy_id)
                                            .add_quoted("error", e.message())
                                            .add("retry_ms", std::int64_t{retry.count()}));
      }};

  net::co_spawn(
      control,
      [&]() -> net::awaitable<void> {
        auto id = co_await lookup_proxy_id(client, source);
        if (!id) {
          fail(id.error());
          co_return;
        }
        proxy_id = *id;
        report_health(registration, sidecar.watch_health(), "registration");
        registration.start();
      },
      // An exception here would otherwise vanish and leave the process waiting for a start that
      // never comes; it fails the start instead.
      [&](const std::exception_ptr& error) {
        if (!error) return;
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          fail(std::string{"looking up the proxy registration: "} + e.what());
        }
      });

  {
    net::signal_set signals{control, SIGINT, SIGTERM};
    signals.async_wait([&](const error_code& ec, int signo) {
      if (ec) return;
      registration.stop();
      if (!sidecar.started()) {
        control.stop();
        return;
      }
      log_fields(spdlog::level::info,
                 LogFields{}.add("event", "stopping").add("signal", std::int64_t{signo}));
      sidecar.shutdown();
    });
    control.run();
  }
  ignore_late_stop_signals();
  if (exit_code == 0) log_fields(spdlog::level::info, LogFields{}.add("event", "stopped"));
  return exit_code;
}

}  // namespace gatehouse::proxy
