#pragma once
// An immutable TLS configuration for one side of Connect mTLS, built whole from a leaf bundle and
// the CA roots, then shared by every connection that starts while it is current (published
// through tls/context_slot.hpp; never edited in place).

#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tls/session_cache.hpp"
#include "tls/spiffe_id.hpp"

namespace gatehouse::tls {

enum class Role { server, client };

struct LeafMaterial {
  std::string cert_pem{};         // leaf first, then its intermediates (Consul's CertPEM)
  std::string private_key_pem{};  // never logged
};

struct TrustMaterial {
  std::vector<std::string> root_pems{};  // every Roots[].RootCert, active or not
  std::string trust_domain{};            // the roots API's TrustDomain
};

class TlsContext {
 public:
  // Loads the whole bundle as the chain, checks the key matches the certificate, trusts all the
  // given roots and nothing else, requires a peer certificate (clientAuth/serverAuth purpose by
  // role), TLS 1.2 or newer with Consul's TLS 1.2 cipher suites, no ALPN. Sessions resume only
  // within this context: the server's session cache is this SSL_CTX's own (its tickets are only
  // IDs into it), the client's sessions live in this context's SessionCache; both last at most
  // 5 minutes.
  // The leaf must carry exactly one URI SAN that is a SPIFFE ID.
  static boost::system::result<std::shared_ptr<const TlsContext>, std::string> build(
      Role role, const LeafMaterial& leaf, const TrustMaterial& trust);

  // Asio's wrapper; streams built on it hold their own reference to the SSL_CTX.
  boost::asio::ssl::context& ssl_context() const { return context_; }
  Role role() const { return role_; }
  const std::string& trust_domain() const { return trust_domain_; }
  const std::string& leaf_serial() const { return leaf_serial_; }  // colon hex
  const SpiffeId& leaf_id() const { return leaf_id_; }
  std::chrono::system_clock::time_point leaf_not_after() const { return leaf_not_after_; }

  // Client only (no-op on a server context): offers the session cached for `peer_key` (host:port
  // and expected identity) on `ssl` before its handshake, and files the session the handshake
  // yields under that key. Returns whether a session was offered.
  bool offer_session(SSL* ssl, const std::string& peer_key) const;
  const SessionCache* session_cache() const { return sessions_.get(); }  // null on a server

  // Only build() can make the key, so every TlsContext has passed its checks.
  class BuildKey {
    friend class TlsContext;
    BuildKey() = default;
  };
  TlsContext(BuildKey, boost::asio::ssl::context context, Role role, std::string trust_domain,
             std::string leaf_serial, SpiffeId leaf_id,
             std::chrono::system_clock::time_point leaf_not_after);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

 private:
  mutable boost::asio::ssl::context context_;
  Role role_;
  std::string trust_domain_;
  std::string leaf_serial_;
  SpiffeId leaf_id_;
  std::chrono::system_clock::time_point leaf_not_after_;
  std::unique_ptr<SessionCache> sessions_;  // client role only
};

}  // namespace gatehouse::tls
