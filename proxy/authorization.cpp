#include "proxy/authorization.hpp"

namespace gatehouse::proxy {

Authorization::Authorization(AuthzConfig config, consul::AgentConfig agent,
                             std::chrono::milliseconds authorize_timeout)
    : config_(config), agent_(std::move(agent)), authorize_timeout_(authorize_timeout) {
  if (config_.mode == AuthzMode::local) {
    local_ = std::make_shared<LocalAuthzShared>();
  } else if (config_.fail == AuthzFail::last_known) {
    stale_ = std::make_shared<StaleVerdicts>(config_.stale_max);
  }
}

std::shared_ptr<Authorizer> Authorization::make_authorizer(boost::asio::any_io_executor worker) {
  AgentAnswerSinks sinks{&reachability_, stale_};
  auto agent = std::make_shared<AgentAuthorizer>(worker, agent_, authorize_timeout_, sinks);
  if (config_.mode == AuthzMode::agent) return agent;
  return std::make_shared<LocalAuthorizer>(std::move(worker), local_, std::move(agent), config_);
}

void Authorization::start(const boost::asio::any_io_executor& control, const std::string& service,
                          consul::BlockingOptions watch_options,
                          std::shared_ptr<WatchHealth> health) {
  const bool local = config_.mode == AuthzMode::local;
  if ((!local && !config_.revoke) || watch_) return;
  watch_ = std::make_shared<IntentionWatch>(control, agent_, service, reachability_, watch_options);
  if (local) local_->watch = watch_;
  // A change makes every remembered agent answer suspect: last-known must not admit a caller the
  // new intentions deny while the agent is away.
  watch_->on_change([stale = stale_, next = on_change_](const auto& set) {
    if (stale) stale->forget_all();
    if (next) next(set);
  });
  if (health) watch_->report_to(std::move(health));
  watch_->start();
}

void Authorization::stop() {
  if (watch_) watch_->stop();
}

void Authorization::release() {
  if (local_) local_->watch.reset();
  watch_.reset();
}

std::optional<std::string> Authorization::unready_reason() const {
  const bool local = config_.mode == AuthzMode::local;
  std::optional<AgentReachability::Outage> outage;
  if (local) {
    if (watch_) outage = watch_->outage();  // what local decisions depend on
  } else {
    outage = reachability_.outage();
  }
  if (!outage) return std::nullopt;
  const auto age = AgentReachability::Clock::now() - outage->since;
  const bool remembered = local ? watch_->current() != nullptr : true;
  if (config_.fail == AuthzFail::last_known && remembered && age <= config_.stale_max) {
    return std::nullopt;
  }
  return "agent unreachable: " + outage->error;
}

}  // namespace gatehouse::proxy
