#include "proxy/local_authorizer.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>

#include "consul/caller_service.hpp"
#include "consul/intention_decision.hpp"
#include "proxy/logger.hpp"

namespace gatehouse::proxy {

namespace net = boost::asio;

std::optional<Verdict> decide_locally(const IntentionIndex& intentions,
                                      const tls::ServiceIdentity& caller, DecisionSource source) {
  const Verdict* found = intentions.decide(consul::caller_service(caller));
  if (found == nullptr) return std::nullopt;
  Verdict verdict = *found;
  verdict.source = source;
  return verdict;
}

LocalAuthorizer::LocalAuthorizer(net::any_io_executor executor,
                                 std::shared_ptr<LocalAuthzShared> shared,
                                 std::shared_ptr<AgentAuthorizer> agent, AuthzConfig config)
    : executor_(std::move(executor)),
      shared_(std::move(shared)),
      agent_(std::move(agent)),
      config_(config),
      random_(std::random_device{}()) {}

LocalAuthorizer::Basis LocalAuthorizer::basis() const {
  Basis b;
  if (!shared_->watch) {
    b.why_not = "authz_unavailable: the intention watch has not started";
    return b;
  }
  auto set = shared_->watch->current();
  const auto outage = shared_->watch->outage();
  if (!outage) {
    if (!set) b.why_not = "authz_unavailable: the intentions have not been read from the agent yet";
    b.set = std::move(set);
    return b;
  }
  b.why_not = "authz_unavailable: the intentions cannot be read from the agent: " + outage->error;
  if (config_.fail != AuthzFail::last_known || !set) return b;
  const auto age = AgentReachability::Clock::now() - outage->since;
  if (age > config_.stale_max) {
    b.why_not += " (last-known intentions older than -authz-stale-max)";
    return b;
  }
  b.set = std::move(set);
  b.source = DecisionSource::stale;
  return b;
}

net::awaitable<Verdict> LocalAuthorizer::check(const tls::PeerIdentity& peer,
                                               const std::string& target) {
  const auto* caller = peer.id.service();
  if (caller == nullptr) {
    co_return Verdict{
        false, "identity: peer certificate is not a service identity", DecisionSource::local, {}};
  }
  Basis b = basis();
  if (!b.set) co_return Verdict{false, std::move(b.why_not), DecisionSource::local, {}};
  auto verdict = decide_locally(b.set->decisions, *caller, b.source);
  if (!verdict) co_return co_await no_match(peer, target, b.source);
  if (b.source == DecisionSource::local) maybe_verify(peer, target, *verdict);
  co_return std::move(*verdict);
}

net::awaitable<Verdict> LocalAuthorizer::no_match(const tls::PeerIdentity& peer,
                                                  const std::string& target,
                                                  DecisionSource source) {
  auto& learned = shared_->no_match_default;
  const auto known = source == DecisionSource::stale ? learned.any() : learned.fresh();
  if (known) co_return Verdict{known->allowed, known->reason, source, "default"};
  if (source == DecisionSource::stale) {
    co_return Verdict{false,
                      "authz_unavailable: no intention matches and the agent's default is not "
                      "known (the agent cannot be asked)",
                      source,
                      {}};
  }
  Verdict asked = co_await agent_->check(peer, target);
  if (asked.intention == "default") learned.learn({asked.allowed, asked.reason});
  co_return asked;
}

void LocalAuthorizer::maybe_verify(const tls::PeerIdentity& peer, const std::string& target,
                                   const Verdict& local) {
  if (config_.verify_rate <= 0.0) return;
  if (std::uniform_real_distribution<double>{0.0, 1.0}(random_) >= config_.verify_rate) return;
  // After answering: the connection does not wait for the agent.
  net::co_spawn(
      executor_,
      [agent = agent_, shared = shared_, peer, target, local]() -> net::awaitable<void> {
        const Verdict asked = co_await agent->check(peer, target);
        if (asked.intention.empty()) co_return;  // the agent gave no decision: nothing to compare
        shared->verified.fetch_add(1, std::memory_order_relaxed);
        if (asked.allowed == local.allowed && asked.reason == local.reason) co_return;
        shared->disagreements.fetch_add(1, std::memory_order_relaxed);
        log_fields(spdlog::level::err, LogFields{}
                                           .add("event", "authz_disagreement")
                                           .add("src", peer.id.to_string())
                                           .add("dst_service", target)
                                           .add("local_allowed", local.allowed ? "true" : "false")
                                           .add_quoted("local_reason", local.reason)
                                           .add("agent_allowed", asked.allowed ? "true" : "false")
                                           .add_quoted("agent_reason", asked.reason));
      },
      net::detached);
}

}  // namespace gatehouse::proxy
