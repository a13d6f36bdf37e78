// Outside bytes: the agent's answers about services, as the client decodes them:
// GET /v1/health/connect/<service> (vector<ServiceEntry>, with Node, Service and Checks), GET
// /v1/agent/service/<id> (AgentService, with Proxy and Upstreams), GET /v1/agent/services (map of
// AgentService), and a service registration (AgentServiceRegistration, with Connect and Checks).
// The first byte chooses the decoder.
// Invariants (fuzz/decode_round_trip.hpp): only our decode error, never an exception; the error
// is one line; decode(encode(x)) == x.

#include <map>
#include <string>
#include <vector>

#include "consul/agent_service.hpp"
#include "consul/agent_service_registration.hpp"
#include "consul/service_entry.hpp"
#include "fuzz/decode_round_trip.hpp"

using namespace gatehouse;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::check_selected_decoder<std::vector<consul::ServiceEntry>, consul::ServiceEntry,
                               consul::AgentService, std::map<std::string, consul::AgentService>,
                               consul::AgentServiceRegistration>(data, size,
                                                                 consul::kLenientResponse);
  return 0;
}
