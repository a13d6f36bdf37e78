#include "proxy/sidecar.hpp"

#include <boost/asio/ip/tcp.hpp>

#include "proxy/admin_server.hpp"
#include "proxy/intention_recheck.hpp"
#include "proxy/listener_set.hpp"
#include "proxy/logger.hpp"
#include "proxy/self_registration.hpp"
#include "proxy/service_notify.hpp"
#include "proxy/tls_material.hpp"

namespace gatehouse::proxy {
namespace {

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

}  // namespace

Sidecar::Sidecar(net::io_context& control, consul::AgentConfig agent, WorkerPool& pool,
                 std::shared_ptr<Authorization> authz)
    : control_(control),
      agent_(std::move(agent)),
      runtime_(std::make_shared<Runtime>()),
      pool_(&pool),
      log_drops_(control) {
  runtime_->authz = std::move(authz);
}

Sidecar::~Sidecar() {
  pool_->stop_and_join();
  runtime_->authz->release();
}

boost::system::result<void, std::string> Sidecar::start(const ProxyConfig& config) {
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
                                              // Material that arrives during a drain opens
                                              // nothing and announces nothing.
                                              if (runtime_->draining) return;
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

void Sidecar::reconfigure(const ProxyConfig& next) {
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

void Sidecar::shutdown() {
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

}  // namespace gatehouse::proxy
