#pragma once
// Consul's SPIFFE identities (agent/connect/uri*.go): parse a certificate's URI SAN into a typed
// identity, and print an identity back as the exact URI Consul would put in a certificate.

#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace gatehouse::tls {

// spiffe://<td>[/ap/<partition>]/ns/<ns>/dc/<dc>/svc/<service>
struct ServiceIdentity {
  std::string trust_domain{};
  std::string partition = "default";
  std::string ns = "default";
  std::string datacenter{};
  std::string service{};
  bool operator==(const ServiceIdentity&) const = default;
};

// spiffe://<td>[/ap/<partition>]/agent/client/dc/<dc>/id/<node>
struct AgentIdentity {
  std::string trust_domain{};
  std::string partition = "default";
  std::string datacenter{};
  std::string node{};
  bool operator==(const AgentIdentity&) const = default;
};

// spiffe://<td>/agent/server/dc/<dc>
struct ServerIdentity {
  std::string trust_domain{};
  std::string datacenter{};
  bool operator==(const ServerIdentity&) const = default;
};

// spiffe://<td>[/ap/<partition>]/gateway/mesh/dc/<dc>
struct MeshGatewayIdentity {
  std::string trust_domain{};
  std::string partition = "default";
  std::string datacenter{};
  bool operator==(const MeshGatewayIdentity&) const = default;
};

// spiffe://<td>: the CA itself (the trust domain is "<cluster-id>.consul").
struct SigningIdentity {
  std::string trust_domain{};
  bool operator==(const SigningIdentity&) const = default;
};

class SpiffeId {
 public:
  using Identity = std::variant<ServiceIdentity, AgentIdentity, ServerIdentity, MeshGatewayIdentity,
                                SigningIdentity>;

  explicit SpiffeId(Identity identity) : identity_(std::move(identity)) {}

  // Accepts exactly Consul's forms. Path segments may be percent-encoded (decoded here); a missing
  // `/ap/` means partition "default". Stricter than Consul in one way: a query, fragment, userinfo
  // or port is refused instead of being silently dropped, so what we print is what we read.
  static boost::system::result<SpiffeId, std::string> parse(std::string_view uri);

  static SpiffeId for_service(std::string trust_domain, std::string datacenter, std::string service,
                              std::string ns = "default");

  // The canonical URI: segments percent-encoded as Consul's Go code does (plus '/' and '%', so that
  // parse(to_string()) always gives back the same identity); `/ap/` omitted for partition default.
  std::string to_string() const;

  const Identity& identity() const { return identity_; }
  const ServiceIdentity* service() const { return std::get_if<ServiceIdentity>(&identity_); }
  const std::string& trust_domain() const;

  bool operator==(const SpiffeId&) const = default;

 private:
  Identity identity_;
};

}  // namespace gatehouse::tls
