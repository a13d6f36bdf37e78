#include "proxy/intention_recheck.hpp"

#include <boost/asio/co_spawn.hpp>
#include <exception>
#include <map>
#include <set>
#include <string>

#include "common/exception_text.hpp"
#include "proxy/local_authorizer.hpp"
#include "proxy/logger.hpp"

namespace gatehouse::proxy {

namespace net = boost::asio;

struct IntentionRecheck::State {
  State(const net::any_io_executor& control, std::shared_ptr<Runtime> rt,
        const consul::AgentConfig& agent_config, std::chrono::milliseconds timeout)
      : executor(control),
        runtime(rt),
        agent(control, agent_config, timeout),
        revoker(rt, [this](const OpenInbound& open) { return verdict_now(open); }) {}

  // What a pass decided for `open` (see recheck_until_current).
  Verdict verdict_now(const OpenInbound& open);

  net::any_io_executor executor;
  std::shared_ptr<Runtime> runtime;
  AgentAuthorizer agent;
  // One Revoker for every pass: under -audit it reports each connection once, not per change.
  Revoker revoker;
  std::shared_ptr<const IntentionSet> latest;
  bool running = false;  // a pass is under way; `latest` is picked up when it ends
  // The pass in progress: the set, the confirmed verdicts by caller, the connections it listed.
  std::shared_ptr<const IntentionSet> deciding;
  std::map<std::string, Verdict> confirmed;
  std::set<std::uint64_t> listed;
  bool missed = false;  // a connection admitted during the pass that the set denies
};

Verdict IntentionRecheck::State::verdict_now(const OpenInbound& open) {
  if (const auto it = confirmed.find(open.peer.id.to_string()); it != confirmed.end()) {
    return it->second;
  }
  // Admitted after this pass listed the open connections (its decision may predate the set):
  // if the set denies it by an intention, one more pass confirms and revokes it.
  if (!listed.contains(open.conn_id)) {
    const auto* caller = open.peer.id.service();
    const auto local = caller != nullptr
                           ? decide_locally(deciding->decisions, *caller, DecisionSource::local)
                           : std::nullopt;
    if (local && !local->allowed) missed = true;
  }
  return Verdict{true, "still allowed", DecisionSource::local, "unchanged"};
}

namespace {

using StatePtr = std::shared_ptr<IntentionRecheck::State>;

// What the agent says now about every open connection the new intentions may deny, by caller
// (one authorize per distinct caller identity, not per connection).
net::awaitable<void> confirm(StatePtr state, const IntentionSet& set) {
  auto& by_caller = state->confirmed;
  by_caller.clear();
  state->listed.clear();
  state->missed = false;
  const bool local_mode = state->runtime->config.authz.mode == AuthzMode::local;
  for (const OpenInbound& open : state->runtime->registry.open_inbound()) {
    state->listed.insert(open.conn_id);
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
}

net::awaitable<void> recheck_until_current(StatePtr state) {
  while (state->latest) {
    auto set = std::move(state->latest);
    state->latest.reset();
    state->deciding = set;
    co_await confirm(state, *set);
    const std::size_t revoked = state->revoker.recheck_all();
    if (state->missed && !state->latest) state->latest = set;
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
  net::co_spawn(state_->executor, recheck_until_current(state_),
                [state = state_](const std::exception_ptr& error) {
                  state->running = false;  // the next change starts a pass again
                  if (!error) return;
                  log_fields(spdlog::level::err,
                             LogFields{}
                                 .add("event", "revoke_failed")
                                 .add_quoted("error", common::exception_text(error)));
                });
}

}  // namespace gatehouse::proxy
