#pragma once
// May this caller connect to our service? One interface, so the data path does not care whether
// the agent is asked per connection (AgentAuthorizer) or intentions are evaluated locally later.

#include <boost/asio/awaitable.hpp>
#include <string>

#include "proxy/decision_log.hpp"
#include "tls/peer_identity.hpp"

namespace gatehouse::proxy {

struct Verdict {
  bool allowed = false;
  std::string reason;  // Consul's Reason verbatim when the agent answered, else ours
  DecisionSource source = DecisionSource::agent;
  // The deciding intention as Consul's reason names it (`default/web => default/db`), `default`
  // for the no-match default, empty when no decision was made (the agent could not be asked).
  std::string intention;
};

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // Never throws for an unreachable or confused agent: those are denials (fail closed).
  virtual boost::asio::awaitable<Verdict> check(const tls::PeerIdentity& peer,
                                                const std::string& target) = 0;
};

}  // namespace gatehouse::proxy
