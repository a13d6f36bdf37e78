#include "proxy/agent_authorizer.hpp"

namespace gatehouse::proxy {

AgentAuthorizer::AgentAuthorizer(boost::asio::any_io_executor executor, consul::AgentConfig config,
                                 std::chrono::milliseconds timeout)
    : agent_(std::move(executor), std::move(config)) {
  agent_.set_request_timeout(timeout);
}

std::string authz_unavailable_reason(const consul::ApiError& error) {
  return "authz_unavailable: the agent could not be asked: " + error.message();
}

boost::asio::awaitable<Verdict> AgentAuthorizer::check(const tls::PeerIdentity& peer,
                                                       const std::string& target) {
  consul::AuthorizeRequest request;
  request.target = target;
  request.client_cert_uri = peer.id.to_string();  // the parsed URI re-serialised, as Consul's SDK
  request.client_cert_serial = peer.serial_hex;
  auto answer = co_await agent_.authorize(std::move(request));
  if (!answer) co_return Verdict{false, authz_unavailable_reason(answer.error())};
  co_return Verdict{answer->authorized, answer->reason};
}

}  // namespace gatehouse::proxy
