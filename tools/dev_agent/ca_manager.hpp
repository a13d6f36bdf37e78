#pragma once
// The dev agent's Connect CA: the roots (one active, rotated-out ones kept and trusted), the CA
// configuration, and the leaf certificates it issues per service name (reference §2, §3).
//
// Leaves are cached per service and re-issued when the active root changes or when the renewal
// point passes: a random instant between 60 % and 90 % of the leaf's lifetime, as Consul's
// calculateSoftExpiry picks it.

#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "consul/ca_configuration.hpp"
#include "consul/ca_root.hpp"
#include "consul/leaf_cert.hpp"
#include "tls/certificate_authority.hpp"
#include "tools/dev_agent/http_error.hpp"
#include "tools/dev_agent/state_store.hpp"

namespace gatehouse::tools {

// Consul's defaults: leaf_cert_ttl 72h, intermediate 8760h, root 87600h.
constexpr std::chrono::hours kDefaultLeafTtl{72};
// Consul refuses LeafCertTTL < 1h; the dev agent allows down to one minute so tests can watch
// renewals happen (documented deviation).
constexpr std::chrono::minutes kMinLeafTtl{1};
constexpr std::chrono::hours kMaxLeafTtl{8760};

struct CachedLeaf {
  consul::LeafCert cert;
  std::string signing_key_id;  // of the root that signed it
  std::chrono::system_clock::time_point renew_at;
};

class CaManager {
 public:
  using Clock = std::chrono::system_clock;

  CaManager(StateStore& store, std::string datacenter);

  // Picks a fresh cluster ID and creates the first root.
  boost::system::result<void, std::string> initialize(Clock::time_point now);

  const std::string& trust_domain() const { return trust_domain_; }
  const std::string& cluster_id() const { return cluster_id_; }
  std::uint64_t roots_index() const { return store_.index(Table::kCaRoots); }

  consul::CaRoots roots() const;
  const consul::CaConfiguration& configuration() const { return config_; }

  // PUT /v1/connect/ca/configuration: a new PrivateKey, PrivateKeyType or PrivateKeyBits rotates
  // the CA (a new active root; the old one stays, inactive and trusted); LeafCertTTL applies to
  // leaves issued from now on.
  std::optional<HttpError> set_configuration(consul::CaConfiguration config, Clock::time_point now);

  // The service's current leaf, issued or renewed first when needed.
  boost::system::result<CachedLeaf, std::string> leaf(const std::string& service,
                                                      Clock::time_point now);

 private:
  struct Root {
    tls::CertificateAuthority ca;
    std::uint64_t create_index = 0;
    std::uint64_t modify_index = 0;
  };

  const Root& active() const { return roots_.back(); }
  boost::system::result<tls::CertificateAuthority, std::string> create_root(
      const std::string& key_type, int key_bits, const std::string& key_pem, Clock::time_point now);

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
};

}  // namespace gatehouse::tools
