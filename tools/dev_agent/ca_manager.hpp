#pragma once
// The dev agent's Connect CA: the roots (one active, rotated-out ones kept and trusted), the CA
// configuration, and the leaf certificates it issues per service name (Consul's built-in
// provider, agent/connect/ca/provider_consul.go, behind the HTTP API of
// agent/connect_ca_endpoint.go and agent/agent_endpoint.go AgentConnectCALeafCert).
//
// Leaves are cached per service and re-issued when the active root changes or when the renewal
// point passes: a random instant between 60 % and 90 % of the leaf's lifetime, as Consul's
// calculateSoftExpiry (agent/leafcert) picks it.
//
// Threading: every member runs on the agent's io_context thread. Key generation and signing are
// handed to a CaWorker and awaited; the result is checked against the state as it is when the
// work comes back (the active root may have changed meanwhile) and only then stored.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consul/ca_configuration.hpp"
#include "consul/ca_root.hpp"
#include "consul/leaf_cert.hpp"
#include "tools/dev_agent/ca_worker.hpp"
#include "tools/dev_agent/certificate_authority.hpp"
#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

// Consul's defaults: leaf_cert_ttl 72h, intermediate 8760h, root 87600h.
constexpr std::chrono::hours kDefaultLeafTtl{72};
// Consul refuses LeafCertTTL < 1h (agent/structs/connect_ca.go, CommonCAProviderConfig.Validate);
// the dev agent allows down to one minute so tests can watch renewals happen (documented
// deviation).
constexpr std::chrono::minutes kMinLeafTtl{1};
constexpr std::chrono::hours kMaxLeafTtl{8760};

// Consul's caStateError while a configuration update runs (agent/consul/leader_connect_ca.go,
// UpdateConfiguration claims state RECONFIGURING first): a second update is refused, not queued.
inline constexpr std::string_view kCaReconfiguringError =
    "CA is already in state \"RECONFIGURING\"";

struct CachedLeaf {
  consul::LeafCert cert;
  std::string signing_key_id;  // of the root that signed it
  std::chrono::system_clock::time_point renew_at;
};

class CaManager {
 public:
  using Clock = std::chrono::system_clock;
  using LeafResult = boost::system::result<CachedLeaf, std::string>;

  CaManager(StateStore& store, std::string datacenter);

  // Picks a fresh cluster ID and creates the first root (before the agent serves: synchronous).
  boost::system::result<void, std::string> initialize(Clock::time_point now);

  const std::string& trust_domain() const { return trust_domain_; }
  const std::string& cluster_id() const { return cluster_id_; }
  std::uint64_t roots_index() const { return store_.index(Table::kCaRoots); }

  consul::CaRoots roots() const;
  const consul::CaConfiguration& configuration() const { return config_; }
  // True while a rotation's new root is being generated.
  bool reconfiguring() const { return reconfiguring_; }
  // True while a key generation or a signing runs on the worker.
  bool working() const { return worker_.in_flight() > 0; }

  // PUT /v1/connect/ca/configuration: a new PrivateKey, PrivateKeyType or PrivateKeyBits rotates
  // the CA (a new active root; the old one stays, inactive and trusted); LeafCertTTL applies to
  // leaves issued from now on. The new root is generated on the worker; until it is stored, the
  // old root keeps signing and a further update is refused with kCaReconfiguringError.
  boost::asio::awaitable<std::optional<HttpError>> set_configuration(consul::CaConfiguration config,
                                                                     Clock::time_point now);

  // The service's current leaf, issued (on the worker) or renewed first when needed.
  boost::asio::awaitable<LeafResult> leaf(std::string service, Clock::time_point now);

 private:
  struct Root {
    CertificateAuthority ca;
    std::uint64_t create_index = 0;
    std::uint64_t modify_index = 0;
  };

  // A validated configuration update: what to store, and the new root to create, if any.
  struct ConfigChange {
    consul::CaConfiguration config;
    std::chrono::seconds leaf_ttl{};
    std::optional<CaOptions> new_root;
  };

  using RootResult = boost::system::result<CertificateAuthority, std::string>;

  const Root& active() const { return roots_.back(); }
  // On the worker; reconfiguring() holds while it runs.
  boost::asio::awaitable<RootResult> generate_root(CaOptions options, Clock::time_point now);
  CaOptions root_options(const std::string& key_type, int key_bits, const std::string& key_pem);
  boost::system::result<ConfigChange, HttpError> plan_configuration(consul::CaConfiguration config);
  void apply_configuration(ConfigChange change, std::optional<CertificateAuthority> root);
  // The cached leaf when it is still signed by the active root and before its renewal point.
  std::optional<CachedLeaf> fresh_leaf(const std::string& service, Clock::time_point now) const;
  CachedLeaf store_leaf(const std::string& service, const CertificateAuthority& signer,
                        const IssuedLeaf& issued);

  StateStore& store_;
  std::string datacenter_;
  std::string cluster_id_;
  std::string trust_domain_;
  std::vector<Root> roots_;  // the active root is the last one
  consul::CaConfiguration config_;
  std::chrono::seconds leaf_ttl_{kDefaultLeafTtl};
  std::map<std::string, CachedLeaf> leaves_;
  std::uint64_t next_root_serial_ = 1;
  std::uint64_t next_leaf_serial_ = 1;
  bool reconfiguring_ = false;
  // Last member: destroyed first, so no job outlives what it was started from.
  CaWorker worker_;
};

}  // namespace gatehouse::tools
