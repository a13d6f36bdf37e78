#pragma once
// The caller a certificate names, as the intention decision sees it: Consul's authorize
// (agent/agent_endpoint.go AgentConnectAuthorize) takes the source from the SPIFFE ID's
// namespace, partition and service, with the default partition spelled as empty.

#include "consul/intention_match.hpp"
#include "tls/spiffe_id.hpp"

namespace gatehouse::consul {

// The one mapping from a service identity to the source of an intention decision: used by the
// dev agent's authorize endpoint, the sidecar's local authorization and its revocation re-check.
ServiceRef caller_service(const tls::ServiceIdentity& caller);

}  // namespace gatehouse::consul
