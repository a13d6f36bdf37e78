// Outside bytes: the agent's connect-proxy registration as `gatehouse proxy -sidecar-for` and
// `-proxy-id` read it: GET /v1/agent/service/<id> mapped to the proxy's configuration
// (proxy::config_from_registration, including the opaque Proxy.Config and Upstreams[].Config
// numbers), and GET /v1/agent/services searched for the sidecar of a service
// (proxy::find_sidecar_proxy_id). The first byte chooses which; the rest is the JSON body.
// Invariants: nothing crashes or throws; a mapped configuration names its service, has a public
// listener exactly when the registration has a port, timeouts of 1 ms..24 h, and only named
// upstreams; a found sidecar is a connect-proxy for that service.

#include <boost/algorithm/string/predicate.hpp>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "consul/agent_service.hpp"
#include "consul/json_decode.hpp"
#include "fuzz/fuzz_check.hpp"
#include "proxy/registration_config.hpp"

using namespace gatehouse;

namespace {

bool plausible_timeout(std::chrono::milliseconds t) {
  return t >= std::chrono::milliseconds{1} && t <= std::chrono::hours{24};
}

void check_registration(std::string_view body) {
  const auto registration =
      consul::decode_json<consul::AgentService>(body, consul::kLenientResponse);
  if (!registration) return;
  const auto mapped = proxy::config_from_registration(*registration, proxy::ProxyConfig{});
  if (!mapped) {
    FUZZ_CHECK(!mapped.error().empty(), "empty error");
    return;
  }
  const auto& c = mapped->config;
  FUZZ_CHECK(!c.service.empty(), "no service");
  FUZZ_CHECK(c.has_listener == (registration->port != 0), "listener without port");
  FUZZ_CHECK(plausible_timeout(c.timeouts.local_connect) && plausible_timeout(c.timeouts.handshake),
             "timeout out of range");
  for (const auto& u : c.upstreams) {
    FUZZ_CHECK(!u.destination_name.empty(), "unnamed upstream");
    FUZZ_CHECK(plausible_timeout(u.connect_timeout), "upstream timeout out of range");
  }
}

void check_sidecar_lookup(std::string_view body) {
  constexpr std::string_view kFor = "web";
  const auto services = consul::decode_json<std::map<std::string, consul::AgentService>>(
      body, consul::kLenientResponse);
  if (!services) return;
  const auto id = proxy::find_sidecar_proxy_id(*services, std::string{kFor});
  if (!id) return;
  bool found = false;
  for (const auto& [key, s] : *services) {
    const auto& effective = s.id.empty() ? key : s.id;
    found = found || (effective == *id && s.is_sidecar_proxy() && s.proxy &&
                      boost::algorithm::iequals(s.proxy->destination_service_id, kFor,
                                                std::locale::classic()));
  }
  FUZZ_CHECK(found, "sidecar " + *id + " is not a connect-proxy for " + std::string{kFor});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view body{reinterpret_cast<const char*>(data) + 1, size - 1};
  if (data[0] % 2 == 0) {
    check_registration(body);
  } else {
    check_sidecar_lookup(body);
  }
  return 0;
}
