#include "proxy/intention_recheck.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <map>
#include <string>

#include "proxy/local_authorizer.hpp"
#include "proxy/logger.hpp"

namespace gatehouse::proxy {

namespace net = boost::asio;

struct IntentionRecheck::State {
  State(const net::any_io_executor& control, std::shared_ptr<Runtime> rt,
        const consul::AgentConfig& agent_config, std::chrono::milliseconds timeout)
      : executor(control), runtime(rt), agent(control, agent_config, timeout) {}

  net::any_io_executor executor;
  std::shared_ptr<Runtime> runtime;
  AgentAuthorizer agent;
  std::shared_ptr<const IntentionSet> latest;
  bool running = false;  // a pass is under way; `latest` is picked up when it ends
};

namespace {

using StatePtr = std::shared_ptr<IntentionRecheck::State>;

// What the agent says now about every open connection the new intentions may deny, by caller
// (one authorize per distinct caller identity, not per connection).
net::awaitable<std::map<std::string, Verdict>> confirmations(StatePtr state,
                                                             const IntentionSet& set) {
  std::map<std::string, Verdict> by_caller;
  const bool local_mode = state->runtime->config.authz.mode == AuthzMode::local;
  for (const OpenInbound& open : state->runtime->registry.open_inbound()) {
    const auto* caller = open.peer.id.service();
    if (caller == nullptr) continue;
    const auto local = decide_locally(set.decisions, *caller, DecisionSource::local);
    if (local && local->allowed) continue;  // still allowed by a matching intention
    const std::string uri = open.peer.id.to_string();
    if (by_caller.contains(uri)) continue;
    Verdict asked = co_await state->agent.check(open.peer, state->runtime->config.service);
    // The agent could not decide: a local-mode sidecar stands by its own matched denial.
    if (!decided_by_intentions(asked) && local_mode && local) asked = *local;
    by_caller.emplace(uri, std::move(asked));
  }
  co_return by_caller;
}

net::awaitable<void> recheck_until_current(StatePtr state) {
  while (state->latest) {
    const auto set = std::move(state->latest);
    state->latest.reset();
    const auto verdicts = co_await confirmations(state, *set);
    Revoker revoker{state->runtime, [&verdicts](const OpenInbound& open) {
                      const auto it = verdicts.find(open.peer.id.to_string());
                      if (it != verdicts.end()) return it->second;
                      return Verdict{true, "still allowed", DecisionSource::local, "unchanged"};
                    }};
    const std::size_t revoked = revoker.recheck_all();
    if (revoked > 0) {
      log_fields(spdlog::level::info, LogFields{}
                                          .add("event", "revoked")
                                          .add("index", set->index)
                                          .add("connections", std::uint64_t{revoked}));
    }
  }
  state->running = false;
}

}  // namespace

IntentionRecheck::IntentionRecheck(const net::any_io_executor& control,
                                   std::shared_ptr<Runtime> runtime,
                                   const consul::AgentConfig& agent,
                                   std::chrono::milliseconds authorize_timeout)
    : state_(std::make_shared<State>(control, std::move(runtime), agent, authorize_timeout)) {}

void IntentionRecheck::on_change(std::shared_ptr<const IntentionSet> set) {
  state_->latest = std::move(set);
  if (state_->running) return;
  state_->running = true;
  net::co_spawn(state_->executor, recheck_until_current(state_), net::detached);
}

}  // namespace gatehouse::proxy
