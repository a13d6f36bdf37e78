#pragma once
// -authz local: each inbound connection is decided in-process from the watched intentions
// (IntentionWatch) with the decision code the dev agent's authorize uses
// (consul/intention_decision.hpp): first match by precedence, wildcards, L7 counts as deny, and
// Consul's reason strings. No intention matching: the agent's own default (NoMatchDefault),
// asked of the agent until learned.
//
// While the intentions cannot be read (the watch is failing, or has not answered yet):
// -authz-fail closed denies (`authz_unavailable: …`); last-known decides from the last set for at
// most -authz-stale-max after the failures began, marked decision_source=stale.
// -authz-verify RATE also asks the agent about that share of local decisions, after answering,
// and logs `event=authz_disagreement` (and counts it) when the two differ.
// One per worker: its AgentAuthorizer (for the default and for verification) runs on that
// worker's io_context; the watch, the learned default and the counters are shared.

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>

#include "proxy/agent_authorizer.hpp"
#include "proxy/intention_watch.hpp"
#include "proxy/no_match_default.hpp"
#include "proxy/proxy_config.hpp"

namespace gatehouse::proxy {

// Shared by every worker's LocalAuthorizer.
struct LocalAuthzShared {
  std::shared_ptr<const IntentionWatch> watch;
  NoMatchDefault no_match_default;
  std::atomic<std::uint64_t> verified{0};
  std::atomic<std::uint64_t> disagreements{0};
};

class LocalAuthorizer final : public Authorizer {
 public:
  LocalAuthorizer(boost::asio::any_io_executor executor, std::shared_ptr<LocalAuthzShared> shared,
                  std::shared_ptr<AgentAuthorizer> agent, AuthzConfig config);

  boost::asio::awaitable<Verdict> check(const tls::PeerIdentity& peer,
                                        const std::string& target) override;

 private:
  // The set to decide from and how (local or stale); nullopt-like empty set: deny with `why`.
  struct Basis {
    std::shared_ptr<const IntentionSet> set;
    DecisionSource source = DecisionSource::local;
    std::string why_not;  // set when `set` is empty
  };
  Basis basis() const;
  boost::asio::awaitable<Verdict> no_match(const tls::PeerIdentity& peer, const std::string& target,
                                           DecisionSource source);
  void maybe_verify(const tls::PeerIdentity& peer, const std::string& target, const Verdict& local);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<LocalAuthzShared> shared_;
  std::shared_ptr<AgentAuthorizer> agent_;
  AuthzConfig config_;
  std::minstd_rand random_;
};

// Pure: the decision for `caller` from the destination's intentions, or nullopt when none
// matches (the agent's default decides then).
std::optional<Verdict> decide_locally(const IntentionIndex& intentions,
                                      const tls::ServiceIdentity& caller, DecisionSource source);

}  // namespace gatehouse::proxy
