// TLS contexts from CA material, and real handshakes over 127.0.0.1 between them.
#include "tls/tls_context.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <latch>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "tls/certificate.hpp"
#include "tls/openssl_ptr.hpp"
#include "tls/peer_identity.hpp"
#include "tls/private_key.hpp"
#include "tools/dev_agent/certificate_authority.hpp"

namespace gatehouse::tls {
namespace {

// The dev agent's CA mints the certificates these tests handshake with.
using tools::CaOptions;
using tools::CertificateAuthority;

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using net::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;
using boost::system::error_code;

constexpr const char* kClusterA = "aaaaaaaa-1111-2222-3333-444444444444";
constexpr const char* kClusterB = "bbbbbbbb-1111-2222-3333-444444444444";

CertificateAuthority make_ca(const char* cluster_id, Clock::time_point now = Clock::now()) {
  auto ca = CertificateAuthority::create(CaOptions{.cluster_id = cluster_id}, now);
  EXPECT_TRUE(ca.has_value()) << (ca ? "" : ca.error());
  return std::move(*ca);
}

LeafMaterial leaf_for(const CertificateAuthority& ca, const std::string& service,
                      Clock::time_point now = Clock::now(), std::uint64_t serial = 10) {
  auto leaf =
      ca.issue_leaf(SpiffeId::for_service(ca.trust_domain(), "dc1", service), 72h, now, serial);
  EXPECT_TRUE(leaf.has_value()) << (leaf ? "" : leaf.error());
  return LeafMaterial{leaf->cert_pem, leaf->private_key_pem};
}

TrustMaterial trust(const CertificateAuthority& ca) {
  return TrustMaterial{{ca.root_cert_pem()}, ca.trust_domain()};
}

std::shared_ptr<const TlsContext> build_ok(Role role, const LeafMaterial& leaf,
                                           const TrustMaterial& roots) {
  auto built = TlsContext::build(role, leaf, roots);
  EXPECT_TRUE(built.has_value()) << (built ? "" : built.error());
  return built ? *built : nullptr;
}

struct Handshake {
  error_code server_ec;
  error_code client_ec;
  long server_verify_result = X509_V_OK;
  std::optional<boost::system::result<PeerIdentity, std::string>> server_saw;
  std::optional<boost::system::result<PeerIdentity, std::string>> client_saw;
};

// One TLS handshake over 127.0.0.1 between the two contexts; run_for is only a safety net.
Handshake handshake(ssl::context& server_ctx, ssl::context& client_ctx) {
  net::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}};
  ssl::stream<tcp::socket> server{io, server_ctx};
  ssl::stream<tcp::socket> client{io, client_ctx};
  Handshake out;
  acceptor.async_accept(server.next_layer(), [&](error_code ec) {
    if (ec) {
      out.server_ec = ec;
      return;
    }
    server.async_handshake(ssl::stream_base::server, [&](error_code hec) {
      out.server_ec = hec;
      out.server_verify_result = SSL_get_verify_result(server.native_handle());
      if (!hec) {
        out.server_saw = peer_identity(server.native_handle());
      }
      error_code ignored;
      server.next_layer().close(ignored);  // done either way; the client sees EOF or an alert
    });
  });
  client.next_layer().async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    if (ec) {
      out.client_ec = ec;
      return;
    }
    client.async_handshake(ssl::stream_base::client, [&](error_code hec) {
      out.client_ec = hec;
      if (!hec) out.client_saw = peer_identity(client.native_handle());
    });
  });
  io.run_for(20s);
  EXPECT_TRUE(io.stopped()) << "handshake did not finish";
  return out;
}

// A leaf signed by `ca` with any set of URI SANs (our CA only issues exactly one), for the
// peer-identity refusals. The SAN values here are fixed test strings, safe in a config string.
LeafMaterial leaf_with_uris(const CertificateAuthority& ca, const std::string& san_conf) {
  auto key = generate_private_key("ec", 256);
  auto ca_key = parse_private_key(ca.private_key_pem());
  auto root = parse_pem_chain(ca.root_cert_pem());
  EXPECT_TRUE(key && ca_key && root);
  X509Ptr cert{X509_new()};
  EXPECT_EQ(X509_set_version(cert.get(), X509_VERSION_3), 1);
  EXPECT_EQ(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 99), 1);
  EXPECT_EQ(X509_set_issuer_name(cert.get(), X509_get_subject_name(root->front().get())), 1);
  EXPECT_NE(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60), nullptr);
  EXPECT_NE(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600), nullptr);
  EXPECT_EQ(X509_set_pubkey(cert.get(), key->get()), 1);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, root->front().get(), cert.get(), nullptr, nullptr, 0);
  X509ExtensionPtr eku{X509V3_EXT_nconf_nid(nullptr, &v3, NID_ext_key_usage, "clientAuth")};
  EXPECT_EQ(X509_add_ext(cert.get(), eku.get(), -1), 1);
  if (!san_conf.empty()) {
    X509ExtensionPtr san{
        X509V3_EXT_nconf_nid(nullptr, &v3, NID_subject_alt_name, san_conf.c_str())};
    EXPECT_EQ(X509_add_ext(cert.get(), san.get(), -1), 1);
  }
  EXPECT_GT(X509_sign(cert.get(), ca_key->get(), EVP_sha256()), 0);
  auto key_pem = private_key_to_pem(key->get());
  EXPECT_TRUE(key_pem.has_value());
  return LeafMaterial{to_pem(cert.get()), *key_pem};
}

// A client context straight from asio, for certificates TlsContext::build would refuse.
void use_leaf(ssl::context& ctx, const LeafMaterial& leaf) {
  error_code ec;
  ctx.use_certificate_chain(net::buffer(leaf.cert_pem), ec);
  EXPECT_FALSE(ec) << ec.message();
  ctx.use_private_key(net::buffer(leaf.private_key_pem), ssl::context::pem, ec);
  EXPECT_FALSE(ec) << ec.message();
  ctx.set_verify_mode(ssl::verify_none);
}

TEST(TlsContext, BuildsWithConsulSettings) {
  const auto ca = make_ca(kClusterA);
  const auto ctx = build_ok(Role::server, leaf_for(ca, "web", Clock::now(), 0x3c9a11), trust(ca));
  ASSERT_TRUE(ctx);
  EXPECT_EQ(ctx->role(), Role::server);
  EXPECT_EQ(ctx->trust_domain(), ca.trust_domain());
  EXPECT_EQ(ctx->leaf_serial(), "3c:9a:11");
  EXPECT_EQ(ctx->leaf_id(), SpiffeId::for_service(ca.trust_domain(), "dc1", "web"));
  SSL_CTX* native = ctx->ssl_context().native_handle();
  EXPECT_EQ(SSL_CTX_get_min_proto_version(native), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_verify_mode(native), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  EXPECT_EQ(sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(native))), 1);

  const auto client = build_ok(Role::client, leaf_for(ca, "api"), trust(ca));
  ASSERT_TRUE(client);
  EXPECT_EQ(SSL_CTX_get_verify_mode(client->ssl_context().native_handle()), SSL_VERIFY_PEER);
}

TEST(TlsContext, OffersOnlyConsulTls12Ciphers) {
  const auto ca = make_ca(kClusterA);
  const auto ctx = build_ok(Role::client, leaf_for(ca, "web"), trust(ca));
  ASSERT_TRUE(ctx);
  SslPtr ssl{SSL_new(ctx->ssl_context().native_handle())};
  ASSERT_TRUE(ssl);
  std::vector<std::string> tls12;
  STACK_OF(SSL_CIPHER)* ciphers = SSL_get_ciphers(ssl.get());
  for (int i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(ciphers, i);
    if (std::string{SSL_CIPHER_get_version(c)} != "TLSv1.3")
      tls12.emplace_back(SSL_CIPHER_get_name(c));
  }
  std::sort(tls12.begin(), tls12.end());
  EXPECT_EQ(tls12, (std::vector<std::string>{
                       "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                       "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-GCM-SHA256",
                       "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"}));
}

TEST(TlsContext, BundleIntermediatesBecomeTheChain) {
  const auto ca = make_ca(kClusterA);
  auto leaf = leaf_for(ca, "web");
  leaf.cert_pem += ca.root_cert_pem();  // stands in for an intermediate
  const auto ctx = build_ok(Role::server, leaf, trust(ca));
  ASSERT_TRUE(ctx);
  STACK_OF(X509)* chain = nullptr;
  ASSERT_EQ(SSL_CTX_get0_chain_certs(ctx->ssl_context().native_handle(), &chain), 1);
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(sk_X509_num(chain), 1);
}

TEST(TlsContext, RejectsMismatchedKey) {
  const auto ca = make_ca(kClusterA);
  auto leaf = leaf_for(ca, "web");
  leaf.private_key_pem = leaf_for(ca, "api").private_key_pem;
  const auto built = TlsContext::build(Role::server, leaf, trust(ca));
  ASSERT_FALSE(built.has_value());
  EXPECT_EQ(built.error(), "private key does not match the certificate");
}

TEST(TlsContext, RejectsMissingMaterial) {
  const auto ca = make_ca(kClusterA);
  const auto no_roots = TlsContext::build(Role::server, leaf_for(ca, "web"), TrustMaterial{});
  ASSERT_FALSE(no_roots.has_value());
  EXPECT_EQ(no_roots.error(), "no CA roots to trust");
  const auto bad_root = TlsContext::build(Role::server, leaf_for(ca, "web"),
                                          TrustMaterial{{"junk"}, ca.trust_domain()});
  ASSERT_FALSE(bad_root.has_value());
  EXPECT_EQ(bad_root.error(), "CA root: no certificate found in PEM bundle");
  const auto no_cert = TlsContext::build(Role::server, LeafMaterial{"", "x"}, trust(ca));
  ASSERT_FALSE(no_cert.has_value());
  EXPECT_EQ(no_cert.error(), "leaf certificate: no certificate found in PEM bundle");
  const auto no_key =
      TlsContext::build(Role::server, LeafMaterial{leaf_for(ca, "web").cert_pem, ""}, trust(ca));
  ASSERT_FALSE(no_key.has_value());
  EXPECT_EQ(no_key.error().rfind("leaf private key: invalid private key PEM", 0), 0u)
      << no_key.error();
}

TEST(TlsHandshake, MutualTlsSucceedsAndBothSidesSeeSpiffeIds) {
  const auto ca = make_ca(kClusterA);
  const auto server = build_ok(Role::server, leaf_for(ca, "db", Clock::now(), 7), trust(ca));
  const auto client = build_ok(Role::client, leaf_for(ca, "web", Clock::now(), 8), trust(ca));
  ASSERT_TRUE(server && client);
  const auto r = handshake(server->ssl_context(), client->ssl_context());
  ASSERT_FALSE(r.server_ec) << r.server_ec.message();
  ASSERT_FALSE(r.client_ec) << r.client_ec.message();

  ASSERT_TRUE(r.server_saw.has_value());
  ASSERT_TRUE(r.server_saw->has_value()) << r.server_saw->error();
  EXPECT_EQ((*r.server_saw)->id.to_string(),
            "spiffe://" + ca.trust_domain() + "/ns/default/dc/dc1/svc/web");
  EXPECT_EQ((*r.server_saw)->serial_hex, "08");

  ASSERT_TRUE(r.client_saw.has_value());
  ASSERT_TRUE(r.client_saw->has_value()) << r.client_saw->error();
  EXPECT_EQ((*r.client_saw)->serial_hex, "07");
  const auto expected = SpiffeId::for_service(ca.trust_domain(), "dc1", "db");
  EXPECT_TRUE(verify_server_identity((*r.client_saw)->id, *expected.service()).has_value());
}

TEST(TlsHandshake, AnyTrustedRootIsAccepted) {
  const auto old_ca = make_ca(kClusterA);
  const auto new_ca = make_ca(kClusterA);
  const TrustMaterial both{{new_ca.root_cert_pem(), old_ca.root_cert_pem()}, new_ca.trust_domain()};
  const auto server = build_ok(Role::server, leaf_for(new_ca, "db"), both);
  const auto client = build_ok(Role::client, leaf_for(old_ca, "web"), both);
  ASSERT_TRUE(server && client);
  const auto r = handshake(server->ssl_context(), client->ssl_context());
  EXPECT_FALSE(r.server_ec) << r.server_ec.message();
  EXPECT_FALSE(r.client_ec) << r.client_ec.message();
}

// A published context is used by every worker's handshakes from its first connection on, so
// several threads verify chains against the same fresh context at once. Under ThreadSanitizer this
// exposed OpenSSL filling a CA root's extension cache inside one handshake while another thread
// read it (fill_extension_cache in tls_context.cpp).
TEST(TlsHandshake, OneFreshContextServesHandshakesOnSeveralThreadsAtOnce) {
  constexpr int kThreads = 4;
  constexpr int kFreshContexts = 8;
  const auto ca = make_ca(kClusterA);
  const auto db = leaf_for(ca, "db", Clock::now(), 7);
  const auto web = leaf_for(ca, "web", Clock::now(), 8);
  for (int round = 0; round < kFreshContexts; ++round) {
    const auto server = build_ok(Role::server, db, trust(ca));
    const auto client = build_ok(Role::client, web, trust(ca));
    ASSERT_TRUE(server && client);
    std::latch start{kThreads};
    std::vector<Handshake> results(kThreads);
    {
      std::vector<std::jthread> threads;
      for (std::size_t t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
          start.arrive_and_wait();  // every thread's first handshake on the fresh contexts at once
          results[t] = handshake(server->ssl_context(), client->ssl_context());
        });
      }
    }
    for (const auto& r : results) {
      EXPECT_FALSE(r.server_ec) << r.server_ec.message();
      EXPECT_FALSE(r.client_ec) << r.client_ec.message();
      ASSERT_TRUE(r.server_saw.has_value() && r.server_saw->has_value());
      EXPECT_EQ((*r.server_saw)->serial_hex, "08");
      ASSERT_TRUE(r.client_saw.has_value() && r.client_saw->has_value());
      EXPECT_EQ((*r.client_saw)->serial_hex, "07");
    }
  }
}

TEST(TlsHandshake, ClientCertFromAnotherCaIsRefused) {
  const auto ca = make_ca(kClusterA);
  const auto other = make_ca(kClusterB);
  const auto server = build_ok(Role::server, leaf_for(ca, "db"), trust(ca));
  // The client trusts our CA, so only the server's check can refuse it.
  const auto client = build_ok(Role::client, leaf_for(other, "web"), trust(ca));
  ASSERT_TRUE(server && client);
  const auto r = handshake(server->ssl_context(), client->ssl_context());
  ASSERT_TRUE(r.server_ec);
  EXPECT_NE(r.server_ec.message().find("certificate verify failed"), std::string::npos)
      << r.server_ec.message();
  EXPECT_EQ(r.server_verify_result, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_FALSE(r.server_saw.has_value());
}

TEST(TlsHandshake, MissingClientCertIsRefused) {
  const auto ca = make_ca(kClusterA);
  const auto server = build_ok(Role::server, leaf_for(ca, "db"), trust(ca));
  ASSERT_TRUE(server);
  ssl::context anonymous{ssl::context::tls_client};
  anonymous.set_verify_mode(ssl::verify_none);
  const auto r = handshake(server->ssl_context(), anonymous);
  ASSERT_TRUE(r.server_ec);
  EXPECT_NE(r.server_ec.message().find("peer did not return a certificate"), std::string::npos)
      << r.server_ec.message();
  EXPECT_FALSE(r.server_saw.has_value());
}

struct SanCase {
  const char* name;
  std::string san_conf;
  std::string reason;
};

// GoogleTest looks this name up to print parameters.
// NOLINTNEXTLINE(readability-identifier-naming)
void PrintTo(const SanCase& c, std::ostream* os) { *os << c.san_conf; }

class PeerIdentityRefusal : public ::testing::TestWithParam<SanCase> {};

TEST_P(PeerIdentityRefusal, VerifiedPeerWithoutExactlyOneSpiffeIdIsRefused) {
  const auto ca = make_ca(kClusterA);
  const auto server = build_ok(Role::server, leaf_for(ca, "db"), trust(ca));
  ASSERT_TRUE(server);
  ssl::context client{ssl::context::tls_client};
  use_leaf(client, leaf_with_uris(ca, GetParam().san_conf));
  const auto r = handshake(server->ssl_context(), client);
  ASSERT_FALSE(r.server_ec) << r.server_ec.message();  // the chain itself is fine
  ASSERT_TRUE(r.server_saw.has_value());
  ASSERT_FALSE(r.server_saw->has_value());
  EXPECT_EQ(r.server_saw->error(), GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    UriSans, PeerIdentityRefusal,
    ::testing::Values(
        SanCase{"none", "", "peer certificate has 0 URI SANs, expected exactly 1"},
        SanCase{"dns_only", "DNS:web.aaaaaaaa-1111-2222-3333-444444444444.consul",
                "peer certificate has 0 URI SANs, expected exactly 1"},
        SanCase{"two", "URI:spiffe://a.consul/ns/default/dc/dc1/svc/web,URI:spiffe://a.consul",
                "peer certificate has 2 URI SANs, expected exactly 1"},
        SanCase{"not_spiffe", "URI:https://web.example/", "SPIFFE ID must have 'spiffe' scheme"},
        SanCase{"not_consul", "URI:spiffe://a.consul/workload/web",
                "SPIFFE ID is not in the expected format: spiffe://a.consul/workload/web"}),
    [](const auto& p) { return std::string{p.param.name}; });

TEST(TlsHandshake, RootNameConstraintRefusesDnsOutsideTrustDomain) {
  const auto ca = make_ca(kClusterA);
  const auto server = build_ok(Role::server, leaf_for(ca, "db"), trust(ca));
  ASSERT_TRUE(server);
  ssl::context client{ssl::context::tls_client};
  use_leaf(client, leaf_with_uris(ca, "DNS:web.example"));
  const auto r = handshake(server->ssl_context(), client);
  ASSERT_TRUE(r.server_ec);
  EXPECT_EQ(r.server_verify_result, X509_V_ERR_PERMITTED_VIOLATION);
}

TEST(TlsHandshake, ExpiredClientCertIsRefused) {
  const auto ca = make_ca(kClusterA, Clock::now() - 24h * 10);
  const auto server = build_ok(Role::server, leaf_for(ca, "db"), trust(ca));
  const auto client =
      build_ok(Role::client, leaf_for(ca, "web", Clock::now() - 24h * 5), trust(ca));
  ASSERT_TRUE(server && client);
  const auto r = handshake(server->ssl_context(), client->ssl_context());
  ASSERT_TRUE(r.server_ec);
  EXPECT_NE(r.server_ec.message().find("certificate verify failed"), std::string::npos)
      << r.server_ec.message();
  EXPECT_EQ(r.server_verify_result, X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST(TlsHandshake, ClientRefusesServerFromAnotherCa) {
  const auto ca = make_ca(kClusterA);
  const auto other = make_ca(kClusterB);
  const auto server = build_ok(Role::server, leaf_for(other, "db"), trust(ca));
  const auto client = build_ok(Role::client, leaf_for(ca, "web"), trust(ca));
  ASSERT_TRUE(server && client);
  const auto r = handshake(server->ssl_context(), client->ssl_context());
  ASSERT_TRUE(r.client_ec);
  EXPECT_NE(r.client_ec.message().find("certificate verify failed"), std::string::npos)
      << r.client_ec.message();
}

// Resumption: what one connection between two contexts saw. The server writes one byte so the
// client reads past the handshake and receives the TLS 1.3 ticket, as a relay would.
struct Connection {
  error_code server_ec;
  error_code client_ec;
  bool offered = false;
  bool server_resumed = false;
  bool client_resumed = false;
  std::optional<boost::system::result<PeerIdentity, std::string>> server_saw;
  std::optional<boost::system::result<PeerIdentity, std::string>> client_saw;
};

constexpr const char* kPeerKey = "127.0.0.1:1 spiffe://x/ns/default/dc/dc1/svc/db";

Connection connect_once(const TlsContext& server_ctx, const TlsContext& client_ctx) {
  net::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}};
  ssl::stream<tcp::socket> server{io, server_ctx.ssl_context()};
  ssl::stream<tcp::socket> client{io, client_ctx.ssl_context()};
  Connection out;
  out.offered = client_ctx.offer_session(client.native_handle(), kPeerKey);
  char byte = 'x';
  char got = 0;
  acceptor.async_accept(server.next_layer(), [&](error_code ec) {
    if (ec) {
      out.server_ec = ec;
      return;
    }
    server.async_handshake(ssl::stream_base::server, [&](error_code hec) {
      out.server_ec = hec;
      if (hec) return;
      out.server_resumed = SSL_session_reused(server.native_handle()) == 1;
      out.server_saw = peer_identity(server.native_handle());
      net::async_write(server, net::buffer(&byte, 1), [](error_code, std::size_t) {});
    });
  });
  client.next_layer().async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    if (ec) {
      out.client_ec = ec;
      return;
    }
    client.async_handshake(ssl::stream_base::client, [&](error_code hec) {
      out.client_ec = hec;
      if (hec) return;
      out.client_resumed = SSL_session_reused(client.native_handle()) == 1;
      out.client_saw = peer_identity(client.native_handle());
      net::async_read(client, net::buffer(&got, 1), [&](error_code rec, std::size_t) {
        EXPECT_TRUE(rec || got == 'x');
        // The server ends with close_notify, as the proxy does: OpenSSL forgets the session of a
        // connection that ended without one.
        SSL_shutdown(server.native_handle());
        error_code ignored;
        client.next_layer().close(ignored);
        server.next_layer().close(ignored);
      });
    });
  });
  io.run_for(20s);
  EXPECT_TRUE(io.stopped()) << "connection did not finish";
  return out;
}

void expect_client_seen(const Connection& c, const CertificateAuthority& ca) {
  ASSERT_FALSE(c.server_ec) << c.server_ec.message();
  ASSERT_FALSE(c.client_ec) << c.client_ec.message();
  ASSERT_TRUE(c.server_saw.has_value());
  ASSERT_TRUE(c.server_saw->has_value()) << c.server_saw->error();
  EXPECT_EQ((*c.server_saw)->id.to_string(),
            "spiffe://" + ca.trust_domain() + "/ns/default/dc/dc1/svc/web");
  EXPECT_EQ((*c.server_saw)->serial_hex, "08");
  ASSERT_TRUE(c.client_saw.has_value());
  ASSERT_TRUE(c.client_saw->has_value()) << c.client_saw->error();
  EXPECT_EQ((*c.client_saw)->id.to_string(),
            "spiffe://" + ca.trust_domain() + "/ns/default/dc/dc1/svc/db");
  EXPECT_EQ((*c.client_saw)->serial_hex, "07");
}

TEST(TlsResumption, SecondConnectionResumesAndStillKnowsThePeer) {
  const auto ca = make_ca(kClusterA);
  const auto server = build_ok(Role::server, leaf_for(ca, "db", Clock::now(), 7), trust(ca));
  const auto client = build_ok(Role::client, leaf_for(ca, "web", Clock::now(), 8), trust(ca));
  ASSERT_TRUE(server && client);
  ASSERT_NE(client->session_cache(), nullptr);
  EXPECT_EQ(server->session_cache(), nullptr);

  const auto first = connect_once(*server, *client);
  expect_client_seen(first, ca);
  EXPECT_FALSE(first.offered);
  EXPECT_FALSE(first.server_resumed);
  EXPECT_FALSE(first.client_resumed);
  EXPECT_EQ(client->session_cache()->size(), 1U);

  const auto second = connect_once(*server, *client);
  expect_client_seen(second, ca);
  EXPECT_TRUE(second.offered);
  EXPECT_TRUE(second.server_resumed);
  EXPECT_TRUE(second.client_resumed);
  EXPECT_EQ(client->session_cache()->size(), 1U);  // the offered one was taken, a new one came
}

TEST(TlsResumption, NewContextsAfterRootsRotationDoNotResume) {
  const auto old_ca = make_ca(kClusterA);
  const auto server =
      build_ok(Role::server, leaf_for(old_ca, "db", Clock::now(), 7), trust(old_ca));
  const auto client =
      build_ok(Role::client, leaf_for(old_ca, "web", Clock::now(), 8), trust(old_ca));
  ASSERT_TRUE(server && client);
  expect_client_seen(connect_once(*server, *client), old_ca);
  ASSERT_EQ(client->session_cache()->size(), 1U);

  // Rotation: both sides get new leaves from a new CA and trust both roots, as Consul does.
  const auto new_ca = make_ca(kClusterA);
  const TrustMaterial both{{old_ca.root_cert_pem(), new_ca.root_cert_pem()}, new_ca.trust_domain()};
  const auto new_server = build_ok(Role::server, leaf_for(new_ca, "db", Clock::now(), 7), both);
  const auto new_client = build_ok(Role::client, leaf_for(new_ca, "web", Clock::now(), 8), both);
  ASSERT_TRUE(new_server && new_client);
  const auto after = connect_once(*new_server, *new_client);
  expect_client_seen(after, new_ca);
  EXPECT_FALSE(after.offered);  // the old session belongs to the old client context
  EXPECT_FALSE(after.client_resumed);
  EXPECT_FALSE(after.server_resumed);

  // Even an old client's session is refused by the new server: its session cache is its own.
  const auto mixed = connect_once(*new_server, *client);
  EXPECT_TRUE(mixed.offered);
  EXPECT_FALSE(mixed.server_resumed);
  EXPECT_FALSE(mixed.client_resumed);
}

TEST(TlsResumption, EachSessionIsOfferedOnce) {
  const auto ca = make_ca(kClusterA);
  const auto server = build_ok(Role::server, leaf_for(ca, "db", Clock::now(), 7), trust(ca));
  const auto client = build_ok(Role::client, leaf_for(ca, "web", Clock::now(), 8), trust(ca));
  ASSERT_TRUE(server && client);
  expect_client_seen(connect_once(*server, *client), ca);
  ASSERT_EQ(client->session_cache()->size(), 1U);
  // Two connections starting at once: the first takes the session, the second does a full
  // handshake instead of replaying the same ticket.
  const SslPtr first{SSL_new(client->ssl_context().native_handle())};
  const SslPtr second{SSL_new(client->ssl_context().native_handle())};
  EXPECT_TRUE(client->offer_session(first.get(), kPeerKey));
  EXPECT_FALSE(client->offer_session(second.get(), kPeerKey));
  EXPECT_EQ(client->session_cache()->size(), 0U);
}

TEST(TlsResumption, SessionLifetimeIsBounded) {
  const auto ca = make_ca(kClusterA);
  const auto server = build_ok(Role::server, leaf_for(ca, "db", Clock::now(), 7), trust(ca));
  ASSERT_TRUE(server);
  EXPECT_EQ(SSL_CTX_get_timeout(server->ssl_context().native_handle()), 300);
  // Stateful tickets: the server's sessions stay in its own context's cache.
  EXPECT_NE(SSL_CTX_get_options(server->ssl_context().native_handle()) & SSL_OP_NO_TICKET, 0U);
  EXPECT_EQ(SSL_CTX_get_session_cache_mode(server->ssl_context().native_handle()),
            SSL_SESS_CACHE_SERVER);
}

}  // namespace
}  // namespace gatehouse::tls
