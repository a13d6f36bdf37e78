#pragma once
// How this sidecar authorizes inbound connections, assembled from -authz, -authz-fail,
// -authz-stale-max and -authz-verify: the per-worker authorizers (agent or local), the state they
// share (the intention watch, the learned default, the last answers), and what /ready says about
// it. Created before the workers; the watch starts on the control thread with the sidecar.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "consul/agent_config.hpp"
#include "proxy/agent_authorizer.hpp"
#include "proxy/agent_reachability.hpp"
#include "proxy/intention_watch.hpp"
#include "proxy/local_authorizer.hpp"
#include "proxy/proxy_config.hpp"
#include "proxy/stale_verdicts.hpp"

namespace gatehouse::proxy {

// The intention watch may ask again at once after a change (a burst of 10, then 10 a second):
// revocation and local decisions follow a second change within the same second without waiting
// for the default 1-per-second limit of the other watches. Still a blocking query: an agent with
// no change answers once per wait.
inline consul::BlockingOptions intention_watch_options() {
  consul::BlockingOptions options;
  options.rate_per_second = 10.0;
  options.burst = 10.0;
  return options;
}

class Authorization {
 public:
  Authorization(AuthzConfig config, consul::AgentConfig agent,
                std::chrono::milliseconds authorize_timeout);
  Authorization(const Authorization&) = delete;
  Authorization& operator=(const Authorization&) = delete;

  // The WorkerPool's factory: one authorizer per worker, on that worker's executor.
  std::shared_ptr<Authorizer> make_authorizer(boost::asio::any_io_executor worker);

  // Before start(): called on the control thread with every new set of intentions (revocation).
  void on_intentions_change(IntentionWatch::OnChange callback) { on_change_ = std::move(callback); }

  // Control thread, before the workers accept: starts watching `service`'s intentions (local
  // mode, or any mode with -revoke).
  // `health` (optional) records the watch's outcomes for GET /metrics.
  void start(const boost::asio::any_io_executor& control, const std::string& service,
             consul::BlockingOptions watch_options = intention_watch_options(),
             std::shared_ptr<WatchHealth> health = nullptr);
  void stop();
  // Once the workers are gone and before the control io_context is: destroys the watch, whose
  // callbacks hold the Runtime that holds this (the cycle would outlive the process).
  void release();

  const AuthzConfig& config() const { return config_; }
  AgentReachability& reachability() { return reachability_; }
  // Null before start(), and in agent mode without -revoke.
  IntentionWatch* watch() { return watch_.get(); }
  const LocalAuthzShared* local() const { return local_.get(); }

  // Why new connections would now be refused because the agent cannot be asked
  // (`agent unreachable: …`), or nullopt. -authz-fail last-known stays ready while what it
  // remembers is younger than -authz-stale-max.
  std::optional<std::string> unready_reason() const;

 private:
  AuthzConfig config_;
  consul::AgentConfig agent_;
  std::chrono::milliseconds authorize_timeout_;
  AgentReachability reachability_;
  std::shared_ptr<StaleVerdicts> stale_;     // agent mode with last-known
  std::shared_ptr<LocalAuthzShared> local_;  // local mode
  std::shared_ptr<IntentionWatch> watch_;    // from start(): local mode or -revoke
  IntentionWatch::OnChange on_change_;
};

}  // namespace gatehouse::proxy
