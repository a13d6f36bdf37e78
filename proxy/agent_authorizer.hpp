#pragma once
// Authorization by the local agent: POST /v1/agent/connect/authorize per connection (reference
// §4, as Consul's Go SDK does). Any failure to get an answer — transport error, timeout, a non-200
// status, an undecodable body — denies with a reason starting `authz_unavailable:`.
// One per worker: its HttpClient runs on that worker's io_context.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>

#include "consul/agent_client.hpp"
#include "proxy/authorizer.hpp"

namespace gatehouse::proxy {

class AgentAuthorizer final : public Authorizer {
 public:
  AgentAuthorizer(boost::asio::any_io_executor executor, consul::AgentConfig config,
                  std::chrono::milliseconds timeout);

  boost::asio::awaitable<Verdict> check(const tls::PeerIdentity& peer,
                                        const std::string& target) override;

 private:
  consul::AgentClient agent_;
};

// The denial reason for an agent that could not be asked.
std::string authz_unavailable_reason(const consul::ApiError& error);

}  // namespace gatehouse::proxy
