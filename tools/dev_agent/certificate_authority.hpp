#pragma once
// The dev agent's certificate authority: a self-signed root and leaves with the profile of
// Consul's built-in provider (agent/connect/ca/provider_consul.go: generateCA and Sign).

#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "tls/spiffe_id.hpp"

namespace gatehouse::tools {

struct CaOptions {
  std::string cluster_id{};  // a UUID; the trust domain is "<cluster_id>.consul"
  std::string private_key_type = "ec";
  int private_key_bits = 256;
  std::string private_key_pem{};  // optional: use this key instead of generating one
  std::chrono::hours root_ttl{87600};
  std::uint64_t serial = 1;  // the root's serial number
};

struct IssuedLeaf {
  std::string cert_pem{};         // the leaf only (this CA is a root: no intermediates)
  std::string private_key_pem{};  // "EC PRIVATE KEY"
  std::string serial_hex{};       // colon hex, as the leaf API's SerialNumber
  std::chrono::system_clock::time_point valid_after{};
  std::chrono::system_clock::time_point valid_before{};
};

// How far a leaf's NotBefore lies before the moment it is issued. Consul's Sign back-dates one
// minute for clock drift between nodes (provider_consul.go: effectiveNow = now - 1m, NotAfter =
// effectiveNow + LeafCertTTL); that is what every TTL of 1h and more gets. The dev agent also
// issues TTLs down to one minute, where a full minute would leave nothing: those are back-dated
// 1/60 of the TTL (1s for 1m, 59s for 59m), so NotAfter - now is 59/60 of the TTL.
std::chrono::seconds leaf_backdate(std::chrono::seconds ttl);

// Immutable once created; copies share the same root and key. Safe to use from several threads
// at once (every member is const; OpenSSL signs with a shared key concurrently).
class CertificateAuthority {
 public:
  static boost::system::result<CertificateAuthority, std::string> create(
      const CaOptions& options, std::chrono::system_clock::time_point now);

  const std::string& root_cert_pem() const;
  const std::string& id() const;  // SHA-1 of the root DER, colon hex (Roots[].ID)
  std::uint64_t serial() const;
  const std::string& signing_key_id() const;  // SHA-256 of the PKIX public key, colon hex
  std::chrono::system_clock::time_point not_before() const;
  std::chrono::system_clock::time_point not_after() const;
  const std::string& trust_domain() const;  // "<cluster_id>.consul", lowercase
  const std::string& cluster_id() const;
  const std::string& private_key_type() const;
  int private_key_bits() const;
  const std::string& name() const;             // "Consul CA Primary Cert" (Roots[].Name)
  const std::string& common_name() const;      // "pri-<uid>.consul.ca.<cluster8>.consul"
  const std::string& private_key_pem() const;  // never log this

  // A leaf for any identity: fresh EC P-256 key, empty subject, one critical URI SAN, NotBefore
  // = now - leaf_backdate(ttl) and NotAfter = NotBefore + ttl. `now` may be in the past.
  boost::system::result<IssuedLeaf, std::string> issue_leaf(
      const tls::SpiffeId& id, std::chrono::seconds ttl, std::chrono::system_clock::time_point now,
      std::uint64_t serial) const;

 private:
  struct State;
  explicit CertificateAuthority(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  std::shared_ptr<const State> state_;
};

}  // namespace gatehouse::tools
