#pragma once
// Authorization by the local agent: POST /v1/agent/connect/authorize per connection, as Consul's
// Go SDK does (connect/service.go, api/agent.go ConnectAuthorize). Any failure to get an answer
// denies (fail closed) with a reason starting `authz_unavailable:` that names what happened: `the
// agent answered status 500: <Consul's text>`, `invalid JSON in the agent's answer: …`, `timed out
// after N ms (…)` (also an answer that stalls mid-body), `the agent could not be asked:
// connect_failed: …`. Nothing is cached for deciding: the next connection asks again, so an agent
// that recovers authorizes at once. With -authz-fail last-known each answer is also remembered
// (StaleVerdicts) and recalled, marked stale, when the agent cannot be asked.
// One per worker: its HttpClient runs on that worker's io_context.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "consul/agent_client.hpp"
#include "proxy/agent_reachability.hpp"
#include "proxy/authorizer.hpp"
#include "proxy/stale_verdicts.hpp"

namespace gatehouse::proxy {

// Shared by every worker's authorizer; both optional.
struct AgentAnswerSinks {
  AgentReachability* reachability = nullptr;  // hears every answer and failure
  std::shared_ptr<StaleVerdicts> stale;       // -authz-fail last-known
};

class AgentAuthorizer final : public Authorizer {
 public:
  AgentAuthorizer(boost::asio::any_io_executor executor, consul::AgentConfig config,
                  std::chrono::milliseconds timeout, AgentAnswerSinks sinks = {});

  boost::asio::awaitable<Verdict> check(const tls::PeerIdentity& peer,
                                        const std::string& target) override;

 private:
  consul::AgentClient agent_;
  std::chrono::milliseconds timeout_;
  AgentAnswerSinks sinks_;
};

// The denial reason when the agent gave no usable answer; `timeout` is the request's deadline.
std::string authz_unavailable_reason(const consul::ApiError& error,
                                     std::chrono::milliseconds timeout);

// Did the agent fail to answer at all (refused, timed out, broken transport)? An error status or
// an unreadable answer came from an agent that is there.
bool agent_unreachable(const consul::ApiError& error);

}  // namespace gatehouse::proxy
