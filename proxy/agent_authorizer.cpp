#include "proxy/agent_authorizer.hpp"

#include "consul/intention_decision.hpp"

namespace gatehouse::proxy {

AgentAuthorizer::AgentAuthorizer(boost::asio::any_io_executor executor, consul::AgentConfig config,
                                 std::chrono::milliseconds timeout, AgentAnswerSinks sinks)
    : agent_(std::move(executor), std::move(config)), timeout_(timeout), sinks_(std::move(sinks)) {
  agent_.set_request_timeout(timeout);
}

std::string authz_unavailable_reason(const consul::ApiError& error,
                                     std::chrono::milliseconds timeout) {
  std::string reason = "authz_unavailable: ";
  switch (error.kind) {
    case consul::ApiErrorKind::status:
      // Consul's own text: `rpc error making call: ...`, `Permission denied`, ...
      reason += "the agent answered status " + std::to_string(error.status);
      if (!error.body.empty()) reason += ": " + error.body;
      return reason;
    case consul::ApiErrorKind::invalid_response:
      return reason + "invalid JSON in the agent's answer: " + error.detail;
    case consul::ApiErrorKind::timeout:
      // The detail says how far the answer got (no byte, headers only, part of the body).
      reason += "timed out after " + std::to_string(timeout.count()) + " ms";
      if (!error.detail.empty()) reason += " (" + error.detail + ")";
      return reason;
    case consul::ApiErrorKind::connect:
    case consul::ApiErrorKind::cancelled:
    case consul::ApiErrorKind::transport:
      break;
  }
  return reason + "the agent could not be asked: " + error.message();
}

bool agent_unreachable(const consul::ApiError& error) {
  switch (error.kind) {
    case consul::ApiErrorKind::connect:
    case consul::ApiErrorKind::timeout:
    case consul::ApiErrorKind::transport:
      return true;
    case consul::ApiErrorKind::status:
    case consul::ApiErrorKind::invalid_response:
    case consul::ApiErrorKind::cancelled:
      return false;
  }
  return false;
}

boost::asio::awaitable<Verdict> AgentAuthorizer::check(const tls::PeerIdentity& peer,
                                                       const std::string& target) {
  consul::AuthorizeRequest request;
  request.target = target;
  request.client_cert_uri = peer.id.to_string();  // the parsed URI re-serialised, as Consul's SDK
  request.client_cert_serial = peer.serial_hex;
  const std::string caller = request.client_cert_uri;
  auto answer = co_await agent_.authorize(std::move(request));
  if (!answer) {
    std::string reason = authz_unavailable_reason(answer.error(), timeout_);
    // An error status or a garbled answer came from an agent that is there (misconfigured, or
    // its servers are down): only silence is an unreachable agent.
    if (!agent_unreachable(answer.error()))
      co_return Verdict{false, reason, DecisionSource::agent, {}};
    if (sinks_.reachability != nullptr) sinks_.reachability->failed(reason);
    if (sinks_.stale) {
      if (auto remembered = sinks_.stale->recall(caller)) co_return *remembered;
    }
    co_return Verdict{false, std::move(reason), DecisionSource::agent, {}};
  }
  if (sinks_.reachability != nullptr) sinks_.reachability->reached();
  Verdict verdict{answer->authorized, answer->reason, DecisionSource::agent,
                  consul::intention_label(answer->reason)};
  if (sinks_.stale) sinks_.stale->remember(caller, verdict);
  co_return verdict;
}

}  // namespace gatehouse::proxy
