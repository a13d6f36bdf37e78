#include "tls/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls/certificate.hpp"
#include "tls/openssl_error.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/private_key.hpp"

namespace gatehouse::tls {
namespace {

using Built = boost::system::result<std::shared_ptr<const TlsContext>, std::string>;
using VoidResult = boost::system::result<void, std::string>;

// What Consul's Go proxy offers under TLS 1.2 (connect/tls.go defaultTLSConfig).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// TLS 1.3: OpenSSL's default suites in Go's order for machines with AES hardware (AES-128 first,
// as our TLS 1.2 list). AES-128-GCM is ~12% faster than AES-256-GCM per byte, and its SHA-256 key
// schedule runs on the SHA extensions where SHA-384 has none: the resumed handshake's HKDF was a
// fifth of its cost.
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// Sessions the server remembers (OpenSSL evicts the oldest beyond this); each holds the client's
// parsed certificate, a few KiB. A client resumes only its latest session per instance, so this
// covers a thousand calling sidecar instances.
constexpr long kServerSessionCacheSize = 1024;

VoidResult apply_protocol_settings(SSL_CTX* ctx, Role role) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
    return openssl_error("cannot set the minimum TLS version");
  }
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return openssl_error("cannot set the TLS 1.2 cipher suites");
  }
  if (SSL_CTX_set_ciphersuites(ctx, kTls13Suites) != 1) {
    return openssl_error("cannot set the TLS 1.3 cipher suites");
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  // Resumption stays inside this context, so a new context on every roots or leaf change starts
  // with nothing to resume. The server keeps sessions in this SSL_CTX's own cache and hands out
  // stateful tickets (SSL_OP_NO_TICKET in TLS 1.3: the ticket is just an ID): a stateless ticket
  // carries the client certificate, and decoding it again on every resumption was half of the
  // inbound side's instructions (OpenSSL 3.0's key decoders). The client keeps its sessions in
  // the context's SessionCache (no internal store).
  SSL_CTX_set_session_cache_mode(
      ctx, role == Role::server ? SSL_SESS_CACHE_SERVER
                                : SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
  SSL_CTX_set_timeout(ctx, static_cast<long>(SessionCache::kLifetime.count()));
  if (role == Role::server) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_sess_set_cache_size(ctx, kServerSessionCacheSize);
    if (SSL_CTX_set_num_tickets(ctx, 1) != 1) return openssl_error("cannot set the ticket count");
    // Required to resume sessions that carry a verified client certificate.
    static constexpr unsigned char kSessionContext[] = "gatehouse";
    if (SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1) != 1) {
      return openssl_error("cannot set the session id context");
    }
  }
  const int mode =
      role == Role::server ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_PEER;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  // The server checks the client's clientAuth EKU, the client the server's serverAuth EKU.
  const int purpose = role == Role::server ? X509_PURPOSE_SSL_CLIENT : X509_PURPOSE_SSL_SERVER;
  if (SSL_CTX_set_purpose(ctx, purpose) != 1) return openssl_error("cannot set the peer purpose");
  return {};
}

// OpenSSL fills a certificate's extension cache (flags, key usage, key identifiers, ...) on its
// first use, allocating parts of it then (crypto/x509/v3_purp.c ossl_x509v3_cache_extensions),
// and later callers read those fields without its lock. The certificates of a context are used
// by every worker's handshakes at once: left empty, a CA root's cache was filled inside one
// worker's chain verification while another worker compared its subject key identifier
// (X509_check_akid), a data race that ThreadSanitizer reported in WorkersTest and in
// TlsHandshake.OneFreshContextServesHandshakesOnSeveralThreadsAtOnce. Filling it here, on the
// thread that builds the context and before the context is published, leaves only reads.
void fill_extension_cache(X509* cert) {
  if (X509_check_purpose(cert, -1, 0) != 1) {
    ERR_clear_error();  // unusable extensions: verification names the problem when it matters
  }
}

VoidResult load_leaf(SSL_CTX* ctx, const std::vector<X509Ptr>& chain, EVP_PKEY* key) {
  for (const auto& cert : chain) fill_extension_cache(cert.get());
  if (SSL_CTX_use_certificate(ctx, chain.front().get()) != 1) {
    return openssl_error("cannot use the leaf certificate");
  }
  for (std::size_t i = 1; i < chain.size(); ++i) {
    if (SSL_CTX_add1_chain_cert(ctx, chain[i].get()) != 1) {
      return openssl_error("cannot add an intermediate certificate");
    }
  }
  if (SSL_CTX_use_PrivateKey(ctx, key) != 1) return openssl_error("cannot use the private key");
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return openssl_error("private key does not match the certificate");
  }
  return {};
}

VoidResult load_roots(SSL_CTX* ctx, const TrustMaterial& trust) {
  if (trust.root_pems.empty()) return std::string{"no CA roots to trust"};
  X509StorePtr store{X509_STORE_new()};
  if (!store) return openssl_error("cannot create the trust store");
  for (const auto& pem : trust.root_pems) {
    auto roots = parse_pem_chain(pem);
    if (!roots) return "CA root: " + roots.error();
    for (const auto& root : *roots) {
      fill_extension_cache(root.get());
      if (X509_STORE_add_cert(store.get(), root.get()) != 1) {
        return openssl_error("cannot trust a CA root");
      }
    }
  }
  SSL_CTX_set_cert_store(ctx, store.release());  // the context owns the store now
  return {};
}

boost::system::result<SpiffeId, std::string> leaf_identity(const X509* leaf) {
  const auto uris = uri_sans(leaf);
  if (uris.size() != 1) {
    return "leaf certificate has " + std::to_string(uris.size()) + " URI SANs, expected exactly 1";
  }
  return SpiffeId::parse(uris.front());
}

}  // namespace

TlsContext::TlsContext(BuildKey /*key*/, boost::asio::ssl::context context, Role role,
                       std::string trust_domain, std::string leaf_serial, SpiffeId leaf_id,
                       std::chrono::system_clock::time_point leaf_not_after)
    : context_(std::move(context)),
      role_(role),
      trust_domain_(std::move(trust_domain)),
      leaf_serial_(std::move(leaf_serial)),
      leaf_id_(std::move(leaf_id)),
      leaf_not_after_(leaf_not_after) {
  if (role_ == Role::client) {
    sessions_ = std::make_unique<SessionCache>();
    SessionCache::attach(context_.native_handle(), sessions_.get());
  }
}

TlsContext::~TlsContext() {
  // A stream may still hold the SSL_CTX: its late tickets must not reach a destroyed cache.
  if (sessions_) SessionCache::attach(context_.native_handle(), nullptr);
}

bool TlsContext::offer_session(SSL* ssl, const std::string& peer_key) const {
  return sessions_ ? sessions_->offer(ssl, peer_key) : false;
}

Built TlsContext::build(Role role, const LeafMaterial& leaf, const TrustMaterial& trust) {
  auto chain = parse_pem_chain(leaf.cert_pem);
  if (!chain) return "leaf certificate: " + chain.error();
  auto key = parse_private_key(leaf.private_key_pem);
  if (!key) return "leaf private key: " + key.error();
  // Checked before OpenSSL sees the pair: it may quietly drop a mismatched key.
  if (X509_check_private_key(chain->front().get(), key->get()) != 1) {
    ERR_clear_error();
    return std::string{"private key does not match the certificate"};
  }
  auto id = leaf_identity(chain->front().get());
  if (!id) return id.error();

  SslCtxPtr ctx{SSL_CTX_new(role == Role::server ? TLS_server_method() : TLS_client_method())};
  if (!ctx) return openssl_error("cannot create the TLS context");
  if (auto r = apply_protocol_settings(ctx.get(), role); !r) return r.error();
  if (auto r = load_leaf(ctx.get(), *chain, key->get()); !r) return r.error();
  if (auto r = load_roots(ctx.get(), trust); !r) return r.error();

  const X509* cert = chain->front().get();
  return std::make_shared<const TlsContext>(BuildKey{}, boost::asio::ssl::context{ctx.release()},
                                            role, trust.trust_domain, serial_colon_hex(cert),
                                            std::move(*id), not_after(cert));
}

}  // namespace gatehouse::tls
