#include "proxy/run_sidecar.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <functional>
#include <memory>

#include "common/exception_text.hpp"
#include "consul/agent_client.hpp"
#include "consul/http_client.hpp"
#include "proxy/authorization.hpp"
#include "proxy/logger.hpp"
#include "proxy/registration_config.hpp"
#include "proxy/sidecar.hpp"
#include "proxy/worker_pool.hpp"

namespace gatehouse::proxy {
namespace {

void log_start_failed(std::string_view reason) {
  log_fields(spdlog::level::err,
             LogFields{}.add("event", "start_failed").add_quoted("reason", reason));
}

// Once the drain is over the process only exits: a SIGTERM or SIGINT arriving now (an
// orchestrator repeating itself) must not turn a clean exit 0 into death by signal. Called after
// the signal_set is gone, since removing it restores the default action.
void ignore_late_stop_signals() {
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
}

void log_stopping(int signo) {
  log_fields(spdlog::level::info,
             LogFields{}.add("event", "stopping").add("signal", std::int64_t{signo}));
}

void log_stopped() { log_fields(spdlog::level::info, LogFields{}.add("event", "stopped")); }

// What both ways of running share. The members are built in this order and torn down in reverse:
// the workers with their authorizers outlive the control context (see Sidecar).
struct SidecarProcess {
  SidecarProcess(const ProxyConfig& config, const consul::AgentConfig& agent)
      : authz{std::make_shared<Authorization>(config.authz, agent, config.timeouts.authorize)},
        pool{std::make_unique<WorkerPool>(
            config.workers,
            [authz = authz.get()](net::any_io_executor ex) {
              return authz->make_authorizer(std::move(ex));
            },
            config.max_handshakes)},
        sidecar{control, agent, *pool, authz} {}

  // Runs the control context until it has no work left (the drain is over, or a start failed);
  // `on_stop` handles the first SIGTERM or SIGINT.
  void run(const std::function<void(int signo)>& on_stop) {
    {
      net::signal_set signals{control, SIGINT, SIGTERM};
      signals.async_wait([&on_stop](const error_code& ec, int signo) {
        if (!ec) on_stop(signo);
      });
      control.run();
    }
    ignore_late_stop_signals();
  }

  std::shared_ptr<Authorization> authz;
  std::unique_ptr<WorkerPool> pool;
  net::io_context control{1};
  Sidecar sidecar;
};

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
  SidecarProcess process{config, agent};
  if (auto started = process.sidecar.start(config); !started) {
    log_start_failed(started.error());
    return 1;
  }
  process.run([&sidecar = process.sidecar](int signo) {
    log_stopping(signo);
    sidecar.shutdown();
  });
  log_stopped();
  return 0;
}

int run_sidecar_from_agent(const AgentSource& source, const ProxyConfig& base,
                           const consul::AgentConfig& agent) {
  consul::init_http_globally();
  SidecarProcess process{base, agent};
  net::io_context& control = process.control;
  Sidecar& sidecar = process.sidecar;
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
        if (error) fail("looking up the proxy registration: " + common::exception_text(error));
      });

  process.run([&](int signo) {
    registration.stop();
    if (!sidecar.started()) {
      control.stop();
      return;
    }
    log_stopping(signo);
    sidecar.shutdown();
  });
  if (exit_code == 0) log_stopped();
  return exit_code;
}

}  // namespace gatehouse::proxy
